#!/usr/bin/env node
// fake-agent-server.mjs — a loopback OpenAI Chat Completions server that plays a tool-calling agent, for the W9
// benchmark workload (bench/workloads/w9-agent.mjs). Plain Node, no dependencies, no test imports: the shared
// kit's fake-llm-server.mjs does not speak tool calls, and the test suite's fake provider is TypeScript.
//
//   node bench/fake-agent-server.mjs --port 0 --port-file F [--latency-ms 150] [--max-lifetime-s 3600] [--quiet]
//
// The conversation is decided by the request alone (no state between requests), so retries and reruns are
// answered the same way. The step of a request is the number of assistant messages that called tools since the
// last user message. The user message names an order ("order ORD-…"):
//   step 0      → lookup_order({ order_id })
//   step 1..3   → get_tracking({ order_id, parcel: step })
//   step 4      → the final text, echoing the tracking code of every get_tracking result it was sent
// A fixed tenth of the orders (fnv(order) % 10 === 0) answers with a wrong code for parcel 3: the server's
// ground truth for a `contains` check on that code is then its own count of faithful answers (`/stats.finals`).
// Each request sleeps --latency-ms, then answers as JSON (stream: true is refused: the agent loop does not stream).
//
//   POST /v1/chat/completions   the agent, as above
//   GET  /stats                 requests, by step, max and time-averaged in flight, finals {answered, faithful},
//                               anomalies (requests the script could not read), cpu of this process
//   POST /stats/reset           zero the counters
import fs from 'node:fs';
import http from 'node:http';

const O = { port: 0, host: '127.0.0.1', 'port-file': '', 'latency-ms': 150, 'max-lifetime-s': 3600, quiet: false };
for (let i = 2; i < process.argv.length; i++) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in O)) throw new Error(`fake-agent-server: unknown option ${process.argv[i]}`);
  if (typeof O[key] === 'boolean') O[key] = true;
  else O[key] = typeof O[key] === 'number' ? Number(process.argv[++i]) : process.argv[++i];
}
const TOOL_STEPS = 4; // tool-calling steps before the final answer: 5 model steps per conversation

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function fnv(str) {
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

let stats;
function resetStats() {
  stats = { requests: 0, byStep: {}, inFlight: 0, maxInFlight: 0, inFlightArea: 0, firstAt: 0, lastAt: 0, finals: { answered: 0, faithful: 0 }, anomalies: {} };
}
resetStats();
const anomaly = (what) => (stats.anomalies[what] = (stats.anomalies[what] ?? 0) + 1);

function sendJson(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
const sendError = (res, status, message) => sendJson(res, status, { error: { message, type: 'invalid_request_error', param: null, code: null } });

const text = (content) => (typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => p?.text ?? '').join('') : '');

/** What the request asks for: the order, the step, and the tracking codes the tools answered so far. */
function readConversation(messages) {
  const lastUser = messages.map((m) => m?.role).lastIndexOf('user');
  const order = /order (ORD-[A-Z0-9]+)/.exec(text(messages[lastUser]?.content))?.[1] ?? null;
  const turn = messages.slice(lastUser + 1);
  const step = turn.filter((m) => m?.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length > 0).length;
  const tracking = {};
  for (const m of turn) {
    if (m?.role !== 'tool') continue;
    try {
      const r = JSON.parse(text(m.content));
      if (r && typeof r.tracking === 'string' && Number.isInteger(r.parcel)) tracking[r.parcel] = r.tracking;
    } catch {
      /* lookup_order's answer or an error text: not a tracking code */
    }
  }
  return { order, step, tracking };
}

function decide(messages) {
  const { order, step, tracking } = readConversation(messages);
  if (!order) return { anomaly: 'no order in the user message' };
  if (step === 0) return { call: { name: 'lookup_order', args: { order_id: order } }, step };
  if (step < TOOL_STEPS) return { call: { name: 'get_tracking', args: { order_id: order, parcel: step } }, step };
  const codes = [1, 2, 3].map((p) => tracking[p] ?? null);
  if (codes.includes(null)) return { anomaly: 'final step without every tracking code', step };
  const faithful = fnv(order) % 10 !== 0;
  if (!faithful) codes[2] = 'not available yet'; // the third code left out: contains on it fails
  return { final: `Order ${order} ships in 3 parcels; tracking codes ${codes.join(', ')}.`, faithful, step };
}

let idCounter = 0;
async function handleChat(req, res, raw) {
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    anomaly('body not JSON');
    return sendError(res, 400, 'body is not valid JSON');
  }
  if (body?.stream) {
    anomaly('stream requested');
    return sendError(res, 400, 'fake-agent-server answers stream: false only');
  }
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  stats.requests++;
  const d = decide(messages);
  if (d.step !== undefined) stats.byStep[d.step] = (stats.byStep[d.step] ?? 0) + 1;
  await sleep(O['latency-ms']);
  if (d.anomaly) {
    anomaly(d.anomaly);
    return sendError(res, 400, `fake-agent-server: ${d.anomaly}`);
  }
  const id = (++idCounter).toString(36);
  const promptChars = messages.reduce((n, m) => n + text(m?.content).length + JSON.stringify(m?.tool_calls ?? '').length, 0);
  let message;
  let completionChars;
  if (d.call) {
    const args = JSON.stringify(d.call.args);
    message = {
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: `call_${d.step}_${id}`, type: 'function', function: { name: d.call.name, arguments: args } }],
    };
    completionChars = d.call.name.length + args.length;
  } else {
    stats.finals.answered++;
    if (d.faithful) stats.finals.faithful++;
    message = { role: 'assistant', content: d.final, refusal: null };
    completionChars = d.final.length;
  }
  const usage = { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: Math.ceil(completionChars / 4) };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  sendJson(res, 200, {
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: String(body.model ?? ''),
    choices: [{ index: 0, message, logprobs: null, finish_reason: d.call ? 'tool_calls' : 'stop' }],
    usage,
    system_fingerprint: 'fp_fake_agent',
  });
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname.replace(/\/+$/, '');
  const isChat = req.method === 'POST' && path.endsWith('/chat/completions');
  if (isChat) {
    // in flight = request headers received, response not yet finished or aborted (as fake-llm-server counts it)
    const gen = stats;
    const tick = (delta) => {
      const now = Date.now();
      gen.firstAt ||= now;
      if (gen.lastAt) gen.inFlightArea += gen.inFlight * (now - gen.lastAt);
      gen.lastAt = now;
      gen.inFlight += delta;
    };
    tick(1);
    gen.maxInFlight = Math.max(gen.maxInFlight, gen.inFlight);
    res.on('close', () => tick(-1));
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    if (isChat) return void handleChat(req, res, raw).catch((err) => !res.headersSent && sendError(res, 500, `fake-agent-server bug: ${err.message}`));
    if (req.method === 'GET' && path === '/stats') {
      const activeS = (stats.lastAt - stats.firstAt) / 1000;
      return sendJson(res, 200, { ...stats, activeS, avgInFlight: activeS > 0 ? stats.inFlightArea / 1000 / activeS : 0, cpu: process.cpuUsage() });
    }
    if (req.method === 'POST' && path === '/stats/reset') {
      resetStats();
      return sendJson(res, 200, { ok: true });
    }
    sendError(res, 404, `no route for ${req.method} ${path}`);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(O.port, O.host, () => {
  const { port } = server.address();
  if (O['port-file']) {
    fs.writeFileSync(`${O['port-file']}.tmp`, `${port}\n`);
    fs.renameSync(`${O['port-file']}.tmp`, O['port-file']);
  }
  if (!O.quiet) console.log(`fake-agent-server listening http://${O.host}:${port} pid=${process.pid}`);
});
const stop = () => {
  server.close();
  process.exit(0);
};
setTimeout(stop, O['max-lifetime-s'] * 1000).unref();
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
