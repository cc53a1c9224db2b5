import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** `portello serve` and `portello worker` check their whole-number options with one helper (src/cli/options.ts). */
const root = resolve(import.meta.dirname, "../..");

function portello(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "", REDIS_URL: "" },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

// refused before anything is opened: no database, Redis or port is needed
const worker = ["worker", "--redis", "redis://127.0.0.1:1", "--database", "postgres://127.0.0.1:1/none"];

describe("whole-number options of serve and worker", () => {
  it.each([
    [["serve", "--port", "abc"], '--port must be a whole number from 0 to 65535, not "abc"'],
    [
      ["serve", "--max-event-streams", "2.5"],
      '--max-event-streams must be a whole number from 1 to 100000, not "2.5"',
    ],
    [[...worker, "--concurrency", "0"], '--concurrency must be a whole number from 1 to 256, not "0"'],
    [
      [...worker, "--stalled-seconds", "3601"],
      '--stalled-seconds must be a whole number from 1 to 3600, not "3601"',
    ],
  ])("portello %j is a usage error", (args, message) => {
    const run = portello(...args);
    expect(run.stderr).toBe(`portello: ${message}\n`);
    expect(run.stdout).toBe("");
    expect(run.code).toBe(64);
  });
});
