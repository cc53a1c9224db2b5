import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bigScenarioText } from "./fixtures/big-scenario.js";
import { api, exited } from "./fixtures/processes.js";

/**
 * The real server process: kill -9 it during a run, start it again on the same data. Every acknowledged
 * version must be intact and the interrupted run marked failed — none silently lost.
 */
const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "portello-restart-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `portello serve --port 0` and resolves once it prints its URL. */
function startServer(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", MAIN, "serve", "--port", "0", "--data", dataDir],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const url = /serving on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url, output: () => output });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`)),
    );
  });
}

describe("portello serve, killed during a run and started again", () => {
  it("keeps every acknowledged version and marks the interrupted run failed", async () => {
    const first = await startServer();
    await api(first.url, "/api/projects", { name: "Restart" });
    const texts = [1, 2, 3].map((n) =>
      bigScenarioText({ plants: 12, programs: 16 }).replace(
        "Synthetic network (long solve)",
        `Synthetic v${n}`,
      ),
    );
    const { scenario } = await api(first.url, "/api/projects/restart/scenarios", {
      name: "Big",
      content: texts[0],
    });
    for (const content of texts.slice(1))
      await api(first.url, `/api/scenarios/${scenario.id}/versions`, { content });
    const run = await api(first.url, `/api/scenarios/${scenario.id}/runs`, {
      options: { explain: false, timeLimitSeconds: 600 },
    });
    while ((await api(first.url, `/api/runs/${run.id}`)).status !== "running") {
      await new Promise((r) => setTimeout(r, 100));
    }

    first.child.kill("SIGKILL");
    expect((await exited(first.child)).signal).toBe("SIGKILL");

    const second = await startServer();
    const versions = await api(second.url, `/api/scenarios/${scenario.id}/versions`);
    expect(versions.map((v: { number: number }) => v.number)).toEqual([1, 2, 3]);
    for (const [i, content] of texts.entries()) {
      expect((await api(second.url, `/api/scenarios/${scenario.id}/versions/${i + 1}`)).content).toBe(
        content,
      );
    }
    const after = await api(second.url, `/api/runs/${run.id}`);
    expect(after).toMatchObject({ status: "failed", failureReason: "server restarted during the run" });
    expect(after.finishedAt).toBeDefined();
    const stream = await api(second.url, `/api/runs/${run.id}/events`);
    expect(stream).toMatch(/event: end\ndata: \{[^\n]*"status":"failed"/);
    expect(second.output()).toMatch(/1 run\(s\) interrupted/);

    // a clean stop exits 0
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toEqual({ code: 0, signal: null });
  });
});
