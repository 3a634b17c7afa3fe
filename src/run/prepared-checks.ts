// The compiled checks of the cases a run is scoring: each case is scored once per variant and repeat (and, in a
// scripted conversation, once per turn with that turn's checks), so its checks are prepared once and kept a while.
import type { WorkItem } from '../plan/index.js';
import { prepareChecks, type PreparedCheck } from '../score/index.js';
import type { CheckSpec } from '../suite/index.js';

/** A bounded map of prepared (compiled) checks per case: each case is scored once per variant and repeat. */
export class PreparedChecksCache {
  private map = new Map<string, Promise<PreparedCheck[]>>();
  // Items come case by case (all variants of a case in a row), so a few hundred entries are plenty.
  constructor(
    private readonly baseDir: string,
    private readonly isolated: boolean,
    private readonly max = 256,
  ) {}
  /** The case's checks, or (with `turn`) the checks of that turn of its conversation. */
  get(item: WorkItem, turn?: { turn: number; specs: CheckSpec[] }): Promise<PreparedCheck[]> {
    const key = turn ? `${item.caseId}\u0000${turn.turn}` : item.caseId;
    let entry = this.map.get(key);
    if (!entry) {
      entry = prepareChecks(turn?.specs ?? item.planned.checks, this.baseDir, {}, { isolated: this.isolated });
      this.map.set(key, entry);
      if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
    }
    return entry;
  }
}
