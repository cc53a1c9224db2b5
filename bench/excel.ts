import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeScenarioWorkbookFile } from "../src/domain/formats/xlsx/write.js";
import { loadScenario } from "../src/domain/load.js";
import type { Scenario } from "../src/domain/scenario.js";
import { type NetworkSize, SIZES, generateScenario } from "./generate.js";

/**
 * Workbooks at the benchmark's sizes: export a synthetic network to .xlsx and import it back (fully validated,
 * as `portello validate` does), each step in its own process so that its peak memory is its own. Demand is
 * given year by year (every year column filled), the largest form a workbook takes. A third process only
 * generates the scenario and holds it: the baseline the two steps are measured against.
 * Usage: node --import tsx bench/excel.ts [--sizes 1m,2m,demand-41k]
 */

const EXTRA: NetworkSize[] = [
  // tens of thousands of demand rows: 640 programs sold in 64 markets
  {
    name: "demand-41k",
    brands: 40,
    programs: 640,
    plants: 50,
    markets: 64,
    years: 12,
    platforms: 10,
    laneDensity: 1,
    marketReach: 1,
  },
];
const ALL = [...SIZES, ...EXTRA];

function scenarioOf(name: string): Scenario {
  const size = ALL.find((s) => s.name === name);
  if (!size) throw new Error(`unknown size ${name} (${ALL.map((s) => s.name).join(", ")})`);
  const scenario = generateScenario(size);
  // year by year: every demand row fills every year column of its program's life
  for (const d of scenario.demand) {
    const v = d.volume;
    if (!("growth" in v)) continue;
    const years: Record<string, number> = {};
    const last = Math.min(v.to ?? scenario.horizon.end, scenario.horizon.end);
    for (let y = Math.max(v.from, scenario.horizon.start); y <= last; y++)
      years[String(y)] = Math.round(v.volume * (1 + v.growth) ** (y - v.from));
    d.volume = years;
  }
  return scenario;
}

interface Step {
  step: string;
  seconds: number;
  peakRssMb: number;
  detail?: string;
}

async function child(step: string, size: string, file: string): Promise<Step> {
  const started = performance.now();
  let detail: string | undefined;
  if (step === "hold") {
    const s = scenarioOf(size);
    detail = `${s.demand.length} demand rows, ${s.demand.reduce((n, d) => n + Object.keys(d.volume).length, 0)} demand figures`;
  } else if (step === "export") {
    const { extends: _, ...s } = scenarioOf(size);
    const t = performance.now();
    await writeScenarioWorkbookFile(s, file, true);
    detail = `${(statSync(file).size / 1024 / 1024).toFixed(1)} MB written in ${((performance.now() - t) / 1000).toFixed(1)} s`;
  } else if (step === "import") {
    const s = await loadScenario(file); // read + schema + references, as `portello validate`
    detail = `${s.demand.length} demand rows read and validated`;
  }
  return {
    step,
    seconds: (performance.now() - started) / 1000,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ...(detail ? { detail } : {}),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "1m,2m,demand-41k" },
      step: { type: "string" },
      size: { type: "string" },
      file: { type: "string" },
    },
  });
  if (values.step) {
    process.stdout.write(`${JSON.stringify(await child(values.step, values.size!, values.file!))}\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "portello-bench-xlsx-"));
  const self = fileURLToPath(import.meta.url);
  const rows: string[] = ["| size | step | wall time (s) | peak RSS (MB) | |", "|---|---|---:|---:|---|"];
  try {
    for (const size of values.sizes!.split(",")) {
      const file = join(dir, `${size}.xlsx`);
      for (const step of ["hold", "export", "import"]) {
        const run = spawnSync(
          "node",
          ["--import", "tsx", self, "--step", step, "--size", size, "--file", file],
          {
            encoding: "utf8",
            maxBuffer: 1 << 24,
          },
        );
        if (run.status !== 0) throw new Error(`${step} ${size} failed:\n${run.stderr}`);
        const r = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as Step;
        rows.push(`| ${size} | ${step} | ${r.seconds.toFixed(1)} | ${r.peakRssMb} | ${r.detail ?? ""} |`);
        process.stderr.write(`${rows.at(-1)}\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${rows.join("\n")}\n`);
}

await main();
