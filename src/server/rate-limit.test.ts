import { describe, expect, it } from "vitest";
import { SignInLimiter } from "./rate-limit.js";

describe("SignInLimiter (on a clock the test moves)", () => {
  it("blocks an account after its limit until the oldest failure leaves the window", () => {
    let now = 0;
    const limiter = new SignInLimiter({ perAccount: 3, perAddress: 100, windowMs: 60_000 }, () => now);
    for (const t of [0, 10_000, 20_000]) {
      now = t;
      expect(limiter.retryAfter("ann", "a")).toBe(0);
      limiter.failed("ann", "a");
    }
    expect(limiter.retryAfter("ann", "b")).toBe(40); // the first failure leaves at 60 s
    expect(limiter.retryAfter("bob", "a")).toBe(0);
    now = 60_000;
    expect(limiter.retryAfter("ann", "a")).toBe(0);
  });

  it("blocks an address across accounts; success clears the account, not the address", () => {
    const now = 0;
    const limiter = new SignInLimiter({ perAccount: 2, perAddress: 3, windowMs: 1000 }, () => now);
    limiter.failed("ann", "a");
    limiter.succeeded("ann");
    expect(limiter.retryAfter("ann", "z")).toBe(0);
    limiter.failed("bob", "a");
    limiter.failed("carl", "a");
    expect(limiter.retryAfter("dora", "a")).toBe(1);
    expect(limiter.retryAfter("dora", "b")).toBe(0);
  });
});
