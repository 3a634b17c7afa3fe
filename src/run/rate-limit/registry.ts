// The run's rate controllers, one per provider endpoint + API key + model, shared by the model calls and the
// judge calls that use the same key and model (judges are often the ones rate-limited). A network model's
// fetch is wrapped so that every response's rate-limit headers reach its controller.
import { createHash, randomUUID } from 'node:crypto';
import { InProcessBudget, type RateBudget } from './budget.js';
import { RateController, RateGroup, type DeclaredLimits, type RateLimitFigures } from './controller.js';
import { readRateLimitHeaders } from './headers.js';

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export class RateLimits {
  private readonly controllers = new Map<string, RateController>();
  private readonly groups = new Map<string, RateGroup>();
  /** This process's figures are stored with the run under this name (store.rateLimits), beside other processes'. */
  readonly source = randomUUID();
  constructor(private readonly budget: RateBudget = new InProcessBudget()) {}

  /**
   * The controller for this endpoint, credentials and model. `credentials` (the API key and headers) is only
   * hashed: two keys are two accounts with their own limits. `probe`: open with the cautious probe when no limit is
   * known (false when the connection declares its `concurrency`).
   */
  controllerFor(endpoint: string, credentials: string, model: string, label: string, declared: DeclaredLimits = {}, probe = true): RateController {
    const groupKey = `${endpoint}|${createHash('sha256').update(credentials).digest('hex').slice(0, 16)}`;
    const key = `${groupKey}|${model}`;
    let controller = this.controllers.get(key);
    if (!controller) {
      let group = this.groups.get(groupKey);
      if (!group) this.groups.set(groupKey, (group = new RateGroup(groupKey)));
      this.controllers.set(key, (controller = new RateController(label, key, group, this.budget, declared, probe)));
    }
    return controller;
  }

  all(): RateController[] {
    return [...this.controllers.values()];
  }

  /** The figures of every controller that saw a limit (declared, learned, waited or rejected); [] when none did. */
  figures(): RateLimitFigures[] {
    return this.all()
      .map((c) => c.figures())
      .filter((f) => f.rejected > 0 || f.waitedS > 0 || f.declared.rpm !== null || f.declared.tpm !== null || Object.values(f.learned).some((v) => v !== null));
  }
}

/** A fetch that hands every response's rate-limit headers (429s included) to the model's controller. */
export function observingFetch(fetch: FetchLike, controller: RateController): FetchLike {
  return async (input, init) => {
    const mark = controller.mark();
    const response = await fetch(input, init);
    const reading = readRateLimitHeaders((name) => response.headers.get(name));
    if (reading) controller.observe(reading, mark);
    return response;
  };
}
