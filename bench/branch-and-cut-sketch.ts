import { parseArgs } from "node:util";
import { buildModel } from "../src/model/build.js";
import { type MasterResult, Master } from "../src/solver/benders/master.js";
import { allOpenPoint, splitProgram } from "../src/solver/benders/split.js";
import { cutKey, violates } from "../src/solver/benders/subproblem.js";
import { LocalYears } from "../src/solver/benders/year-pool.js";
import { highsRuntime } from "../src/solver/highs.js";
import { benchScenario } from "./scenario-of.js";

/**
 * A measurement, not a solver (docs/benchmarks.md, "2026-12-03 (fourth session)"): the decomposition's master
 * and year LPs in a branch-and-bound tree of our own — one tree that takes Benders cuts at its nodes, instead of
 * master MILPs that restart — to see what the proof costs and where its time goes. The root is the LP phase
 * (in-out separation, as the engine's); then best-first nodes, each solving the master LP under its branching
 * bounds and separating at most `--rounds` times at a fractional point (until none is violated at an integral
 * one), branching on the most fractional integer column. Given the incumbent's value (`--incumbent`, the
 * maximised objective without offset, e.g. an optimum the engine found), it measures the proof alone.
 * Usage: node --import tsx bench/branch-and-cut-sketch.ts --instance cflp:<file> --incumbent=<value>
 *          [--rounds 2] [--gap 1e-4] [--time-limit 600]
 */
const { values } = parseArgs({
  options: {
    instance: { type: "string" },
    incumbent: { type: "string" },
    rounds: { type: "string", default: "2" },
    gap: { type: "string", default: "1e-4" },
    "time-limit": { type: "string", default: "600" },
  },
});
if (!values.instance || values.incumbent === undefined)
  throw new Error("--instance <size|cflp:file> --incumbent <value>");
const gap = Number(values.gap);
const rounds = Number(values.rounds);
const timeLimit = Number(values["time-limit"]);
const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;

const built = buildModel(benchScenario(values.instance));
const { program } = built;
const highs = await highsRuntime();
const split = splitProgram(built);
const master = new Master(highs, program, split);
const years = new LocalYears(highs, split.years, program.numCols);
const seen = new Set<string>();
let evaluations = 0;
let evaluationSeconds = 0;

/** The year LPs at a master point: the violated cuts added, and the plan's value when every year is feasible. */
async function separate(x: Float64Array, theta: Float64Array | undefined) {
  const clock = performance.now();
  const results = await years.solveAll(x);
  evaluationSeconds += (performance.now() - clock) / 1000;
  evaluations++;
  let added = 0;
  let value = 0;
  for (let j = 0; j < program.numCols; j++)
    if (!split.isSub[j]) value += split.sign * program.colCost[j]! * x[j]!;
  results.forEach((r, k) => {
    value += r.value;
    const key = cutKey(r.cut);
    if (!violates(r.cut, x, theta?.[k]) || seen.has(key)) return;
    seen.add(key);
    master.addCut(r.cut, k, key);
    added++;
  });
  return { added, feasible: results.every((r) => r.feasible), value };
}

const mix = (a: Float64Array, b: Float64Array, t: number) =>
  Float64Array.from(a, (v, i) => (1 - t) * v + t * b[i]!);
const solveLp = (): MasterResult => master.solve({ timeLimitSeconds: 1e9, mipRelGap: gap });

// the root: the LP phase with in-out separation
master.setIntegrality(false);
let core = allOpenPoint(program, split);
let step = 0.2;
let last = Number.POSITIVE_INFINITY;
let stalls = 0;
let rootBound = Number.POSITIVE_INFINITY;
for (let round = 0; round < 2000; round++) {
  const lp = solveLp();
  if (lp.status !== "optimal" || !lp.x) break;
  rootBound = lp.objective;
  core = mix(core, lp.x, 0.5);
  let added = step < 1 ? (await separate(mix(core, lp.x, step), lp.theta)).added : 0;
  if (added === 0) added = (await separate(lp.x, lp.theta)).added;
  if (added === 0) break;
  stalls = last - lp.objective > 1e-7 * Math.abs(lp.objective) ? 0 : stalls + 1;
  last = lp.objective;
  if (stalls === 5 && step < 1) {
    step = 1;
    stalls = 0;
  } else if (stalls >= 5) break;
}
console.log(
  `root at ${elapsed().toFixed(1)} s: LP bound ${rootBound}, ${seen.size} cuts, ${evaluations} evaluations`,
);

// the tree: best first; a node is its branching bounds on integer master columns
const integer: number[] = [];
for (let j = 0; j < program.numCols; j++) if (!split.isSub[j] && program.integrality[j]) integer.push(j);
const rootLower = integer.map((j) => master.lowerOf(j));
const rootUpper = integer.map((j) => master.upperOf(j));
interface TreeNode {
  bound: number;
  bounds: Map<number, [number, number]>;
}
const open: TreeNode[] = [{ bound: rootBound, bounds: new Map() }];
let incumbent = Number(values.incumbent);
let nodes = 0;
const closed = (bound: number) => bound - incumbent <= gap * Math.abs(incumbent);
while (open.length > 0 && !closed(open[0]!.bound) && elapsed() < timeLimit) {
  const node = open.shift()!;
  nodes++;
  const bounds = integer.map(
    (j, i): [number, number] => node.bounds.get(j) ?? [rootLower[i]!, rootUpper[i]!],
  );
  master.setBounds(
    integer,
    bounds.map((b) => b[0]),
    bounds.map((b) => b[1]),
  );
  let bound = node.bound;
  let point: Float64Array | undefined;
  for (let round = 0; ; round++) {
    const lp = solveLp();
    point = lp.status === "optimal" ? lp.x : undefined;
    if (!point) break;
    bound = Math.min(bound, lp.objective);
    if (closed(bound)) {
      point = undefined;
      break;
    }
    const cuts = await separate(point, lp.theta);
    const at = point;
    const integral = integer.every((j) => Math.abs(at[j]! - Math.round(at[j]!)) < 1e-6);
    if (integral && cuts.feasible && cuts.value > incumbent) incumbent = cuts.value;
    if (cuts.added === 0 || (!integral && round + 1 >= rounds)) break;
  }
  if (!point) continue;
  let pick = -1;
  let fraction = 1e-6;
  for (const j of integer) {
    const f = Math.abs(point[j]! - Math.round(point[j]!));
    if (f > fraction) {
      fraction = f;
      pick = j;
    }
  }
  if (pick < 0) continue; // integral and separated: this node is solved
  const [lower, upper] = node.bounds.get(pick) ?? [
    rootLower[integer.indexOf(pick)]!,
    rootUpper[integer.indexOf(pick)]!,
  ];
  const value = point[pick]!;
  for (const range of [
    [lower, Math.floor(value)],
    [Math.ceil(value), upper],
  ] as [number, number][]) {
    const child = { bound, bounds: new Map(node.bounds).set(pick, range) };
    const at = open.findIndex((n) => n.bound < bound);
    open.splice(at < 0 ? open.length : at, 0, child);
  }
}
const bound = open.length > 0 ? Math.max(incumbent, open[0]!.bound) : incumbent;
console.log(
  `done at ${elapsed().toFixed(1)} s: ${nodes} nodes, ${open.length} open, bound ${bound}, incumbent ${incumbent}, ` +
    `gap ${(bound - incumbent) / Math.abs(incumbent)}, ${seen.size} cuts, ${evaluations} evaluations of the year ` +
    `LPs in ${evaluationSeconds.toFixed(1)} s`,
);
master.dispose();
await years.dispose();
