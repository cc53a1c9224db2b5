import { describe, expect, it } from "vitest";
import { SignInLimiter } from "./rate-limit.js";

describe("SignInLimiter (on a clock the test moves)", () => {
  it("blocks an account after its limit until the oldest failure leaves the window", () => {
    let now = 0;
    const limiter = new SignInLimiter({ perAccount: 3, perAddress: 100, windowMs: 60_000 }, () => now);
    for (const t of [0, 10_000, 20_000]) {
      now = t;
      expect(limiter.begin("ann", "a")).toBe(0);
    }
    expect(limiter.begin("ann", "b")).toBe(40); // the first failure leaves at 60 s
    expect(limiter.begin("bob", "a")).toBe(0);
    now = 60_000;
    expect(limiter.begin("ann", "a")).toBe(0);
  });

  it("counts attempts still running, so a parallel burst cannot slip past the limit", () => {
    const limiter = new SignInLimiter({ perAccount: 3, perAddress: 100, windowMs: 1000 }, () => 0);
    const started = Array.from({ length: 10 }, () => limiter.begin("ann", "a"));
    expect(started.filter((wait) => wait === 0).length).toBe(3);
  });

  it("blocks an address across accounts; success clears the account and is not held against the address", () => {
    const limiter = new SignInLimiter({ perAccount: 2, perAddress: 3, windowMs: 1000 }, () => 0);
    limiter.begin("ann", "a");
    limiter.succeeded("ann", "a");
    limiter.begin("bob", "a");
    limiter.begin("carl", "a");
    expect(limiter.begin("dora", "a")).toBe(0);
    expect(limiter.begin("erik", "a")).toBe(1);
    expect(limiter.begin("erik", "b")).toBe(0);
  });
});
