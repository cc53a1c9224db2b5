import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { AtlasClaim } from "../src/atlas/claims.js";
import { listDisputes } from "../src/atlas/disputes.js";
import { history } from "../src/atlas/history.js";
import { plantsAt } from "../src/atlas/plants.js";
import { sales } from "../src/atlas/sales.js";
import { builtInIndex } from "../src/atlas/test-helpers.js";
import { holdsAt, type WhereAnswer, where } from "../src/atlas/where.js";

/**
 * The atlas asked the reference's own facts, one block per section of shared/reference/alfa/FACTS.md.
 * Every expected value below is copied from FACTS.md (section and row named), not from the atlas's output.
 */

const index = await builtInIndex();
const root = new URL("../", import.meta.url);

function answer(query: string, year: number): WhereAnswer[] {
  const result = where(index, query, year);
  if (!result.found) throw new Error(`the atlas does not answer '${query}'`);
  return result.answers;
}
/** "program@plant" of what is built in the year, and of what possibly is (a date not sourced). */
function built(query: string, year: number) {
  const answers = answer(query, year);
  const pairs = (pick: (a: WhereAnswer) => { programId: string; plantId: string }[]) =>
    answers.flatMap(pick).map((r) => `${r.programId}@${r.plantId}`);
  return {
    builds: pairs((a) => a.builds),
    possibly: pairs((a) => a.possibly),
    outlook: pairs((a) => a.outlook),
  };
}
/** The values of a subject's sourced facts for a property (and period, for periodic ones). */
function values(subject: string, property: string, from?: string, to?: string): unknown[] {
  return facts(subject, property)
    .filter((c) => (from === undefined || c.from === from) && (to === undefined || c.to === to))
    .map((c) => c.value);
}
function facts(subject: string, property: string): AtlasClaim[] {
  return index.claims.filter((c) => c.subject === subject && c.property === property && c.origin === "fact");
}
function production(programId: string, plantId: string): AtlasClaim[] {
  return facts(`program:${programId}`, "producedAt").filter((c) => c.value === plantId);
}
/** The owner a subject's own facts give for a year (seed articles' claims left aside). */
function ownerIn(subject: string, year: number): unknown[] {
  return facts(subject, "owner")
    .filter((c) => c.status === "fact" && holdsAt(index, c, year) === "yes")
    .map((c) => c.value);
}
function plant(id: string, year: number) {
  return plantsAt(index, year).find((p) => p.id === id)!;
}
function salesFigure(query: string, market: string, from: string, to = from) {
  const result = sales(index, query, { market });
  if (!result.found) throw new Error(`no sales for ${query}`);
  return result.rows
    .filter((r) => r.period.from === from && r.period.to === to && r.subject.kind === "brand")
    .filter((r) => r.measure === "units")
    .map((r) => r.value);
}

describe("FACTS.md §1 Plants", () => {
  it("§1.1 Portello: Darracq 1906 / main factory 1908, closed 1986 (or 1982), the park's coordinates, IRI", () => {
    expect(values("plant:portello", "opened").sort()).toEqual(["1906", "1908"]);
    expect(values("plant:portello", "closed").sort()).toEqual(["1982", "1986"]);
    expect(index.plants.get("portello")).toMatchObject({ lat: 45.486853, lon: 9.144958 });
    // "main factory from 1908 to the 1960s": an Alfa Romeo plant in 1950, though no model of 1950 is itemised
    expect(plant("portello", 1950)).toMatchObject({ status: "active", focusBrand: { id: "alfa-romeo" } });
    expect(built("Giulia", 1963).builds).toContain("giulia-105@portello");
    expect(ownerIn("plant:portello", 1950)).toEqual(["iri"]);
  });

  it("§1.2 Arese: 45.56639 N 9.05417 E; Giulia from 1965; Spider/GTV 1993–2000; car assembly ended 2000", () => {
    expect(index.plants.get("arese")).toMatchObject({ lat: 45.56639, lon: 9.05417 });
    expect(built("Giulia", 1965).builds).toContain("giulia-105@arese");
    expect(built("Giulia", 1966).possibly).toContain("giulia-105@arese"); // its end is not sourced
    expect(production("spider-gtv-916", "arese")).toMatchObject([{ from: "1993", to: "2000" }]);
    expect(values("plant:arese", "closed")).toContain("2000");
    expect(production("lancia-y10", "arese")).toMatchObject([{ from: "1992" }]);
    const after = built("Arese", 2003);
    expect([...after.builds, ...after.possibly]).toEqual([]);
  });

  it("§1.3 Pomigliano: the 159 until Oct 2011 and the 147, GT, 156 in 2009; Panda from Nov 2011; Tonale from May 2022; outputs", () => {
    expect(index.plants.get("pomigliano")).toMatchObject({ lat: 40.926756, lon: 14.401279 });
    const y2009 = built("Alfa Romeo", 2009);
    for (const model of ["159", "147", "alfa-gt", "156"])
      expect(y2009.possibly).toContain(`${model}@pomigliano`);
    expect(production("159", "pomigliano")).toMatchObject([{ to: "2011-10" }]);
    for (const model of ["alfasud", "155", "145", "146", "156", "147", "alfa-gt", "159"])
      expect(production(model, "pomigliano").length, model).toBe(1);
    // Alfa production ended with the 159 in Oct 2011 and came back with the Tonale (May 2022)
    const y2015 = built("Pomigliano", 2015);
    expect([...y2015.builds, ...y2015.possibly].filter((p) => !p.startsWith("fiat-"))).toEqual([]);
    expect(built("Pomigliano", 2015).builds).toContain("fiat-panda@pomigliano");
    expect(production("tonale", "pomigliano")).toMatchObject([{ from: "2022-05" }]);
    expect(built("Pomigliano", 2026).builds.sort()).toEqual(
      ["dodge-hornet@pomigliano", "fiat-panda@pomigliano", "tonale@pomigliano"].sort(),
    );
    expect(values("plant:pomigliano", "output", "2023", "2023")).toEqual([215000]);
    expect(values("plant:pomigliano", "output", "2024", "2024")).toEqual([167980]);
    expect(values("plant:pomigliano", "output", "2025-01", "2025-06")).toEqual([78975]);
    expect(values("plant:pomigliano", "exportSharePct", "2023", "2023")).toEqual([41]);
    expect(values("plant:pomigliano", "owner")).toContain("stellantis");
    // "Alfasud from 1972, end not sourced" is never shown as current
    expect(built("Alfa Romeo", 2026).possibly).not.toContain("alfasud@pomigliano");
  });

  it("§1.4 Cassino: Giulia 2016, Stelvio Jan 2017, both to end-2027; Giulietta 2010–2020; capacity claims; outputs", () => {
    expect(index.plants.get("cassino")).toMatchObject({ lat: 41.5, lon: 13.733333 });
    expect(values("plant:cassino", "opened")).toEqual(["1972"]);
    expect(production("giulia-952", "cassino")).toMatchObject([{ from: "2016", to: "2027" }]);
    expect(production("stelvio-949", "cassino")).toMatchObject([{ from: "2017-01", to: "2027" }]);
    expect(production("giulietta-940", "cassino")).toMatchObject([{ from: "2010", to: "2020" }]);
    expect(built("Cassino", 2026).builds.sort()).toEqual(
      ["giulia-952@cassino", "maserati-grecale@cassino", "stelvio-949@cassino"].sort(),
    );
    expect(values("plant:cassino", "capacityPerYear").sort()).toEqual([250000, 300000]);
    expect(values("plant:cassino", "capacityPerDay").sort()).toEqual([1000, 1260]);
    const output: [string, number][] = [
      ["2017", 135263],
      ["2022", 55000],
      ["2023", 48800],
      ["2024", 26850],
      ["2025", 19364],
    ];
    for (const [year, units] of output)
      expect(values("plant:cassino", "output", year, year), year).toEqual([units]);
    expect(values("plant:cassino", "exportSharePct", "2023", "2023")).toEqual([75]);
  });

  it("§1.5 Melfi: no Alfa Romeo built to date; ~400,000 capacity; 62,080 in 2024; an Alfa reported from 2027", () => {
    expect(built("Alfa Romeo", 2026).builds.some((p) => p.endsWith("@melfi"))).toBe(false);
    expect(plant("melfi", 2025).focusBrand).toBeNull();
    expect(values("plant:melfi", "capacityPerYear")).toContain(400000);
    expect(values("plant:melfi", "output", "2024", "2024")).toEqual([62080]);
    expect(built("Melfi", 2027).outlook).toContain("tonale-successor@melfi");
  });

  it("§1.6 Modena: 8C from 2007, 4C from June 2013 to late 2020; the 33 Stradale is built by Touring in Milan", () => {
    expect(production("8c", "modena")).toMatchObject([{ from: "2007" }]);
    expect(production("4c", "modena")).toMatchObject([{ from: "2013-06", to: "2020" }]);
    expect(built("33 Stradale", 2025).builds).toEqual(["33-stradale@touring-milan"]);
    expect(plant("modena", 2025).focusBrand).toBeNull();
    expect(values("plant:modena", "output", "2023", "2023")).toEqual([1244]);
  });

  it("§1.7 Toluca: Freemont 2011–19, Journey to Dec 2020, Compass since Jan 2017, Recon for 2026; never an Alfa", () => {
    const y2012 = built("Toluca", 2012);
    expect(y2012.builds).toContain("fiat-freemont@toluca");
    expect(y2012.possibly).toContain("dodge-journey@toluca");
    const y2026 = built("Toluca", 2026);
    for (const p of ["jeep-compass-2", "jeep-recon", "jeep-wagoneer-s", "jeep-cherokee-6"])
      expect(y2026.builds).toContain(`${p}@toluca`);
    expect(production("chrysler-pt-cruiser", "toluca")).toMatchObject([{ to: "2010" }]);
    const alfaAtToluca = index.claims.filter(
      (c) =>
        c.property === "producedAt" &&
        c.value === "toluca" &&
        index.programs.get(c.subject.slice("program:".length))?.brand === "alfa-romeo",
    );
    expect(alfaAtToluca).toEqual([]);
    expect(values("plant:toluca", "workforce")).toContain(2476);
  });

  it("§1.8 Tychy: the Junior's only plant from June 2024, with the Avenger and 600; capacity 400,000; output 2016–2020", () => {
    expect(built("Junior", 2025).builds).toEqual(["junior@tychy"]);
    expect(built("Tychy", 2025).builds.sort()).toEqual([
      "fiat-600@tychy",
      "jeep-avenger@tychy",
      "junior@tychy",
    ]);
    expect(values("plant:tychy", "capacityPerYear")).toContain(400000);
    const output: [string, number][] = [
      ["2016", 273768],
      ["2017", 263424],
      ["2018", 259448],
      ["2019", 263176],
      ["2020", 173950],
    ];
    for (const [year, units] of output)
      expect(values("plant:tychy", "output", year, year), year).toEqual([units]);
  });

  it("§1.9 Mirafiori MiTo 2008–2018; the 166 at Rivalta then Mirafiori to 2007; Brera/Spider at Pininfarina 2005–2010", () => {
    expect(production("mito", "mirafiori")).toMatchObject([{ from: "2008", to: "2018" }]);
    expect(production("166", "mirafiori")).toMatchObject([{ from: "2002", to: "2007" }]);
    expect(production("brera-spider", "pininfarina")).toMatchObject([{ from: "2005", to: "2010" }]);
    expect(values("plant:pininfarina", "location").sort()).toEqual(["Grugliasco", "San Giorgio Canavese"]);
    expect(values("plant:mirafiori", "output", "2025", "2025")).toEqual([30202]);
  });
});

describe("FACTS.md §2 Belvidere", () => {
  it("opened 7 July 1965, idle since 28 Feb 2023 with 1,350 laid off, Compass from Dec 2027 and Cherokee Nov 2028; no Alfa Romeo", () => {
    expect(values("plant:belvidere", "opened")).toEqual(["1965-07-07"]);
    expect(plant("belvidere", 2026)).toMatchObject({ status: "idle", brands: [] });
    expect(values("plant:belvidere", "floorAreaSqFt").sort()).toEqual([3300000, 5300000]);
    expect(values("plant:belvidere", "workforce", "2023-02", "2023-02")).toContain(1350);
    expect(production("jeep-cherokee-kl", "belvidere")).toMatchObject([{ from: "2017-06-01" }]);
    expect(production("dodge-neon", "belvidere")).toMatchObject([{ from: "1994", to: "2005" }]);
    expect(production("dodge-dart", "belvidere")).toMatchObject([{ from: "2012", to: "2016" }]);
    const outlook = answer("Belvidere", 2028).flatMap((a) => a.outlook);
    expect(outlook.find((r) => r.programId === "jeep-compass-3")).toMatchObject({
      status: "announced",
      span: "from 2027-12",
    });
    expect(outlook.find((r) => r.programId === "jeep-cherokee-6")).toMatchObject({
      status: "announced",
      span: "from 2028-11",
    });
    // the only Alfa Romeo link is speculation
    expect(outlook.filter((r) => r.brand === "Alfa Romeo").map((r) => r.status)).toEqual(["speculation"]);
    expect(values("plant:belvidere", "investmentUsd").sort()).toEqual(
      [4800000000, 5000000000, 600000000, 613000000].sort(),
    );
  });
});

describe("FACTS.md §3 Models, plans and sales", () => {
  it("§3.1–3.2 line-up and plans: Junior on CMP, next Stelvio/Giulia 'indicativamente nel 2028', the same date in every view", () => {
    expect(production("junior", "tychy")).toHaveLength(1);
    const platform = listDisputes(index).find((d) => d.conflict.subject === "program:junior");
    expect(platform?.conflict.verdict.preferred).toBe("CMP");
    const giulia = answer("Giulia", 2026).find((a) => a.subject.id === "giulia-next")!;
    expect(giulia.facts.filter((f) => f.span.endsWith("current")).map((f) => f.value)).toEqual(["2028"]);
    const fromGiulia = giulia.outlook.find((r) => r.plantId === "cassino")!.span;
    const fromBrand = answer("Alfa Romeo", 2026)[0]!.outlook.find((r) => r.programId === "giulia-next")!.span;
    expect(fromBrand).toBe(fromGiulia);
    expect(fromBrand).toMatch(/2028/);
    expect(answer("Alfa Romeo", 2026)[0]!.outlook.find((r) => r.programId === "stelvio-next")!.span).toMatch(
      /2028/,
    );
  });

  it("§3.3 sales: US 23,800 (2018) to 8,865 (2024); world 63,300, 55,000, >73,000; Europe, Italy, Canada, China", () => {
    const us: [string, number[]][] = [
      ["2018", [23800]],
      ["2022", [12843, 12845]],
      ["2023", [10898]],
      ["2024", [8865]],
    ];
    for (const [year, units] of us)
      expect(salesFigure("Alfa Romeo", "USA", year).sort(), year).toEqual(units);
    expect(salesFigure("Alfa Romeo", "us", "2025-01", "2025-06")).toEqual([3164]);
    expect(salesFigure("Alfa Romeo", "World", "2020")).toEqual([63300]);
    expect(salesFigure("Alfa Romeo", "World", "2021")).toEqual([55000]);
    expect(salesFigure("Alfa Romeo", "World", "2025")).toEqual([73000]);
    expect(salesFigure("Alfa Romeo", "World", "2024").sort()).toEqual([45419, 60800]);
    expect(salesFigure("Alfa Romeo", "Europe", "2025-01", "2025-06")).toEqual([33116]);
    expect(salesFigure("Alfa Romeo", "Europe", "2024-01", "2024-09")).toEqual([33428]);
    expect(salesFigure("Alfa Romeo", "Italy", "2025-01", "2025-08")).toEqual([19750]);
    expect(salesFigure("Alfa Romeo", "Canada", "2024")).toEqual([887]);
    const china: [string, number][] = [
      ["2017", 3591],
      ["2018", 5390],
      ["2019", 8940],
      ["2020", 1590],
      ["2021", 1409],
      ["2022", 832],
    ];
    for (const [year, units] of china)
      expect(salesFigure("Alfa Romeo", "China", year), year).toEqual([units]);
    // every figure names its sources
    const all = sales(index, "Alfa Romeo");
    expect(all.found && all.rows.every((r) => r.sources.length > 0)).toBe(true);
    // the model figures: 2,096 Tonale in the US in 2023
    const tonale = sales(index, "Tonale", { market: "US", year: 2023 });
    expect(tonale.found && tonale.rows.map((r) => r.value)).toEqual([2096]);
  });
});

describe("FACTS.md §4 Market context", () => {
  it("the duties are left out of the atlas because the Alfa scenario carries them, with the reference's rates", async () => {
    const docs = await readFile(new URL("docs/atlas.md", root), "utf8");
    expect(docs).toMatch(/§4\.2.*duties|duties.*§4\.2/i);
    const scenario = parse(await readFile(new URL("data/scenarios/alfa/base.yaml", root), "utf8")) as {
      duties: { to: string[]; from: string[]; rate: number; validFrom?: number }[];
    };
    const rate = (from: string, to: string) =>
      scenario.duties.filter((d) => d.from.includes(from) && d.to.includes(to)).map((d) => d.rate);
    // §4.2: 25% Section 232 on top of the 2.5% MFN duty; the EU–US deal's 15%; §4.3: China's 15% MFN
    expect(rate("eu", "us")).toEqual(expect.arrayContaining([0.275, 0.15]));
    expect(rate("eu", "china")).toContain(0.15);
  });
});

describe("FACTS.md §5 Ownership history", () => {
  it("A.L.F.A. 1910 → Nicola Romeo from 1915 (no end given) → IRI 1933–1986 → Fiat Nov 1986 → FCA 12 Oct 2014 → Stellantis 16 Jan 2021", () => {
    expect(values("brand:alfa-romeo", "founded")).toEqual(["1910-06-24"]);
    expect(ownerIn("brand:alfa-romeo", 1912)).toEqual(["alfa"]);
    expect(ownerIn("brand:alfa-romeo", 1950)).toEqual(["iri"]);
    expect(ownerIn("brand:alfa-romeo", 1990)).toEqual(["fiat"]);
    expect(ownerIn("brand:alfa-romeo", 2016)).toEqual(["fca"]);
    expect(ownerIn("brand:alfa-romeo", 2022)).toEqual(["stellantis"]);
    const result = history(index, "Alfa Romeo");
    if (!result.found) throw new Error("no history");
    const romeo = result.history.entries.find((e) => e.value.startsWith("Nicola Romeo"))!;
    expect(romeo.span).not.toMatch(/1933/);
    expect(romeo.span).toMatch(/^from 1915/);
    expect(values("brand:alfa-romeo", "ceo")).toEqual(["Jean-Philippe Imparato", "Santo Ficili"]);
    expect(values("group:stellantis", "ceo")).toEqual(["Antonio Filosa"]);
  });

  it("a plant's owners follow without gaps where the reference has them: Pomigliano IRI → Fiat → FCA → Stellantis", () => {
    for (let year = 1972; year <= 2026; year++)
      expect(ownerIn("plant:pomigliano", year).length, String(year)).toBeGreaterThan(0);
    expect(ownerIn("plant:pomigliano", 2000)).toEqual(["fiat"]);
    expect(ownerIn("plant:pomigliano", 2018)).toEqual(["fca"]);
    for (let year = 1972; year <= 2026; year++)
      expect(ownerIn("plant:cassino", year).length, String(year)).toBeGreaterThan(0);
  });
});

describe("FACTS.md §6 BMW Spartanburg", () => {
  it("a reference precedent at 34.89306 N 82.17889 W: 450,000 a year from end-2016, 396,117 built in 2024, ~57% exported", () => {
    expect(index.plants.get("spartanburg")).toMatchObject({
      lat: 34.89306,
      lon: -82.17889,
      referenceOnly: true,
    });
    expect(plant("spartanburg", 2025)).toMatchObject({ focusBrand: null, brands: [{ id: "bmw" }] });
    expect(values("plant:spartanburg", "capacityPerYear")).toContain(450000);
    expect(values("plant:spartanburg", "output", "2024", "2024")).toEqual([396117]);
    expect(values("plant:spartanburg", "exportSharePct", "2024", "2024")).toEqual([57]);
    expect(values("plant:spartanburg", "workforce")).toEqual([11000]);
  });
});

describe("FACTS.md §7 Conflicts and uncertain points", () => {
  it("lists all 22 items, each with a verdict", () => {
    const disputes = listDisputes(index);
    const items = new Set(disputes.flatMap((d) => (d.reference ? [d.reference] : [])));
    expect([...items].sort()).toEqual(Array.from({ length: 22 }, (_, i) => `FACTS.md §7.${i + 1}`).sort());
    for (const d of disputes) expect(d.conflict.verdict.reason.length).toBeGreaterThan(10);
  });

  it("judges as the reference does: Toluca never built an Alfa; 2024 world volume ≈60,800; Melfi's target is not capacity", () => {
    const verdict = (reference: string, subject?: string) =>
      listDisputes(index).find(
        (d) => d.reference === reference && (!subject || d.conflict.subject === subject),
      )!.conflict.verdict;
    expect(verdict("FACTS.md §7.2", "plant:toluca").preferred).toBe(false);
    expect(verdict("FACTS.md §7.1", "plant:mirafiori").preferred).toBe(false);
    expect(verdict("FACTS.md §7.6").preferred).toBe(60800);
    expect(verdict("FACTS.md §7.5").preferred).toBe(400000);
    expect(verdict("FACTS.md §7.11").preferred).toBe("2028");
    expect(verdict("FACTS.md §7.19").preferred).toBe("2000");
    expect(verdict("FACTS.md §7.3").outcome).toBe("unresolved");
  });
});

describe("FACTS.md §8 Gaps", () => {
  it("holds no value the reference could not find", () => {
    for (const id of ["pomigliano", "modena", "toluca", "belvidere"])
      expect(values(`plant:${id}`, "capacityPerYear"), id).toEqual([]);
    for (const year of ["2023", "2024", "2025"])
      expect(values("plant:tychy", "output", year, year), year).toEqual([]);
    expect(salesFigure("Alfa Romeo", "US", "2025")).toEqual([]);
    for (const year of ["2023", "2024", "2025"])
      expect(salesFigure("Alfa Romeo", "China", year), year).toEqual([]);
  });
});
