import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { highsRuntime } from "../../src/solver/highs.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CAP41 = fileURLToPath(new URL("../fixtures/cflp/cap41.txt", import.meta.url));

const portello = (...args: string[]) =>
  spawnSync("node", ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, encoding: "utf8" });

const dir = mkdtempSync(join(tmpdir(), "portello-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("portello import cflp / export", () => {
  it("imports an OR-Library instance whose exported MPS and LP solve to the published optimum", async () => {
    const yaml = join(dir, "cap41.yaml");
    const imported = portello("import", "cflp", CAP41, "--out", yaml);
    expect(imported.stderr).toBe("");
    expect(imported.status).toBe(0);
    const highs = await highsRuntime();
    for (const format of ["mps", "lp"] as const) {
      const exported = portello("export", yaml, `--${format}`);
      expect(exported.status).toBe(0);
      const model = highs.createModel({ format, data: exported.stdout });
      try {
        model.options.set({ output_flag: false, mip_rel_gap: 1e-9 });
        model.run();
        expect(model.getObjectiveValue()).toBeCloseTo(1040444.375, 3);
      } finally {
        model.dispose();
      }
    }
  });

  it("never overwrites a file without --force", () => {
    const out = join(dir, "existing.yaml");
    writeFileSync(out, "keep me");
    const refused = portello("import", "cflp", CAP41, "--out", out);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("exists; add --force");
    expect(readFileSync(out, "utf8")).toBe("keep me");
    const forced = portello("import", "cflp", CAP41, "--out", out, "--force");
    expect(forced.status).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("id: cap41");
  });

  it("reports a malformed instance with its position, without a stack trace", () => {
    const bad = join(dir, "bad.txt");
    writeFileSync(bad, "2 1\n10 5\n10 oops\n");
    const result = portello("import", "cflp", bad);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `${bad}:3:4: the fixed cost of warehouse 2 should be a non-negative number`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("asks for exactly one export format", () => {
    const result = portello("export", join(dir, "cap41.yaml"));
    expect(result.status).toBe(64);
    expect(result.stderr).toContain("exactly one of --mps or --lp");
  });
});
