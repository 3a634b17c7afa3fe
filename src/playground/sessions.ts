// The per-session spend cap (issue #20): what each session (a signed-in browser, or the loopback viewer's one
// session) paid for trials and full runs, against the cap `view --playground-max-cost` set. One trial or full run at
// a time per session: two at once would each be allowed the whole remainder, and together pass the cap.
import type { PlaygroundSpend } from '../viewer/index.js';

export class SessionLedger {
  private readonly spent = new Map<string, number>();
  private readonly busy = new Set<string>();

  constructor(readonly capUsd: number) {}

  spend(session: string): PlaygroundSpend {
    return { capUsd: this.capUsd, spentUsd: this.spent.get(session) ?? 0 };
  }

  remaining(session: string): number {
    return Math.max(0, this.capUsd - (this.spent.get(session) ?? 0));
  }

  /** Take the session for one trial or full run; false when one is running already. */
  begin(session: string): boolean {
    if (this.busy.has(session)) return false;
    this.busy.add(session);
    return true;
  }

  /** Add what a run paid (known costs: run/'s budget counts the same). */
  add(session: string, paidUsd: number): void {
    if (paidUsd > 0) this.spent.set(session, (this.spent.get(session) ?? 0) + paidUsd);
  }

  release(session: string): void {
    this.busy.delete(session);
  }
}
