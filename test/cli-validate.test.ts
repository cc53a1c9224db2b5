import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** `portello validate` run as a user runs it: a separate process, exit code and streams. */

function portello(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: process.cwd(),
    encoding: "utf8",
    env: { ...process.env, PORTELLO_DEBUG: "" },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const VALID = "test/fixtures/scenarios/valid";
const INVALID = "test/fixtures/scenarios/invalid";

describe("portello validate", () => {
  it("exits 0 and summarises each valid file", () => {
    const run = portello("validate", `${VALID}/base.yaml`, `${VALID}/tariff-shock.yaml`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `ok  ${VALID}/base.yaml  (2 plants, 2 programs, 2 markets, horizon 2026–2032)`,
    );
    expect(run.stdout).toContain(
      `ok  ${VALID}/tariff-shock.yaml  (2 plants, 2 programs, 2 markets, horizon 2026–2034)`,
    );
    expect(run.stderr).toBe("");
  });

  it("exits 2 with file:line:col for a bad file, and no stack trace", () => {
    const run = portello(
      "validate",
      `${VALID}/base.yaml`,
      `${INVALID}/unknown-field.yaml`,
      `${INVALID}/non-utf8.yaml`,
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`ok  ${VALID}/base.yaml`);
    expect(run.stderr).toContain(
      `${INVALID}/unknown-field.yaml:6:5: plants[0].capcity: unknown field 'capcity' — did you mean 'capacityPerShift'?`,
    );
    expect(run.stderr).toMatch(new RegExp(`${INVALID}/non-utf8.yaml:3:\\d+: `));
    expect(run.stderr).toContain("2 problems in 2 of 3 files");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("prints { file, ok, issues } per file with --json", () => {
    const run = portello("validate", "--json", `${VALID}/base.yaml`, `${INVALID}/negative-capacity.yaml`);
    expect(run.code).toBe(2);
    const results = JSON.parse(run.stdout) as {
      file: string;
      ok: boolean;
      issues: { line: number; path: string }[];
    }[];
    expect(results.map((r) => [r.file, r.ok, r.issues.length])).toEqual([
      [`${VALID}/base.yaml`, true, 0],
      [`${INVALID}/negative-capacity.yaml`, false, 1],
    ]);
    expect(results[1]!.issues[0]).toMatchObject({ line: 6, path: "plants[0].capacityPerShift" });
  });

  it("reports every file of the malformed corpus as invalid, and never crashes", () => {
    const files = readdirSync(INVALID).map((name) => `${INVALID}/${name}`);
    const run = portello("validate", ...files);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toContain("unexpected error");
    expect(run.stderr).toContain(`in ${files.length} of ${files.length} files`);
  });
});
