// The code of a user-code worker thread, as a string: the pool starts it with `new Worker(source, { eval:
// true })`, so the same text runs from dist/ and from the TypeScript sources under the test runner (a .ts
// worker file would need a loader). Plain JavaScript that needs only node: built-ins.
//
// Messages in: load {url}; module {url, exportName, output, context}; target {url, exportName, input};
// tool {url, exportName, args, ctx};
// inline {body, isAsync, output, vars, context} (the code also sees context.transcript/toolCalls/metadata by name); regex {source, flags, text}; abort {ref}; ping.
// Messages out: {id, ok: true, value} | {id, ok: false, error: {name, message, what}} | {id, pong: true}.
// In isolated mode (workerData.isolated) inline code runs in a node:vm context holding only the language's
// built-ins (frozen): no process, require, import(), fetch or timers; its arguments are re-created inside
// that context from JSON and its answer leaves it as JSON, so no object of this realm (whose constructor
// would lead back to `process`) reaches it. The worker also has an empty environment.
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

// Isolated inline checks: only primitives cross between the sandbox and this realm. Anything else would let
// the check reach this realm's functions (a returned thenable, a patched Promise.prototype.then or a thrown
// object's getters are each called by this realm's code, with this realm's resolve functions as arguments,
// whose constructor compiles code outside the sandbox). So the sandbox's built-ins are frozen before any user
// code runs (also keeping one check's changes from the next), and a bridge made inside the sandbox awaits the
// check there and hands back one JSON string, errors included.
const SANDBOX_BRIDGE = '(function () {\n' +
  '  "use strict";\n' +
  '  const seen = new Set();\n' +
  '  const freeze = (v) => {\n' +
  '    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v) || v === globalThis) return;\n' +
  '    seen.add(v);\n' +
  '    Object.freeze(v);\n' +
  '    for (const key of Reflect.ownKeys(v)) {\n' +
  '      const d = Object.getOwnPropertyDescriptor(v, key);\n' +
  '      if (d) { freeze(d.value); freeze(d.get); freeze(d.set); }\n' +
  '    }\n' +
  '    freeze(Object.getPrototypeOf(v));\n' +
  '  };\n' +
  '  for (const key of Reflect.ownKeys(globalThis)) freeze(globalThis[key]);\n' +
  '  for (const f of [function () {}, async function () {}, function* () {}, async function* () {}]) freeze(f);\n' +
  '  const text = (v) => { try { return String(v); } catch (e) { return "(unprintable)"; } };\n' +
  '  return async function (fn, output, vars, context) {\n' +
  '    let value;\n' +
  '    try {\n' +
  '      const ctx = JSON.parse(context);\n' +
  '      value = await fn(output, JSON.parse(vars), ctx, ctx.transcript, ctx.toolCalls, ctx.metadata);\n' +
  '    } catch (e) {\n' +
  '      const isObject = e !== null && (typeof e === "object" || typeof e === "function");\n' +
  '      let name = "Error", message, code;\n' +
  '      try { if (isObject && "message" in e) { name = text(e.name || "Error"); message = text(e.message); code = typeof e.code === "string" ? e.code : undefined; } } catch (_) {}\n' +
  '      if (message === undefined) { try { message = typeof e === "string" ? e : JSON.stringify(e); } catch (_) {} if (message === undefined) message = text(e); }\n' +
  '      return JSON.stringify({ ok: false, name, message, code });\n' +
  '    }\n' +
  '    try {\n' +
  '      return JSON.stringify({ ok: true, value });\n' +
  '    } catch (e) {\n' +
  '      return JSON.stringify({ ok: false, name: "TypeError", message: "returned a value that cannot be copied out of the sandbox (" + text(e && e.message) + ")" });\n' +
  '    }\n' +
  '  };\n' +
  '})()';
let isolatedContext;
let isolatedBridge;
function inlineFunction(body, isAsync) {
  const key = (isAsync ? 'a:' : 's:') + body;
  let fn = inline.get(key);
  if (fn) return fn;
  if (isolated) {
    if (!isolatedContext) {
      const sandbox = vm.createContext(Object.create(null), { codeGeneration: { strings: true, wasm: false } });
      isolatedBridge = vm.runInContext(SANDBOX_BRIDGE, sandbox);
      isolatedContext = sandbox;
    }
    const user = vm.runInContext('(' + (isAsync ? 'async ' : '') + 'function (output, vars, context, transcript, toolCalls, metadata) {\n' + body + '\n})', isolatedContext);
    fn = async (output, vars, context) => {
      const reply = JSON.parse(await isolatedBridge(user, String(output), JSON.stringify(vars ?? {}), JSON.stringify(context ?? {})));
      if (reply.ok) return reply.value;
      const err = new Error(reply.message);
      err.name = reply.name;
      if (reply.code) err.code = reply.code;
      throw err;
    };
  } else {
    const user = new (isAsync ? AsyncFunction : Function)('output', 'vars', 'context', 'transcript', 'toolCalls', 'metadata', body);
    // An agent's transcript, tool calls and metadata are names of their own in inline code (issue #16).
    fn = (output, vars, context) => user(output, vars, context, context?.transcript, context?.toolCalls, context?.metadata);
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
    case 'tool': {
      // ctx.state may be changed in place or replaced: what it holds after the call goes back as the item's state.
      const controller = new AbortController();
      controllers.set(msg.id, controller);
      try {
        const ctx = { ...msg.ctx, signal: controller.signal };
        const value = await pick(await load(msg.url), msg.exportName)(msg.args, ctx);
        return { value, state: ctx.state };
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
