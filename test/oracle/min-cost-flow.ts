/**
 * A small exact min-cost flow for the oracle's per-year transportation problems.
 *
 * Costs are lexicographic pairs (priority, money): a "must" arc carries priority -1 per unit, so the solver
 * first pushes as much must-flow as it can and only then optimises money. All must-arcs saturated means the
 * lower bounds (min-volume, serve-all without unmet) are met; this is exact, with no big-M to lose precision.
 *
 * Successive shortest paths (Bellman-Ford on the residual graph) from source to sink, stopping as soon as the
 * cheapest path no longer lowers the cost: the result is a min-cost flow over all flow values. Every graph here
 * is acyclic with a handful of nodes, so the residual graph starts without negative cycles and SSP keeps it so.
 */

const CAPACITY_EPS = 1e-9;
const MONEY_EPS = 1e-9;

export interface FlowArc {
  from: number;
  to: number;
  capacity: number;
  /** money per unit (minimised) */
  cost: number;
  /** a must-arc: a solution is feasible only when it is saturated */
  must?: boolean;
}

export interface FlowResult {
  /** every must-arc saturated */
  feasible: boolean;
  /** money cost of the flow (sum of cost * flow) */
  cost: number;
  /** flow on each arc, in the order given */
  flow: number[];
}

interface ResidualEdge {
  to: number;
  residual: number;
  priority: number;
  money: number;
  /** index of the reverse edge in edges */
  reverse: number;
  /** index of the arc in the input for forward edges, -1 for reverse edges */
  arc: number;
}

function lexLess(p1: number, m1: number, p2: number, m2: number): boolean {
  if (p1 !== p2) return p1 < p2;
  return m1 < m2 - MONEY_EPS * Math.max(1, Math.abs(m1), Math.abs(m2));
}

/** Min-cost flow from `source` to `sink` over `nodeCount` nodes; flow amount is free (chosen optimally). */
export function minCostFlow(nodeCount: number, source: number, sink: number, arcs: FlowArc[]): FlowResult {
  const edges: ResidualEdge[] = [];
  const out: number[][] = Array.from({ length: nodeCount }, () => []);
  arcs.forEach((arc, index) => {
    const priority = arc.must ? -1 : 0;
    const forward = edges.length;
    edges.push({
      to: arc.to,
      residual: arc.capacity,
      priority,
      money: arc.cost,
      reverse: forward + 1,
      arc: index,
    });
    edges.push({
      to: arc.from,
      residual: 0,
      priority: -priority,
      money: -arc.cost,
      reverse: forward,
      arc: -1,
    });
    out[arc.from]!.push(forward);
    out[arc.to]!.push(forward + 1);
  });

  for (;;) {
    const path = shortestPath(nodeCount, source, sink, edges, out);
    if (!path) break;
    let amount = Number.POSITIVE_INFINITY;
    for (const e of path) amount = Math.min(amount, edges[e]!.residual);
    if (!Number.isFinite(amount)) throw new Error("min-cost flow: unbounded path (an arc needs a capacity)");
    for (const e of path) {
      const edge = edges[e]!;
      edge.residual -= amount;
      edges[edge.reverse]!.residual += amount;
    }
  }

  const flow = arcs.map(() => 0);
  let cost = 0;
  for (const edge of edges) {
    if (edge.arc < 0) continue;
    const used = arcs[edge.arc]!.capacity - edge.residual;
    flow[edge.arc] = used;
    cost += used * arcs[edge.arc]!.cost;
  }
  const feasible = arcs.every((arc, i) => !arc.must || flow[i]! >= arc.capacity - tolerance(arc.capacity));
  return { feasible, cost, flow };
}

function tolerance(capacity: number): number {
  return CAPACITY_EPS * Math.max(1, Math.abs(capacity));
}

/** Edge indices of a cheapest source→sink path if it has negative (lexicographic) cost, else undefined. */
function shortestPath(
  nodeCount: number,
  source: number,
  sink: number,
  edges: ResidualEdge[],
  out: number[][],
): number[] | undefined {
  const priority = new Array<number>(nodeCount).fill(Number.POSITIVE_INFINITY);
  const money = new Array<number>(nodeCount).fill(Number.POSITIVE_INFINITY);
  const via = new Array<number>(nodeCount).fill(-1);
  priority[source] = 0;
  money[source] = 0;
  for (let pass = 0; pass < nodeCount; pass++) {
    let changed = false;
    for (let node = 0; node < nodeCount; node++) {
      if (priority[node] === Number.POSITIVE_INFINITY) continue;
      for (const e of out[node]!) {
        const edge = edges[e]!;
        if (edge.residual <= CAPACITY_EPS) continue;
        const p = priority[node]! + edge.priority;
        const m = money[node]! + edge.money;
        if (
          priority[edge.to] === Number.POSITIVE_INFINITY ||
          lexLess(p, m, priority[edge.to]!, money[edge.to]!)
        ) {
          priority[edge.to] = p;
          money[edge.to] = m;
          via[edge.to] = e;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  if (priority[sink] === Number.POSITIVE_INFINITY || !lexLess(priority[sink]!, money[sink]!, 0, 0)) {
    return undefined;
  }
  const path: number[] = [];
  for (let node = sink; node !== source; ) {
    const e = via[node]!;
    path.push(e);
    node = edges[edges[e]!.reverse]!.to;
    if (path.length > edges.length) throw new Error("min-cost flow: cycle while tracing the path");
  }
  return path;
}
