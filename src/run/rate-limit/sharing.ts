// Is a limit per model, or shared by the models of one key? OpenAI and Anthropic limit each model apart, but a
// proxy or an openai-compatible server may hold one budget for every model of a key, and the headers do not
// say which. The readings do: between two responses of one model, the provider's count went down by what was
// sent in between, less what refilled. When that matches what every model of the key sent better than what
// this model sent, the budget is shared, and the controllers of the key take from one bucket; when it matches
// what this model sent, the model has its own. Until told apart, a controller assumes the key's (never hammer).

/** Where a response's request left: the time and what this model and the whole key had taken then. */
export interface MarkPoint {
  at: number;
  own: number;
  group: number;
}

export class ShareDetector {
  private last: { at: number; remaining: number; own: number; group: number } | undefined;
  private consumed = 0;
  private own = 0;
  private group = 0;

  /**
   * One reading (remaining at the request's arrival) of a limit refilling at `perMs` up to `capacity`.
   * `minOthers`: how much the other models must have sent in between before the evidence counts.
   */
  add(mark: MarkPoint, remaining: number, perMs: number, capacity: number, minOthers: number): 'shared' | 'separate' | undefined {
    const last = this.last;
    if (last && mark.at > last.at) {
      const refill = (mark.at - last.at) * perMs;
      // Only while the bucket cannot have been full in between (a full bucket drops its refill).
      if (last.remaining + refill < capacity - 1) {
        this.consumed += last.remaining - remaining + refill;
        this.own += mark.own - last.own;
        this.group += mark.group - last.group;
      }
    }
    if (!last || mark.at > last.at) this.last = { at: mark.at, remaining, own: mark.own, group: mark.group };
    if (this.group - this.own < minOthers) return undefined;
    return Math.abs(this.consumed - this.group) < Math.abs(this.consumed - this.own) ? 'shared' : 'separate';
  }
}
