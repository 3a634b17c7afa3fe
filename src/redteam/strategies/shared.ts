// What the strategies share: which base attacks carry their attack in the user's message, and a stable choice
// among a strategy's templates.
import { createHash } from 'node:crypto';
import type { BaseAttack, StrategyContext } from '../types.js';

/**
 * Whether the attack is the user's message. An indirect injection carries it in the context (a document, a tool
 * result) and its user message is a plain request ("summarise the attached note"): encoding or framing that
 * request attacks nothing, so the text strategies return no variant for it.
 */
export function attackIsInText(base: BaseAttack): boolean {
  return base.plugin !== 'indirect-injection';
}

/**
 * One of n templates for this base attack, from a hash of the block's seed, the base id and the strategy: the
 * choice of one case does not move when attacks are added or removed elsewhere (ctx.random would shift every
 * later draw), so regenerated files differ only where something changed.
 */
export function pick<T>(options: readonly T[], base: BaseAttack, strategy: string, ctx: Pick<StrategyContext, 'spec'>): T {
  const digest = createHash('sha256').update(`${ctx.spec.seed}\u0000${base.id}\u0000${strategy}`).digest();
  return options[digest.readUInt32BE(0) % options.length];
}
