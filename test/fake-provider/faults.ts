// Deterministic random fault draws, like the shared bench server: a pure function of
// (seed, wire, model, messages, attempt), so a retry of the same prompt gets a fresh but reproducible draw.
import type { Fault, FaultRates, FakeMessage } from './types.js';
import { unit } from './util.js';

export function checkRates(rates: FaultRates | undefined): void {
  if (!rates) return;
  const parts = [rates.rate429, rates.rate500, rates.rateReset, rates.rateMalformed];
  for (const r of parts) {
    if (r !== undefined && !(r >= 0 && r <= 1)) throw new Error(`fake provider: fault rate ${r} is not in [0, 1]`);
  }
  const sum = parts.reduce<number>((a, r) => a + (r ?? 0), 0);
  if (sum > 1 + 1e-9) throw new Error(`fake provider: fault rates add up to ${sum} > 1`);
}

export function drawFault(rates: FaultRates | undefined, model: string, messages: FakeMessage[], attempt: number): Fault | undefined {
  if (!rates) return undefined;
  let u = unit(`${rates.seed ?? 1}|f|${model}|${JSON.stringify(messages)}|${attempt}`);
  const table: [number | undefined, Fault][] = [
    [rates.rate429, { kind: '429', retryAfterS: rates.retryAfterS ?? 1 }],
    [rates.rate500, { kind: '500' }],
    [rates.rateReset, { kind: 'reset' }],
    [rates.rateMalformed, { kind: 'malformed' }],
  ];
  for (const [rate, fault] of table) {
    const r = rate ?? 0;
    if (u < r) return fault;
    u -= r;
  }
  return undefined;
}
