import { describe, expect, it } from "vitest";
import { findConflicts } from "./conflicts.js";
import { builtInIndex, tinyAtlas } from "./test-helpers.js";

const owner = (value: string, from: string | undefined, to: string | undefined, source: string) => ({
  subject: "brand:marque",
  property: "owner",
  value,
  ...(from ? { from } : {}),
  ...(to ? { to } : {}),
  sources: [source],
});

describe("conflict detection (general rule)", () => {
  it("finds differing values of one property whose times overlap", () => {
    const index = tinyAtlas([
      owner("old-owner", "2010", "2020", "s1"),
      owner("new-owner", "2019", undefined, "s2"),
    ]);
    const [conflict, ...rest] = findConflicts(index);
    expect(rest).toEqual([]);
    expect(conflict?.subject).toBe("brand:marque");
    expect(conflict?.sides.map((s) => s.value).sort()).toEqual(["new-owner", "old-owner"]);
  });

  it("ignores successive values, a hand-over on the same period, and agreeing values", () => {
    expect(
      findConflicts(
        tinyAtlas([owner("old-owner", "2010", "2018", "s1"), owner("new-owner", "2019", undefined, "s1")]),
      ),
    ).toEqual([]);
    expect(
      findConflicts(
        tinyAtlas([owner("old-owner", "2010", "2019", "s1"), owner("new-owner", "2019", undefined, "s1")]),
      ),
    ).toEqual([]);
    expect(
      findConflicts(
        tinyAtlas([owner("old-owner", "2010", undefined, "s1"), owner("old-owner", "2015", undefined, "s2")]),
      ),
    ).toEqual([]);
  });

  it("treats periods that overlap as agreeing (2028 and 2028-H2) but not 2027 and 2028", () => {
    const claim = (value: string, source: string) => ({
      subject: "plant:north",
      property: "opened",
      value,
      sources: [source],
    });
    expect(findConflicts(tinyAtlas([claim("2028", "s1"), claim("2028-H2", "s2")]))).toEqual([]);
    expect(findConflicts(tinyAtlas([claim("2027", "s1"), claim("2028", "s2")]))).toHaveLength(1);
  });

  it("does not compare set-valued properties: a program may be built in two plants", () => {
    const index = tinyAtlas([
      { subject: "plant:north", property: "status", value: "active", sources: ["s1"] },
      { subject: "plant:south", property: "status", value: "idle", sources: ["s1"] },
    ]);
    expect(findConflicts(index)).toEqual([]);
  });
});

describe("verdicts", () => {
  it("prefers an official source over a seed article", () => {
    const index = tinyAtlas([
      { subject: "plant:north", property: "capacityPerYear", value: 100, sources: ["s1"] },
      { subject: "plant:north", property: "capacityPerYear", value: 200, sources: ["s2"] },
    ]);
    expect(findConflicts(index)[0]?.verdict).toMatchObject({ outcome: "resolved", preferred: 100 });
  });

  it("leaves press against reference unresolved", () => {
    const index = tinyAtlas(
      [
        { subject: "plant:north", property: "capacityPerYear", value: 100, sources: ["s1"] },
        { subject: "plant:north", property: "capacityPerYear", value: 200, sources: ["s2"] },
      ],
      ["press", "reference"],
    );
    expect(findConflicts(index)[0]?.verdict.outcome).toBe("unresolved");
  });

  it("calls a claim naming the previous owner after a documented change out of date", () => {
    const index = tinyAtlas([
      owner("old-owner", "2010", "2020-12-31", "s1"),
      owner("new-owner", "2021-01-01", undefined, "s1"),
      owner("old-owner", "2022", undefined, "s2"),
    ]);
    const [conflict] = findConflicts(index);
    expect(conflict?.verdict).toMatchObject({ outcome: "by-dates", preferred: "new-owner" });
    expect(conflict?.verdict.reason).toMatch(/out of date, not invented/);
  });
});

describe("conflicts in the built-in atlas", async () => {
  const index = await builtInIndex();
  const conflicts = findConflicts(index);
  const find = (subject: string, property: string) =>
    conflicts.find((c) => c.subject === subject && c.property === property);

  it("rejects the seed article's Toluca, Melfi and Modena as Alfa Romeo plants", () => {
    for (const plant of ["toluca", "melfi", "modena"]) {
      const conflict = find(`plant:${plant}`, "buildsBrand:alfa-romeo");
      expect(conflict?.verdict.preferred, plant).toBe(false);
      const seedSide = conflict?.sides.find((s) => s.value === true);
      expect(seedSide?.claims.some((c) => c.inWindow && c.claim.sources.includes("seed-000"))).toBe(true);
    }
    expect(find("plant:modena", "buildsBrand:alfa-romeo")?.verdict.outcome).toBe("by-dates");
  });

  it("finds 'Turin' out of date: no Alfa Romeo built in Turin since the MiTo", () => {
    const turin = find("plant:mirafiori", "buildsBrand:alfa-romeo");
    expect(turin?.verdict).toMatchObject({ outcome: "by-dates", preferred: false });
    expect(
      turin?.sides.flatMap((s) => s.claims).some((c) => c.claim.quote?.includes("Turin and Naples")),
    ).toBe(true);
  });

  it("resolves FCA against Stellantis by dates", () => {
    const ownerConflict = find("brand:alfa-romeo", "owner");
    expect(ownerConflict?.verdict).toMatchObject({ outcome: "by-dates", preferred: "stellantis" });
    expect(ownerConflict?.verdict.reason).toMatch(/2014-10-12 to 2021-01-15/);
  });

  it("reports the reference's own conflicts with a verdict each", () => {
    expect(find("plant:cassino", "capacityPerYear")?.verdict.outcome).toBe("unresolved");
    expect(find("program:junior", "platform")?.verdict).toMatchObject({
      outcome: "resolved",
      preferred: "CMP",
    });
    expect(find("program:stelvio-next", "sop")?.verdict).toMatchObject({
      outcome: "resolved",
      preferred: "2028",
    });
    expect(find("plant:pininfarina", "location")?.verdict.outcome).toBe("unresolved");
    expect(find("plant:portello", "opened")).toBeDefined();
    expect(find("plant:portello", "closed")).toBeDefined();
    expect(find("plant:belvidere", "floorAreaSqFt")).toBeDefined();
  });

  it("finds no conflict where the sourced data agree (Cassino builds Alfa Romeo)", () => {
    expect(find("plant:cassino", "buildsBrand:alfa-romeo")).toBeUndefined();
  });
});
