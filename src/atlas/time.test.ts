import { describe, expect, it } from "vitest";
import { formatInterval, periodRange } from "./time.js";

describe("periods", () => {
  it("reads years, months, days, quarters and halves as inclusive day ranges", () => {
    const days = (p: string) => {
      const r = periodRange(p)!;
      return r.end - r.start + 1;
    };
    expect(days("2024")).toBe(366);
    expect(days("2023-02")).toBe(28);
    expect(days("2027-Q3")).toBe(92);
    expect(days("2028-H2")).toBe(184);
    expect(days("2021-01-16")).toBe(1);
    expect(periodRange("2027-Q5")).toBeUndefined();
  });

  it("writes intervals at the precision of their ends", () => {
    const span = (a: string, b: string) =>
      formatInterval({ start: periodRange(a)!.start, end: periodRange(b)!.end });
    expect(span("2008", "2018")).toBe("2008 to 2018");
    expect(span("2013-06", "2020")).toBe("2013-06 to 2020-12");
    expect(span("2014-10-12", "2021-01-15")).toBe("2014-10-12 to 2021-01-15");
    expect(formatInterval({ start: periodRange("2026")!.start, end: Infinity })).toBe("from 2026");
  });
});
