import { spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Runs the CLI from source, as a user would. */
function portello(...args: string[]) {
  const run = spawnSync("node", ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: new URL("..", import.meta.url).pathname,
    encoding: "utf8",
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("portello where", () => {
  it("answers where the Giulia is built, with sources and dates", () => {
    const { code, stdout } = portello("where", "Giulia", "--at", "2026");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /Built in 2026:\n.*\n.*\nCassino plant\s+Alfa Romeo Giulia \(952\)\s+2016–2027\s+carsales\.com\.au ~2017/,
    );
    expect(stdout).toMatch(/announced\s+Cassino plant\s+Alfa Romeo Giulia \(next generation\)/);
    expect(stdout).toMatch(/Portello.*Giulia \(105 series\)\s+1962–1965/);
  });

  it("lists today's Alfa Romeo plants as JSON, defaulting to the current year", () => {
    const { code, stdout } = portello("where", "Alfa", "Romeo", "--json");
    expect(code).toBe(0);
    const [answer] = JSON.parse(stdout);
    expect(answer.year).toBe(new Date().getFullYear());
    expect(answer.subject).toEqual({ kind: "brand", id: "alfa-romeo", name: "Alfa Romeo" });
    for (const row of answer.builds) expect(row.sources[0]).toHaveProperty("date");
  });

  it("answers 1965 with Portello and Arese", () => {
    const { stdout } = portello("where", "alfa romeo", "--at", "1965");
    const built = stdout.split("\n\n")[1]!;
    expect(built).toMatch(/Portello/);
    expect(built).toMatch(/Arese/);
    expect(built).not.toMatch(/Cassino/);
  });

  it("exits 3 with a suggestion when nothing matches, 2 when ambiguous or the year is bad", () => {
    const missing = portello("where", "Giulieta");
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/nothing in the atlas matches 'Giulieta' — did you mean 'Giulietta'\?/);
    const ambiguous = portello("where", "Milan");
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/plant portello[\s\S]*plant touring-milan/);
    const year = portello("where", "Giulia", "--at", "sixties");
    expect(year.code).toBe(2);
    expect(year.stderr).toMatch(/--at expects a year/);
    expect(year.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe("portello sales", () => {
  it("gives a brand's sales in a market by period, with sources; an unknown market is a usage error", () => {
    const { code, stdout } = portello("sales", "Alfa Romeo", "--market", "US");
    expect(code).toBe(0);
    // FACTS.md §3.3: US 2018 23,800 (peak); 2023 10,898 incl. 2,096 Tonale
    expect(stdout).toMatch(/2018\s+United States\s+\(brand\)\s+23,800\s+MotorBiscuit/);
    expect(stdout).toMatch(/2023\s+United States\s+Alfa Romeo Tonale\s+2,096\s+Stellpower/);
    expect(stdout).toMatch(/2022\s+United States\s+\(brand\)\s+12,845 \*/);
    const bad = portello("sales", "Alfa Romeo", "--market", "Atlantis");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown market 'Atlantis': use one of world, europe/);
  });
});

describe("portello history, conflicts, sources", () => {
  it("shows a brand's ownership over time", () => {
    const { code, stdout } = portello("history", "Alfa Romeo");
    expect(code).toBe(0);
    expect(stdout.indexOf("IRI")).toBeLessThan(stdout.indexOf("Stellantis"));
    expect(stdout).toMatch(/Treccani n\.d\./);
  });

  it("lists conflicts with both claims' sources and a verdict", () => {
    const { code, stdout } = portello("conflicts", "--json");
    expect(code).toBe(0);
    const conflicts = JSON.parse(stdout) as {
      subject: string;
      property: string;
      verdict: { outcome: string };
    }[];
    const keys = conflicts.map((c) => `${c.subject} ${c.property}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        "plant:toluca buildsBrand:alfa-romeo",
        "plant:melfi buildsBrand:alfa-romeo",
        "plant:modena buildsBrand:alfa-romeo",
        "plant:mirafiori buildsBrand:alfa-romeo",
        "brand:alfa-romeo owner",
        "plant:cassino capacityPerYear",
        "program:stelvio-next sop",
        "program:junior platform",
      ]),
    );
    const text = portello("conflicts").stdout;
    expect(text).toMatch(/Turin and Naples/);
    expect(text).toMatch(
      /Toluca Assembly Plant \(fact sheet\) — Stellantis North America 2022-12 — https:\/\/media\.stellantisnorthamerica\.com/,
    );
    expect(text).toMatch(/Verdict \(resolved by dates\): Stellantis/);
  });

  it("filters sources by kind and rejects an unknown kind", () => {
    const seeds = JSON.parse(portello("sources", "--kind", "seed-article", "--json").stdout) as {
      id: string;
    }[];
    expect(seeds.map((s) => s.id)).toEqual(["seed-000", "seed-001"]);
    const bad = portello("sources", "--kind", "blog");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/use one of official, press/);
  });

  it("reports a broken atlas file with its line, not a stack trace", async () => {
    const dir = await mkdtemp(join(tmpdir(), "portello-cli-atlas-"));
    const file = join(dir, "atlas.yaml");
    await writeFile(file, "title: x\nasOf: '2026'\nsources: []\nplants: 3\n");
    const { code, stderr } = portello("conflicts", "--atlas", file);
    expect(code).toBe(2);
    expect(stderr).toMatch(/atlas\.yaml:\d+:\d+: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("prints help for each command", () => {
    for (const command of ["where", "history", "sales", "conflicts", "sources"]) {
      const { code, stdout } = portello(command, "--help");
      expect(code).toBe(0);
      expect(stdout).toMatch(/--json/);
    }
  });
});
