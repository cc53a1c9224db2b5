import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { parse as parseYaml } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenario } from "../../src/domain/load.js";
import { cellAt, edit } from "../excel/workbooks.js";
import { TINY_SCENARIO } from "../fixtures/tiny-scenario.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const portello = (...args: string[]) =>
  spawnSync("node", ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, encoding: "utf8" });

const dir = mkdtempSync(join(tmpdir(), "portello-excel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("portello excel export / import, validate file.xlsx", () => {
  const xlsx = join(dir, "base.xlsx");

  it("exports a scenario, never over an existing file, and imports it back to the same scenario", async () => {
    const exported = portello("excel", "export", "builtin:alfa/base", "--out", xlsx);
    expect(exported.stderr).toBe(`portello: wrote ${xlsx}\n`);
    expect(exported.status).toBe(0);
    const again = portello("excel", "export", "builtin:alfa/base", "--out", xlsx);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("exists; add --force");

    expect(portello("validate", xlsx).stdout).toMatch(/^ok {2}.*base\.xlsx {2}\(3 plants/);
    const yaml = join(dir, "base.yaml");
    const imported = portello("excel", "import", xlsx, "--out", yaml);
    expect(imported.stderr).toBe("");
    const { extends: _, ...expected } = await loadScenario("builtin:alfa/base");
    expect(await loadScenario(yaml)).toEqual(expected);
    writeFileSync(yaml, "keep me");
    expect(portello("excel", "import", xlsx, "--out", yaml).status).toBe(2);
    expect(readFileSync(yaml, "utf8")).toBe("keep me");
  });

  it("exports only the differences from the base with --diff, and reads them back next to the base", () => {
    const folder = join(dir, "diff");
    mkdirSync(folder);
    const out = join(folder, "reopen.xlsx");
    expect(portello("excel", "export", "builtin:alfa/reopen-belvidere", "--diff", "--out", out).status).toBe(
      0,
    );
    // `extends: base.yaml` is relative to the workbook, as it is to a YAML file
    expect(portello("excel", "import", out).stderr).toContain(
      `${out}: Settings!B6: extends: base scenario not found: 'base.yaml'`,
    );
    copyFileSync(join(ROOT, "data/scenarios/alfa/base.yaml"), join(folder, "base.yaml"));
    const yaml = portello("excel", "import", out);
    // the patch as written: the base's entries are not repeated
    expect(parseYaml(yaml.stdout)).toEqual(
      parseYaml(readFileSync(join(ROOT, "data/scenarios/alfa/reopen-belvidere.yaml"), "utf8")),
    );
    expect(
      portello("excel", "export", "builtin:alfa/base", "--diff", "--out", join(dir, "x.xlsx")).stderr,
    ).toContain("does not extend a base scenario");
  });

  it("writes a plan and a comparison as workbooks, never over an existing file", async () => {
    const yaml = join(dir, "tiny.yaml");
    writeFileSync(yaml, TINY_SCENARIO);
    const plan = join(dir, "plan.xlsx");
    const solved = portello("solve", yaml, "--no-explain", "--xlsx", plan);
    expect(solved.status).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(plan);
    expect(workbook.getWorksheet("Summary")!.getCell("B2").value).toBe("tiny");
    const again = portello("solve", yaml, "--no-explain", "--xlsx", plan);
    expect(again.stderr).toContain("exists; use --force");
    const compared = join(dir, "compare.xlsx");
    expect(portello("compare", yaml, yaml, "--xlsx", compared).status).toBe(0);
    await workbook.xlsx.readFile(compared);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["Plans", "KPIs", "Differences"]);
  });

  it("reports every problem with sheet and cell, exit 2, and writes nothing", async () => {
    const bad = join(dir, "bad.xlsx");
    writeFileSync(
      bad,
      await edit(readFileSync(xlsx), (wb) => {
        cellAt(wb, "Plants", "cassino", "capacity per shift").value = "abc";
      }),
    );
    const validated = portello("validate", bad);
    expect(validated.status).toBe(2);
    expect(validated.stderr).toContain(`${bad}: Plants!J2: capacity per shift: expected a number`);
    const out = join(dir, "never.yaml");
    const imported = portello("excel", "import", bad, "--out", out);
    expect(imported.status).toBe(2);
    expect(imported.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});
