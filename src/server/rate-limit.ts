/**
 * Sign-in attempts counted per account and per client address over a sliding window. An attempt counts as a
 * failure from the moment it starts (so that a burst of parallel guesses cannot all slip in before the first
 * one fails); a successful one is taken back from the address and clears the account. Once a key reaches its
 * limit, further attempts are refused without checking the password until its oldest failure leaves the
 * window. In memory: a restart forgets, which costs an attacker a restart they cannot cause.
 */
export interface SignInLimits {
  /** failures per account within the window (default 5) */
  perAccount: number;
  /** failures per client address within the window (default 20) */
  perAddress: number;
  /** default 15 minutes */
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };
/** keys kept at most; beyond it the stalest are forgotten (bounded memory under a spray of names) */
const MAX_KEYS = 10_000;

export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts an attempt: 0 when it may go ahead (and it now counts as a failure until `succeeded`), else the
   * seconds to wait.
   */
  begin(account: string, address: string): number {
    const wait = Math.max(
      this.waitFor(`account:${account}`, this.limits.perAccount),
      this.waitFor(`address:${address}`, this.limits.perAddress),
    );
    if (wait > 0) return Math.ceil(wait / 1000);
    for (const key of [`account:${account}`, `address:${address}`]) {
      const times = this.recent(key);
      times.push(this.now());
      this.failures.delete(key); // re-insert: the map's order is least recently failed first
      this.failures.set(key, times);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
    return 0;
  }

  succeeded(account: string, address: string): void {
    this.failures.delete(`account:${account}`);
    this.failures.get(`address:${address}`)?.pop();
  }

  private waitFor(key: string, limit: number): number {
    const times = this.recent(key);
    if (times.length < limit) return 0;
    return times[times.length - limit]! + this.limits.windowMs - this.now();
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }
}
