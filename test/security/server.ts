// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";

/**
 * A real `portello serve` process on a free port with its own temporary data folder, and what the security
 * tests ask of it: calls, problem checks, a health probe and a snapshot of everything stored.
 */

const MAIN = new URL("../../src/cli/main.ts", import.meta.url).pathname;

export interface ServerProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** everything the server printed so far */
  output(): string;
  stop(): Promise<void>;
}

/** A fresh data folder (to fill before starting, e.g. with text saved by an older version). */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), "portello-security-"));
}

/** `args`: more options of `portello serve`, e.g. its timeouts. */
export function startServer(dataDir = tempDataDir(), args: string[] = []): Promise<ServerProcess> {
  const env = { ...process.env };
  delete env.DATABASE_URL; // the embedded store in dataDir, whatever the caller's environment holds
  const child = spawn(
    process.execPath,
    ["--import", "tsx", MAIN, "serve", "--port", "0", "--data", dataDir, ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env,
    },
  );
  let output = "";
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const url = /serving on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ url, dataDir, child, output: () => output, stop });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`)),
    );
  });
}

export interface Reply {
  status: number;
  type: string;
  text: string;
  body: any;
}

export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  let parsed: unknown = text;
  if (type.includes("json")) parsed = JSON.parse(text);
  return { status: res.status, type, text, body: parsed };
}

/** A clear refusal: the status, RFC 9457 problem details, and a detail a person can act on. */
export function expectProblem(reply: Reply, status: number | ((s: number) => boolean)): void {
  if (typeof status === "number") expect(reply.status, reply.text).toBe(status);
  else expect(status(reply.status), `status ${reply.status}: ${reply.text}`).toBe(true);
  expect(reply.type).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ status: reply.status, title: expect.any(String) });
  expect(reply.body.detail.length).toBeGreaterThan(0);
}

/** Milliseconds the health check took; it must answer 200 (a generous bound is asserted by callers). */
export async function healthMs(base: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5_000) });
  await res.text();
  expect(res.status).toBe(200);
  return performance.now() - started;
}

/**
 * Everything stored, as the API shows it (to the caller `headers` authenticate, if any): projects, scenarios,
 * every version's hash, runs with progress — but `exceptRun`, a run still solving, whose log grows as it should.
 */
export async function snapshot(
  base: string,
  exceptRun?: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const get = async (path: string) => {
    const r = await call(base, "GET", path, undefined, headers);
    expect(r.status, `${path}: ${r.text}`).toBe(200);
    return r.body;
  };
  const projects = await get("/api/projects");
  const scenarios = [];
  for (const project of projects)
    for (const scenario of await get(`/api/projects/${project.id}/scenarios`))
      scenarios.push({ scenario, versions: await get(`/api/scenarios/${scenario.id}/versions`) });
  const runs = [];
  for (const run of await get("/api/runs"))
    if (run.id !== exceptRun)
      runs.push({ run, progress: (await get(`/api/runs/${run.id}/progress`)).length });
  return JSON.stringify({ projects, scenarios, runs });
}

/**
 * Probes health every 100 ms from a separate process, so that the attacking test's own event loop does not
 * count in the server's latency. `stop` returns every latency in milliseconds (Infinity for a failed probe).
 */
export function startProber(base: string): { started: Promise<void>; stop(): Promise<number[]> } {
  const script = `
    let running = true;
    process.on("SIGTERM", () => { running = false; });
    while (running) {
      const started = performance.now();
      try {
        const res = await fetch(${JSON.stringify(`${base}/api/health`)}, { signal: AbortSignal.timeout(5000) });
        await res.text();
        console.log(res.status === 200 ? String(performance.now() - started) : "fail");
      } catch {
        console.log("fail");
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  let first: () => void;
  const started = new Promise<void>((resolve) => {
    first = resolve;
  });
  child.stdout!.on("data", (chunk) => {
    output += String(chunk);
    first();
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    started,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      return output
        .split("\n")
        .filter(Boolean)
        .map((line) => (line === "fail" ? Number.POSITIVE_INFINITY : Number(line)));
    },
  };
}
