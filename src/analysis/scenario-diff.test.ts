import { describe, expect, it } from "vitest";
import { diffScenarios } from "./scenario-diff.js";

const base = {
  name: "Base",
  horizon: { start: 2026, end: 2035 },
  plants: [
    { id: "cassino", capacityPerShift: 50000, platforms: ["giorgio"] },
    { id: "belvidere", status: "idle", capacityPerShift: 80000 },
  ],
  demand: [{ program: "giulia", market: "eu", volume: { "2030": 1000 } }],
  lanes: [{ from: "cassino", to: "eu", costPerVehicle: 300 }],
};

describe("diffScenarios", () => {
  it("finds nothing between equal scenarios, whatever the key order", () => {
    const shuffled = JSON.parse(JSON.stringify(base));
    shuffled.plants.reverse();
    const d = diffScenarios(base, { ...shuffled, name: "Base" });
    expect(d.identical).toBe(true);
    expect(d.summary).toEqual({ added: 0, removed: 0, changed: 0, fields: 0 });
  });

  it("reports entities added, removed and changed, with the changed fields", () => {
    const after = {
      ...base,
      horizon: { start: 2026, end: 2040 },
      plants: [
        { id: "cassino", capacityPerShift: 60000, platforms: ["giorgio", "stla-large"], maxShifts: 3 },
        { id: "spartanburg", status: "candidate", capacityPerShift: 100000 },
      ],
      demand: [{ program: "giulia", market: "eu", volume: { "2030": 1200 } }],
      lanes: [],
    };
    const d = diffScenarios(base, after);
    expect(d.fields).toEqual([{ path: "horizon.end", kind: "changed", before: 2035, after: 2040 }]);
    expect(d.entities).toEqual([
      {
        collection: "plants",
        key: "cassino",
        kind: "changed",
        fields: [
          { path: "capacityPerShift", kind: "changed", before: 50000, after: 60000 },
          { path: "platforms", kind: "changed", before: ["giorgio"], after: ["giorgio", "stla-large"] },
          { path: "maxShifts", kind: "added", after: 3 },
        ],
      },
      { collection: "plants", key: "belvidere", kind: "removed", fields: [] },
      { collection: "plants", key: "spartanburg", kind: "added", fields: [] },
      {
        collection: "demand",
        key: "giulia→eu",
        kind: "changed",
        fields: [{ path: "volume.2030", kind: "changed", before: 1000, after: 1200 }],
      },
      { collection: "lanes", key: "cassino→eu", kind: "removed", fields: [] },
    ]);
    expect(d.summary).toEqual({ added: 1, removed: 2, changed: 2, fields: 1 });
  });

  it("treats a list that appears as all added, and non-objects as empty", () => {
    const d = diffScenarios(null, { policies: [{ id: "keep", kind: "keep-open" }] });
    expect(d.entities).toEqual([{ collection: "policies", key: "keep", kind: "added", fields: [] }]);
  });
});
