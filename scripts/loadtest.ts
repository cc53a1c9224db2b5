import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { mulberry32 } from "../src/domain/random.js";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/**
 * `npm run loadtest`: a bounded load test of `portello serve` on loopback. It starts a real server process on
 * a fresh data folder, runs N API clients (a mix of atlas queries, listings, reads, validation, saves, diffs
 * and compares) while R runners keep R solver runs in flight, then checks that no request failed, every run
 * ended with a plan and every acknowledged version reads back unchanged. Prints a Markdown report; exits 1
 * when a check fails. Not part of the unit suite.
 *
 * Options: --clients 50, --runners 4, --duration 60 (seconds of load), --requests N (per client; 0 = only the
 * duration bounds it), --seed 1, --entry dist|source (default dist when built), --run-timeout 300,
 * --keep-data, --node-arg=--cpu-prof (repeatable: flags for the server's node, to profile it under load).
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PROJECT = "alfa-romeo";

interface Config {
  clients: number;
  runners: number;
  durationMs: number;
  requestsPerClient: number;
  seed: number;
  entry: "dist" | "source";
  runTimeoutMs: number;
  keepData: boolean;
  /** extra flags for the server's node, e.g. --cpu-prof */
  nodeArgs: string[];
}

function readConfig(): Config {
  const { values } = parseArgs({
    options: {
      clients: { type: "string", default: "50" },
      runners: { type: "string", default: "4" },
      duration: { type: "string", default: "60" },
      requests: { type: "string", default: "0" },
      seed: { type: "string", default: "1" },
      entry: { type: "string" },
      "run-timeout": { type: "string", default: "300" },
      "keep-data": { type: "boolean", default: false },
      "node-arg": { type: "string", multiple: true, default: [] },
    },
  });
  const entry = values.entry ?? (existsSync(join(ROOT, "dist/cli/main.js")) ? "dist" : "source");
  if (entry !== "dist" && entry !== "source") throw new Error("--entry is dist or source");
  return {
    clients: wholeNumber("clients", values.clients, 1),
    runners: wholeNumber("runners", values.runners, 0),
    durationMs: wholeNumber("duration", values.duration, 1) * 1000,
    requestsPerClient: wholeNumber("requests", values.requests, 0),
    seed: wholeNumber("seed", values.seed, 0),
    entry,
    runTimeoutMs: wholeNumber("run-timeout", values["run-timeout"], 1) * 1000,
    keepData: values["keep-data"],
    nodeArgs: values["node-arg"],
  };
}

function wholeNumber(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be a whole number ≥ ${min}, not "${text}"`);
  return n;
}

// ── the server process ────────────────────────────────────────────────────

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** `portello serve --port 0` on a fresh folder; resolves once it prints its URL. */
function startServer(config: Config, dataDir: string): Promise<Server> {
  const cli =
    config.entry === "dist"
      ? [join(ROOT, "bin/portello.js")]
      : ["--import", "tsx", join(ROOT, "src/cli/main.ts")];
  const args = [...config.nodeArgs, ...cli, "serve", "--port", "0", "--data", dataDir];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start in 120 s:\n${output}`));
    }, 120_000);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const url = /serving on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, output: () => output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code, signal) => reject(new Error(`server exited (${code ?? signal}):\n${output}`)));
  });
}

/** SIGTERM, then the exit code: a clean stop is 0. */
function stopServer(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? "gone");
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? String(signal)));
    child.kill("SIGTERM");
  });
}

/** A memory figure of a live process in MiB: VmHWM is the peak resident set, VmRSS the current one. */
function memoryMiB(pid: number, field: "VmHWM" | "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}

/** User + system CPU seconds a process has used so far (fields 14 and 15 of /proc/<pid>/stat, in ticks). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
/** sysconf(_SC_CLK_TCK): 100 on Linux everywhere Node runs */
const CLOCK_TICKS = 100;

function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

// ── measured HTTP ─────────────────────────────────────────────────────────

const GROUPS = ["atlas", "list", "read", "validate", "save", "diff", "compare", "runs", "bad"] as const;
type Group = (typeof GROUPS)[number];

/** Latencies per endpoint group and every failed check, in the order they happened. */
class Stats {
  readonly latencies = new Map<Group, number[]>(GROUPS.map((g) => [g, []]));
  readonly errors: string[] = [];
  expected4xx = 0;

  fail(message: string): void {
    if (this.errors.length < 1000) this.errors.push(message);
  }

  /** The set-up's requests are not part of the measured load. */
  resetLatencies(): void {
    for (const samples of this.latencies.values()) samples.length = 0;
  }
}

interface Ctx {
  base: string;
  stats: Stats;
  state: State;
  config: Config;
  /** no new request or run is started after this (Date.now()) */
  deadline: number;
}

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field where it matters
  body: any;
}

interface RequestOptions {
  body?: unknown;
  /** the statuses this request may get; anything else is an error */
  expect?: number[];
}

/** One timed request (until the body is read); an unexpected status or a network error is recorded. */
async function request(
  ctx: Ctx,
  group: Group,
  method: "GET" | "POST",
  path: string,
  options: RequestOptions = {},
): Promise<Reply | undefined> {
  const expect = options.expect ?? [method === "POST" ? 201 : 200];
  const started = performance.now();
  try {
    const res = await fetch(`${ctx.base}${path}`, {
      method,
      ...(options.body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    ctx.stats.latencies.get(group)!.push(performance.now() - started);
    if (!expect.includes(res.status)) {
      ctx.stats.fail(`${method} ${path}: ${res.status} (expected ${expect.join("/")}) ${text.slice(0, 300)}`);
      return undefined;
    }
    if (res.status >= 400) ctx.stats.expected4xx++;
    return {
      status: res.status,
      body: text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text,
    };
  } catch (error) {
    ctx.stats.fail(
      `${method} ${path}: ${error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : error}`,
    );
    return undefined;
  }
}

// ── shared state ──────────────────────────────────────────────────────────

interface ScenarioRef {
  id: string;
  fileName: string;
}

interface RunRecord {
  id: string;
  scenario: string;
  follow: "sse" | "poll";
  /** POST → terminal state seen by the client, seconds */
  wall: number;
  /** createdAt → startedAt: waiting for a solver thread */
  queued: number;
  /** the server's own timings.total: worker start → plan stored */
  total: number;
  progressEvents: number;
  planStatus: string;
}

interface State {
  builtins: ScenarioRef[];
  baseId: string;
  /** the built-in `extends: base.yaml` variant each client's own scenario is made from */
  variantTemplate: string;
  baseText: string;
  /** one full-size scenario every client saves to, without baseVersion */
  sharedId: string;
  /** scenario id → version number → the exact text the server acknowledged */
  acked: Map<string, Map<number, string>>;
  startedRuns: string[];
  runs: RunRecord[];
  /** succeeded runs, for /api/compare */
  finishedRuns: string[];
}

function acknowledge(ctx: Ctx, scenarioId: string, number: number, content: string): void {
  const versions = ctx.state.acked.get(scenarioId) ?? new Map<number, string>();
  if (versions.has(number)) ctx.stats.fail(`version ${number} of ${scenarioId} acknowledged twice`);
  versions.set(number, content);
  ctx.state.acked.set(scenarioId, versions);
}

function variantText(template: string, client: number, edit: number): string {
  const text = template
    .replace(/^id: .*$/m, `id: loadtest-client-${client}`)
    .replace(/^name: .*$/m, `name: "Load test client ${client}"`)
    .replace(/maxShifts: \d/, `maxShifts: ${2 + (edit % 2)}`);
  return `${text.trimEnd()}\n# load test: client ${client}, edit ${edit}\n`;
}

function sharedText(baseText: string, client: number, edit: number): string {
  const text = baseText
    .replace(/^id: .*$/m, "id: loadtest-shared")
    .replace(/^name: .*$/m, 'name: "Load test, shared"');
  return `${text.trimEnd()}\n# load test: shared, client ${client}, edit ${edit}\n`;
}

const INVALID_TEXT = "portello: 1\nid: broken\nname: Broken\nplants: not-a-list\n";

/** Reads the seeded project and creates the shared scenario (before the clock starts). */
async function prepare(ctx: Ctx): Promise<void> {
  const list = await request(ctx, "list", "GET", `/api/projects/${PROJECT}/scenarios`);
  if (!list) throw new Error(`could not list the built-in scenarios: ${ctx.stats.errors.join("\n")}`);
  const builtins = (list.body as ScenarioRef[]).map(({ id, fileName }) => ({ id, fileName }));
  const textOf = async (fileName: string) => {
    const id = builtins.find((s) => s.fileName === fileName)?.id;
    const reply = id && (await request(ctx, "read", "GET", `/api/scenarios/${id}`));
    if (!reply) throw new Error(`the built-in ${fileName} is missing`);
    return { id: id as string, content: reply.body.version.content as string };
  };
  const base = await textOf("base.yaml");
  const variant = await textOf("italy-more-shifts.yaml");
  Object.assign(ctx.state, {
    builtins,
    baseId: base.id,
    baseText: base.content,
    variantTemplate: variant.content,
  });
  const content = sharedText(base.content, 0, 0);
  const shared = await request(ctx, "save", "POST", `/api/projects/${PROJECT}/scenarios`, {
    body: { name: "Load test, shared", fileName: "loadtest-shared.yaml", content },
  });
  if (!shared) throw new Error(`could not create the shared scenario: ${ctx.stats.errors.join("\n")}`);
  ctx.state.sharedId = shared.body.scenario.id;
  acknowledge(ctx, ctx.state.sharedId, 1, content);
}

// ── API clients ───────────────────────────────────────────────────────────

const ATLAS_QUERIES = [
  "/api/atlas/where?q=Giulia&year=2020",
  "/api/atlas/where?q=Cassino&year=2024",
  "/api/atlas/where?q=Alfa%20Romeo&year=2010",
  "/api/atlas/history?q=Cassino",
  "/api/atlas/history?q=Alfa%20Romeo",
  "/api/atlas/conflicts",
  "/api/atlas/sources",
  "/api/atlas/sources?kind=press",
];

/** One simulated user: owns one scenario (an `extends: base.yaml` variant) and works the API in a loop. */
class Client {
  scenarioId = "";
  latest = 0;
  edits = 0;
  readonly random: () => number;

  constructor(
    readonly index: number,
    readonly ctx: Ctx,
  ) {
    this.random = mulberry32(ctx.config.seed * 1000 + index);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  async run(): Promise<void> {
    if (!(await this.createScenario())) return; // recorded as an error
    const limit = this.ctx.config.requestsPerClient;
    for (let n = 1; Date.now() < this.ctx.deadline && (limit === 0 || n < limit); n++) {
      await this.pickOperation()(this);
    }
  }

  pickOperation(): Operation {
    let r = this.random() * TOTAL_WEIGHT;
    for (const [weight, operation] of OPERATIONS) {
      r -= weight;
      if (r < 0) return operation;
    }
    return OPERATIONS[0]![1];
  }

  async createScenario(): Promise<boolean> {
    const content = variantText(this.ctx.state.variantTemplate, this.index, 0);
    const reply = await request(this.ctx, "save", "POST", `/api/projects/${PROJECT}/scenarios`, {
      body: {
        name: `Load test client ${this.index}`,
        fileName: `loadtest-client-${this.index}.yaml`,
        content,
      },
    });
    if (!reply) return false;
    this.scenarioId = reply.body.scenario.id;
    this.latest = 1;
    acknowledge(this.ctx, this.scenarioId, 1, content);
    return true;
  }

  /** Any scenario this client may read: the built-ins, the shared one, its own. */
  someScenario(): string {
    return this.pick([...this.ctx.state.builtins.map((s) => s.id), this.ctx.state.sharedId, this.scenarioId]);
  }
}

type Operation = (client: Client) => Promise<void>;

const atlas: Operation = async (c) => {
  await request(c.ctx, "atlas", "GET", c.pick(ATLAS_QUERIES));
};

const list: Operation = async (c) => {
  await request(
    c.ctx,
    "list",
    "GET",
    c.pick(["/api/projects", `/api/projects/${PROJECT}`, `/api/projects/${PROJECT}/scenarios`]),
  );
};

const read: Operation = async (c) => {
  const id = c.someScenario();
  const known = c.ctx.state.acked.get(id)?.size ?? 1;
  const path = c.pick([
    `/api/scenarios/${id}`,
    `/api/scenarios/${id}/versions`,
    `/api/scenarios/${id}/versions/${1 + Math.floor(c.random() * known)}`,
  ]);
  await request(c.ctx, "read", "GET", path);
};

const validate: Operation = async (c) => {
  const valid = c.random() < 0.8;
  const content = valid ? variantText(c.ctx.state.variantTemplate, c.index, c.edits + 1) : INVALID_TEXT;
  const reply = await request(c.ctx, "validate", "POST", "/api/validate", {
    body: { content, fileName: `loadtest-client-${c.index}.yaml`, project: PROJECT },
    expect: [200],
  });
  if (reply && reply.body.valid !== valid)
    c.ctx.stats.fail(`POST /api/validate: valid ${reply.body.valid}, expected ${valid}`);
};

/** Two saves in three go to the client's own scenario with baseVersion (never stale), one to the shared one. */
const save: Operation = async (c) => {
  c.edits++;
  if (c.random() < 2 / 3) {
    const content = variantText(c.ctx.state.variantTemplate, c.index, c.edits);
    const reply = await request(c.ctx, "save", "POST", `/api/scenarios/${c.scenarioId}/versions`, {
      body: { content, baseVersion: c.latest, note: `edit ${c.edits}` },
    });
    if (!reply) return;
    if (reply.body.number !== c.latest + 1)
      c.ctx.stats.fail(`own save got version ${reply.body.number}, expected ${c.latest + 1}`);
    c.latest = reply.body.number;
    acknowledge(c.ctx, c.scenarioId, reply.body.number, content);
    return;
  }
  const content = sharedText(c.ctx.state.baseText, c.index, c.edits);
  const shared = c.ctx.state.sharedId;
  const reply = await request(c.ctx, "save", "POST", `/api/scenarios/${shared}/versions`, {
    body: { content },
  });
  if (reply) acknowledge(c.ctx, shared, reply.body.number, content);
};

const diff: Operation = async (c) => {
  const { baseId } = c.ctx.state;
  const path = c.pick([
    `/api/scenarios/${c.scenarioId}/diff?from=1`,
    `/api/scenarios/${baseId}/diff?from=1&against=${c.scenarioId}`,
    `/api/scenarios/${c.ctx.state.sharedId}/diff?from=1&against=${baseId}`,
  ]);
  const reply = await request(c.ctx, "diff", "GET", path);
  if (reply && reply.body.resolved !== true) c.ctx.stats.fail(`GET ${path}: resolved ${reply.body.resolved}`);
};

/** Compares two succeeded runs once there are two; before that, lists runs instead. */
const compare: Operation = async (c) => {
  const finished = c.ctx.state.finishedRuns;
  if (finished.length < 2) return runs(c);
  const a = c.pick(finished);
  const b = c.pick(finished.filter((id) => id !== a));
  await request(c.ctx, "compare", "GET", `/api/compare?runs=${a},${b}`);
};

const runs: Operation = async (c) => {
  const started = c.ctx.state.startedRuns;
  const path =
    started.length > 0 && c.random() < 0.5
      ? `/api/runs/${c.pick(started)}`
      : `/api/runs?scenario=${c.pick(c.ctx.state.builtins).id}`;
  await request(c.ctx, "runs", "GET", path);
};

/** Requests meant to be refused, each with the one status it must get; a 422 save must store nothing. */
const bad: Operation = async (c) => {
  const choice = Math.floor(c.random() * 5);
  const own = `/api/scenarios/${c.scenarioId}/versions`;
  if (choice === 1) await request(c.ctx, "bad", "POST", "/api/validate", { body: {}, expect: [400] });
  else if (choice === 2) await request(c.ctx, "bad", "GET", "/api/atlas/where?q=Atlantis", { expect: [404] });
  else if (choice === 3) {
    const body = { content: INVALID_TEXT, baseVersion: c.latest };
    await request(c.ctx, "bad", "POST", own, { body, expect: [422] });
  } else if (choice === 4 && c.latest > 1) {
    // an edit started from an older version than the latest: refused, not silently saved
    const body = {
      content: variantText(c.ctx.state.variantTemplate, c.index, 999),
      baseVersion: c.latest - 1,
    };
    await request(c.ctx, "bad", "POST", own, { body, expect: [409] });
  } else await request(c.ctx, "bad", "GET", "/api/scenarios/no-such-scenario", { expect: [404] });
};

/** Read-heavy, as people use a planner: look things up often, save now and then. */
const OPERATIONS: [number, Operation][] = [
  [20, atlas],
  [15, list],
  [20, read],
  [10, validate],
  [10, save],
  [8, diff],
  [5, compare],
  [7, runs],
  [5, bad],
];
const TOTAL_WEIGHT = OPERATIONS.reduce((sum, [w]) => sum + w, 0);

// ── runs ──────────────────────────────────────────────────────────────────

interface RunEnd {
  run: { status: string; createdAt: string; startedAt?: string; timings: { total?: number } };
  progressEvents: number;
}

/** Keeps one run in flight until the deadline: start it, follow it to the end, fetch its plan, repeat. */
async function runner(ctx: Ctx, index: number): Promise<void> {
  const follow = index % 2 === 0 ? "sse" : "poll";
  for (let k = 0; Date.now() < ctx.deadline; k++) {
    const builtins = ctx.state.builtins;
    const scenario = builtins[(index + k * ctx.config.runners) % builtins.length]!;
    const ok = await oneRun(ctx, scenario, follow);
    if (!ok) return; // the failure is recorded; do not hammer a broken server
  }
}

async function oneRun(ctx: Ctx, scenario: ScenarioRef, follow: "sse" | "poll"): Promise<boolean> {
  const started = performance.now();
  const reply = await request(ctx, "runs", "POST", `/api/scenarios/${scenario.id}/runs`, {
    body: { options: {} },
    expect: [202],
  });
  if (!reply) return false;
  const id: string = reply.body.id;
  ctx.state.startedRuns.push(id);
  const end = follow === "sse" ? await followEvents(ctx, id) : await pollRun(ctx, id);
  if (!end) return false;
  const wall = (performance.now() - started) / 1000;
  if (end.run.status !== "succeeded") {
    ctx.stats.fail(`run ${id} (${scenario.fileName}) ended ${end.run.status}`);
    return false;
  }
  const plan = await request(ctx, "runs", "GET", `/api/runs/${id}/result`);
  if (!plan || typeof plan.body.status !== "string" || !Array.isArray(plan.body.flows)) {
    ctx.stats.fail(`run ${id} (${scenario.fileName}) succeeded without a readable plan`);
    return false;
  }
  const queued = (Date.parse(end.run.startedAt ?? end.run.createdAt) - Date.parse(end.run.createdAt)) / 1000;
  ctx.state.runs.push({
    id,
    scenario: scenario.fileName,
    follow,
    wall,
    queued,
    total: end.run.timings.total ?? Number.NaN,
    progressEvents: end.progressEvents,
    planStatus: plan.body.status,
  });
  ctx.state.finishedRuns.push(id);
  return true;
}

/** Reads the run's server-sent events up to `end`; sequence numbers must only grow. */
async function followEvents(ctx: Ctx, runId: string): Promise<RunEnd | undefined> {
  const path = `/api/runs/${runId}/events`;
  try {
    const res = await fetch(`${ctx.base}${path}`, { signal: AbortSignal.timeout(ctx.config.runTimeoutMs) });
    if (res.status !== 200 || !res.body) {
      ctx.stats.fail(`GET ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      return undefined;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let lastSeq = 0;
    let progressEvents = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
        const event = parseEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (!event) continue; // a keep-alive comment
        if (event.name === "end") {
          await reader.cancel();
          return { run: JSON.parse(event.data), progressEvents };
        }
        const seq = Number(event.id);
        if (!(seq > lastSeq)) ctx.stats.fail(`${path}: event id ${event.id} after ${lastSeq}`);
        lastSeq = seq;
        progressEvents++;
      }
    }
    ctx.stats.fail(`${path}: the stream ended without an end event`);
  } catch (error) {
    ctx.stats.fail(`${path}: ${error instanceof Error ? error.message : error}`);
  }
  return undefined;
}

function parseEvent(block: string): { name: string; id: string; data: string } | undefined {
  const field = (name: string) =>
    block
      .split("\n")
      .filter((line) => line.startsWith(`${name}:`))
      .map((line) => line.slice(name.length + 1).trimStart())
      .join("\n");
  const name = field("event");
  return name ? { name, id: field("id"), data: field("data") } : undefined;
}

const POLL_MS = 200;

/** The other way to follow a run: GET it every 200 ms until it is finished. */
async function pollRun(ctx: Ctx, runId: string): Promise<RunEnd | undefined> {
  const giveUp = Date.now() + ctx.config.runTimeoutMs;
  while (Date.now() < giveUp) {
    const reply = await request(ctx, "runs", "GET", `/api/runs/${runId}`);
    if (!reply) return undefined;
    if (["succeeded", "failed", "cancelled"].includes(reply.body.status)) {
      const progress = await request(ctx, "runs", "GET", `/api/runs/${runId}/progress`);
      return { run: reply.body, progressEvents: progress?.body.length ?? 0 };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  ctx.stats.fail(`run ${runId} did not finish in ${ctx.config.runTimeoutMs / 1000} s`);
  return undefined;
}

// ── checks after the load ─────────────────────────────────────────────────

/** Every run started is in the store, succeeded, and was followed to its end by its runner. */
async function checkRuns(ctx: Ctx): Promise<string[]> {
  const failures: string[] = [];
  const stored = new Map<string, string>(
    ((await getJson(ctx, "/api/runs")) as { id: string; status: string }[]).map((r) => [r.id, r.status]),
  );
  for (const id of ctx.state.startedRuns) {
    const status = stored.get(id);
    if (status !== "succeeded") failures.push(`run ${id}: ${status ?? "missing from /api/runs"}`);
  }
  if (ctx.state.runs.length !== ctx.state.startedRuns.length) {
    failures.push(
      `${ctx.state.startedRuns.length} runs started, ${ctx.state.runs.length} followed to a plan`,
    );
  }
  return failures;
}

/**
 * Every acknowledged version reads back with the same text and hash, and the scenarios the test wrote to hold
 * exactly the versions it was told about: none lost, none extra (the refused saves stored nothing).
 */
async function checkVersions(ctx: Ctx): Promise<string[]> {
  const failures: string[] = [];
  await Promise.all(
    [...ctx.state.acked].map(async ([scenarioId, versions]) => {
      const listed = (await getJson(ctx, `/api/scenarios/${scenarioId}/versions`)) as { number: number }[];
      const numbers = listed.map((v) => v.number).join(",");
      const expected = [...versions.keys()].sort((a, b) => a - b).join(",");
      if (numbers !== expected) failures.push(`${scenarioId}: versions ${numbers}, acknowledged ${expected}`);
      for (const [number, content] of versions) {
        const stored = (await getJson(ctx, `/api/scenarios/${scenarioId}/versions/${number}`)) as {
          content: string;
          contentHash: string;
        };
        const hash = createHash("sha256").update(content).digest("hex");
        if (stored.content !== content || stored.contentHash !== hash) {
          failures.push(`${scenarioId} version ${number}: stored text differs from the acknowledged one`);
        }
      }
    }),
  );
  return failures;
}

async function getJson(ctx: Ctx, path: string): Promise<unknown> {
  const res = await fetch(`${ctx.base}${path}`);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

// ── report ────────────────────────────────────────────────────────────────

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (x: number) => (Number.isNaN(x) ? "–" : x < 10 ? x.toFixed(1) : x.toFixed(0));
const s = (x: number) => (Number.isNaN(x) ? "–" : x.toFixed(2));

function latencyTable(stats: Stats, seconds: number): string[] {
  const rows = [
    "| endpoint group | requests | req/s | p50 ms | p95 ms | p99 ms | max ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const all: number[] = [];
  for (const group of GROUPS) {
    const sorted = [...stats.latencies.get(group)!].sort((a, b) => a - b);
    all.push(...sorted);
    rows.push(latencyRow(group, sorted, seconds));
  }
  rows.push(
    latencyRow(
      "**all**",
      all.sort((a, b) => a - b),
      seconds,
    ),
  );
  return rows;
}

function latencyRow(name: string, sorted: number[], seconds: number): string {
  const cells = [
    sorted.length,
    (sorted.length / seconds).toFixed(1),
    ...[50, 95, 99].map((p) => ms(percentile(sorted, p))),
    ms(sorted.at(-1) ?? Number.NaN),
  ];
  return `| ${name} | ${cells.join(" | ")} |`;
}

function runTable(runs: RunRecord[]): string[] {
  const rows = ["| runs | count | p50 s | p95 s | max s |", "| --- | ---: | ---: | ---: | ---: |"];
  const row = (name: string, values: number[]) => {
    const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    rows.push(
      `| ${name} | ${sorted.length} | ${[50, 95].map((p) => s(percentile(sorted, p))).join(" | ")} | ${s(sorted.at(-1) ?? Number.NaN)} |`,
    );
  };
  row(
    "wall: POST → end seen by the client",
    runs.map((r) => r.wall),
  );
  row(
    "queued: waiting for a solver thread",
    runs.map((r) => r.queued),
  );
  row(
    "server total (worker start → plan stored)",
    runs.map((r) => r.total),
  );
  return rows;
}

interface Outcome {
  config: Config;
  stats: Stats;
  state: State;
  loadSeconds: number;
  idleRssMiB: number;
  peakRssMiB: number;
  loadBefore: number;
  loadAfter: number;
  /** CPU seconds used during the load by the server (all its threads) and by this load generator */
  cpu: { server: number; generator: number };
  checks: [string, string[]][];
}

function report(o: Outcome): string {
  const requests = [...o.stats.latencies.values()].reduce((n, l) => n + l.length, 0);
  const planStatuses = countBy(o.state.runs.map((r) => r.planStatus));
  const follow = countBy(o.state.runs.map((r) => r.follow));
  const progress = o.state.runs.reduce((n, r) => n + r.progressEvents, 0);
  return [
    `Date: ${new Date().toISOString()} · server: ${o.config.entry === "dist" ? "node bin/portello.js" : "tsx src/cli/main.ts"} serve, embedded store, loopback`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; 1-min load average ${o.loadBefore.toFixed(1)} before, ${o.loadAfter.toFixed(1)} after`,
    `Load: ${o.config.clients} clients for ${o.config.durationMs / 1000} s${o.config.requestsPerClient ? ` (≤ ${o.config.requestsPerClient} requests each)` : ""}, ${o.config.runners} runs kept in flight, seed ${o.config.seed}`,
    "",
    `**${requests} requests in ${o.loadSeconds.toFixed(1)} s = ${(requests / o.loadSeconds).toFixed(0)} requests/s**; unexpected statuses or network errors: ${o.stats.errors.length}; deliberately bad requests refused as expected: ${o.stats.expected4xx}`,
    "",
    ...latencyTable(o.stats, o.loadSeconds),
    "",
    `Runs: ${o.state.startedRuns.length} started, ${o.state.runs.length} succeeded with a plan (${describe(planStatuses)}; followed by ${describe(follow)}), ${progress} progress events`,
    "",
    ...runTable(o.state.runs),
    "",
    `Versions acknowledged: ${[...o.state.acked.values()].reduce((n, v) => n + v.size, 0)} in ${o.state.acked.size} scenarios. Server RSS: ${o.idleRssMiB.toFixed(0)} MiB idle after start, peak (VmHWM) ${o.peakRssMiB.toFixed(0)} MiB`,
    `CPU during the load: server ${o.cpu.server.toFixed(1)} s (${((100 * o.cpu.server) / o.loadSeconds).toFixed(0)}% of one core), load generator ${o.cpu.generator.toFixed(1)} s (${((100 * o.cpu.generator) / o.loadSeconds).toFixed(0)}%)`,
    "",
    "Checks:",
    ...o.checks.map(
      ([name, failures]) =>
        `- ${failures.length === 0 ? "PASS" : "FAIL"} ${name}${failures.length ? `: ${failures.length}` : ""}`,
    ),
  ].join("\n");
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function describe(counts: Map<string, number>): string {
  return [...counts].map(([k, n]) => `${n} ${k}`).join(", ") || "none";
}

// ── main ──────────────────────────────────────────────────────────────────

async function loadTest(config: Config, server: Server, dataDir: string): Promise<Outcome> {
  const pid = server.child.pid!;
  const state: State = {
    ...{ builtins: [], baseId: "", variantTemplate: "", baseText: "", sharedId: "" }, // filled by prepare
    ...{ acked: new Map(), startedRuns: [], runs: [], finishedRuns: [] },
  };
  const ctx: Ctx = {
    base: server.url,
    stats: new Stats(),
    state,
    config,
    deadline: Number.POSITIVE_INFINITY,
  };
  await prepare(ctx);
  ctx.stats.resetLatencies();
  const idleRssMiB = memoryMiB(pid, "VmRSS");
  const loadBefore = loadavg()[0]!;
  const cpuBefore = { server: cpuSeconds(pid), generator: ownCpuSeconds() };
  process.stderr.write(
    `loadtest: ${config.clients} clients, ${config.runners} runners, ${config.durationMs / 1000} s on ${server.url} (data ${dataDir})\n`,
  );

  const started = performance.now();
  ctx.deadline = Date.now() + config.durationMs;
  const clients = Array.from({ length: config.clients }, (_, i) => new Client(i + 1, ctx).run());
  const runners = Array.from({ length: config.runners }, (_, i) => runner(ctx, i));
  // requests/s over the clients' active time: the runners' last runs may finish a little later
  const clientsEnd = Promise.all(clients).then(() => performance.now());
  const [ended] = await Promise.all([clientsEnd, Promise.all(runners)]);
  const loadSeconds = (ended - started) / 1000;
  const loadAfter = loadavg()[0]!;
  const cpu = {
    server: cpuSeconds(pid) - cpuBefore.server,
    generator: ownCpuSeconds() - cpuBefore.generator,
  };

  const checks: [string, string[]][] = [
    ["no unexpected HTTP status or network error", ctx.stats.errors],
    ["every run started reached a terminal state with a plan", await checkRuns(ctx)],
    ["every acknowledged version reads back identical, none extra", await checkVersions(ctx)],
  ];
  const peakRssMiB = memoryMiB(pid, "VmHWM");
  const exit = await stopServer(server.child);
  checks.push(["the server stops cleanly on SIGTERM (exit 0)", exit === 0 ? [] : [`exit ${exit}`]]);
  return {
    config,
    stats: ctx.stats,
    state,
    loadSeconds,
    idleRssMiB,
    peakRssMiB,
    loadBefore,
    loadAfter,
    cpu,
    checks,
  };
}

async function main(): Promise<number> {
  const config = readConfig();
  const dataDir = mkdtempSync(join(tmpdir(), "portello-loadtest-"));
  const server = await startServer(config, dataDir);
  try {
    const outcome = await loadTest(config, server, dataDir);
    process.stdout.write(`${report(outcome)}\n`);
    const failures = outcome.checks.flatMap(([name, list]) => list.map((f) => `${name}: ${f}`));
    if (failures.length === 0) return 0;
    process.stderr.write(
      `\nloadtest: FAILED\n${failures.slice(0, 50).join("\n")}\n\nserver output:\n${server.output().slice(-4000)}\n`,
    );
    return 1;
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
    if (config.keepData) process.stderr.write(`loadtest: data kept in ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main().catch((error) => {
  process.stderr.write(`loadtest: ${error instanceof Error ? error.stack : error}\n`);
  return 2;
});
