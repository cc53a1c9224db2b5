import { describe, expect, it } from "vitest";
import { closestMatch, didYouMean, editDistance } from "./suggest.js";

describe("editDistance", () => {
  it("counts insertions, deletions and substitutions, ignoring case", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("Horizon", "horizon")).toBe(0);
  });
});

describe("closestMatch", () => {
  const plantFields = [
    "id",
    "name",
    "city",
    "country",
    "capacityPerShift",
    "maxShifts",
    "fixedCost",
    "shiftCost",
  ];

  it("finds typos and abbreviations of field names", () => {
    expect(closestMatch("capcity", plantFields)).toBe("capacityPerShift");
    expect(closestMatch("maxShift", plantFields)).toBe("maxShifts");
    expect(closestMatch("contry", plantFields)).toBe("country");
  });

  it("finds a field behind an added suffix", () => {
    expect(closestMatch("tooling-cost", ["tooling", "toolingByPlant", "variableCost"])).toBe("tooling");
  });

  it("suggests nothing when no candidate is plausibly meant", () => {
    expect(closestMatch("pomigliano", ["cassino", "belvidere"])).toBeUndefined();
    expect(didYouMean("zzz", plantFields)).toBe("");
  });

  it("phrases the suggestion", () => {
    expect(didYouMean("horizn", ["horizon", "plants"])).toBe(" — did you mean 'horizon'?");
  });
});
