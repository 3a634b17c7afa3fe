// The code of a user-code worker thread, as a string: the pool starts it with `new Worker(source, { eval:
// true })`, so the same text runs from dist/ and from the TypeScript sources under the test runner (a .ts
// worker file would need a loader). Plain JavaScript that needs only node: built-ins.
//
// Messages in: load {url}; module {url, exportName, output, context}; target {url, exportName, input};
// inline {body, isAsync, output, vars, context}; regex {source, flags, text}; abort {ref}; ping.
// Messages out: {id, ok: true, value} | {id, ok: false, error: {name, message, what}} | {id, pong: true}.
// In isolated mode (workerData.isolated) inline code runs in a node:vm context holding only the language's
// built-ins: no process, require, import(), fetch or timers; its arguments are re-created inside that
// context from JSON, so no object of this realm (whose constructor would lead back to `process`) leaks in.
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');
const isolated = Boolean(workerData && workerData.isolated);
const modules = new Map();
const inline = new Map();
const controllers = new Map();
// A rejection nobody awaits (a check's stray promise) must not kill the worker and the calls it serves.
process.on('unhandledRejection', () => {});
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;

function describeThrown(err) {
  if (err instanceof Error || (err && typeof err === 'object' && typeof err.message === 'string')) {
    const name = String(err.name || 'Error');
    let message = String(err.message);
    if (isolated && (err.code === 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING' || /^(process|require|fetch|setTimeout|setInterval|globalThis\.process) is not defined$/.test(message))) {
      message += ' (javascript checks run isolated: no environment variables, files, network, import() or require; ' +
        'run with --trust-checks when the suite and its checks come from a trusted source)';
    }
    return { name, message, what: name + ': ' + message };
  }
  let text;
  try { text = typeof err === 'string' ? err : JSON.stringify(err); } catch { text = undefined; }
  if (text === undefined) text = String(err);
  return { name: 'Error', message: text, what: text };
}

function load(url) {
  let loading = modules.get(url);
  if (!loading) {
    loading = import(url);
    modules.set(url, loading);
    loading.catch(() => modules.delete(url));
  }
  return loading;
}

function pick(mod, exportName) {
  let fn = mod[exportName];
  // A CommonJS module's module.exports = { fn } arrives as the default export.
  if (fn === undefined && exportName !== 'default' && typeof mod.default === 'object' && mod.default !== null) fn = mod.default[exportName];
  if (typeof fn !== 'function') throw new TypeError('export "' + exportName + '" is not a function');
  return fn;
}

function describeExports(mod) {
  const own = Object.keys(mod).map((k) => [k, typeof mod[k]]);
  const fromDefault = typeof mod.default === 'object' && mod.default !== null ? Object.keys(mod.default).map((k) => [k, typeof mod.default[k]]) : [];
  return { own, fromDefault };
}

let isolatedContext;
function inlineFunction(body, isAsync) {
  const key = (isAsync ? 'a:' : 's:') + body;
  let fn = inline.get(key);
  if (fn) return fn;
  if (isolated) {
    isolatedContext ??= vm.createContext(Object.create(null), { codeGeneration: { strings: true, wasm: false } });
    const user = vm.runInContext('(' + (isAsync ? 'async ' : '') + 'function (output, vars, context) {\n' + body + '\n})', isolatedContext);
    const parse = vm.runInContext('JSON.parse', isolatedContext);
    fn = (output, vars, context) => user(String(output), parse(JSON.stringify(vars ?? {})), parse(JSON.stringify(context ?? {})));
  } else {
    fn = new (isAsync ? AsyncFunction : Function)('output', 'vars', 'context', body);
  }
  inline.set(key, fn);
  return fn;
}

async function run(msg) {
  switch (msg.t) {
    case 'load': return describeExports(await load(msg.url));
    case 'module': return pick(await load(msg.url), msg.exportName)(msg.output, msg.context);
    case 'inline': return inlineFunction(msg.body, msg.isAsync)(msg.output, msg.vars, msg.context);
    case 'regex': return new RegExp(msg.source, msg.flags).test(msg.text);
    case 'target': {
      const controller = new AbortController();
      controllers.set(msg.id, controller);
      try {
        return await pick(await load(msg.url), msg.exportName)({ ...msg.input, signal: controller.signal });
      } finally {
        controllers.delete(msg.id);
      }
    }
    default: throw new Error('unknown message ' + msg.t);
  }
}

function reply(id, value) {
  try {
    parentPort.postMessage({ id, ok: true, value });
  } catch (err) {
    const what = 'returned a value that cannot be copied out of the worker (' + (err && err.message) + ')';
    parentPort.postMessage({ id, ok: false, error: { name: 'TypeError', message: what, what: 'TypeError: ' + what } });
  }
}

parentPort.on('message', (msg) => {
  if (msg.t === 'ping') return parentPort.postMessage({ id: msg.id, pong: true });
  if (msg.t === 'abort') {
    const controller = controllers.get(msg.ref);
    if (controller) controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    return;
  }
  let result;
  try {
    result = run(msg);
  } catch (err) {
    return parentPort.postMessage({ id: msg.id, ok: false, error: describeThrown(err) });
  }
  result.then((value) => reply(msg.id, value), (err) => parentPort.postMessage({ id: msg.id, ok: false, error: describeThrown(err) }));
});
`;
