import { NetworkSimplex } from "../network-simplex.js";
import type { YearPart } from "./split.js";

/**
 * A year's flow LP as a minimum-cost circulation, where it is one: every flow enters one demand row, and the
 * other rows that stay in the LP (capacity, capacity rounding, min volume, linking per program and plant) hold
 * nested sets of flows, all with coefficient 1. That is the shape the model builds (a plant's rows contain its
 * programs' rows), and then the LP's matrix is a network matrix: each row becomes an arc whose flow is the row's
 * activity and whose bounds are the row's bounds, each flow an arc from its innermost plant-side row to its
 * demand row.
 *
 *   root → outermost plant-side row → … → innermost row ─(flow x)→ demand row → root
 *
 * Node potentials give the rows' duals (a row's dual is the potential difference across its arc), so the cut
 * is the same construction as with the LP's duals (subproblem.ts, cutOf). Any other shape returns undefined and
 * the year stays an LP.
 */
export class YearNetwork {
  private readonly simplex: NetworkSimplex;
  /** per LP row r (position in lpRows), whose node is 1 + r (the root is node 0): the node at the other end of
   * its arc (its parent row's node, or the root) */
  private readonly parentNode: Int32Array;
  private readonly isDemand: Uint8Array;
  /** per arc (flows, then LP rows): its bounds at the master point */
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly numCols: number;

  private constructor(
    private readonly part: YearPart,
    private readonly lpRows: Int32Array,
    shape: Shape,
  ) {
    this.numCols = part.cols.length;
    this.parentNode = shape.parentNode;
    this.isDemand = shape.isDemand;
    const arcs = this.numCols + lpRows.length;
    const source = new Int32Array(arcs);
    const target = new Int32Array(arcs);
    const cost = new Float64Array(arcs);
    for (let c = 0; c < this.numCols; c++) {
      source[c] = shape.colTail[c]!;
      target[c] = shape.colHead[c]!;
      cost[c] = -part.cost[c]!;
    }
    lpRows.forEach((_, r) => {
      const arc = this.numCols + r;
      // plant side: parent → row; demand side: row → root
      source[arc] = this.isDemand[r] ? 1 + r : this.parentNode[r]!;
      target[arc] = this.isDemand[r] ? this.parentNode[r]! : 1 + r;
    });
    this.simplex = new NetworkSimplex({ numNodes: shape.numNodes, source, target, cost });
    this.lower = new Float64Array(arcs);
    this.upper = new Float64Array(arcs);
  }

  /** The year's network, or undefined when its LP is not one of this shape. */
  static of(part: YearPart, lpRows: Int32Array): YearNetwork | undefined {
    const shape = networkShape(part, lpRows);
    return shape && new YearNetwork(part, lpRows, shape);
  }

  /**
   * The LP at row bounds [rowLower, rowUpper] (per LP row, the master's part moved to them) and flow bounds
   * [0, colUpper]: its optimum, the flows and the rows' duals in part positions (maximise sign: a ≤ row's dual
   * is ≥ 0), or undefined when infeasible.
   */
  solve(
    rowLower: Float64Array,
    rowUpper: Float64Array,
    colUpper: Float64Array,
  ): { value: number; y: Float64Array; pi: Float64Array } | undefined {
    const { part, numCols } = this;
    const most = new Float64Array(this.lpRows.length);
    for (let c = 0; c < numCols; c++) {
      this.lower[c] = 0;
      this.upper[c] = colUpper[c]!;
    }
    this.lpRows.forEach((i, r) => {
      for (let k = part.start[i]!; k < part.start[i + 1]!; k++) most[r]! += colUpper[part.local[k]!]!;
      // a row's activity lies in [0, Σ of its flows' bounds]: infinite row bounds become those (finite ones stay
      // as they are, so that a dual the network gives a row is the dual of the row's own bound)
      const lower = rowLower[r]!;
      const upper = rowUpper[r]!;
      this.lower[numCols + r] = Number.isFinite(lower) ? lower : 0;
      this.upper[numCols + r] = Number.isFinite(upper) ? upper : most[r]!;
    });
    if (this.simplex.solve(this.lower, this.upper) === "infeasible") return undefined;
    // of the many optimal duals of a degenerate year, the greatest potentials from the root: the last pivot's
    // made cuts so weak that cap91 found no proof in 120 s (11 s with HiGHS' duals); these are as strong as
    // HiGHS' or stronger at other points (docs/model.md, "The year as a network")
    this.simplex.greatestPotentials(ROOT);
    const { flow, potential } = this.simplex;
    const y = flow.slice(0, numCols);
    let value = 0;
    for (let c = 0; c < numCols; c++) value += part.cost[c]! * y[c]!;
    const pi = new Float64Array(part.rows.length);
    this.lpRows.forEach((i, r) => {
      const row = potential[1 + r]!;
      const other = potential[this.parentNode[r]!]!;
      pi[i] = this.isDemand[r] ? other - row : row - other;
    });
    return { value, y, pi };
  }
}

interface Shape {
  numNodes: number;
  parentNode: Int32Array;
  isDemand: Uint8Array;
  colTail: Int32Array;
  colHead: Int32Array;
}

const ROOT = 0;

/**
 * Checks the shape and lays out the nodes. Plant-side rows are nested when, in every flow's list of them from
 * largest to smallest, each row has the same predecessor: then every row's flows lie inside its predecessor's.
 */
function networkShape(part: YearPart, lpRows: Int32Array): Shape | undefined {
  if (!part.demandRow) return undefined;
  const n = part.cols.length;
  const m = lpRows.length;
  const size = new Int32Array(m);
  const isDemand = new Uint8Array(m);
  const colHead = new Int32Array(n).fill(ROOT);
  const plantRowsOf: number[][] = Array.from({ length: n }, () => []);
  for (let r = 0; r < m; r++) {
    const i = lpRows[r]!;
    isDemand[r] = part.demandRow[i]!;
    for (let k = part.start[i]!; k < part.start[i + 1]!; k++) {
      if (part.value[k] !== 1) return undefined;
      const c = part.local[k]!;
      size[r]!++;
      if (!isDemand[r]) plantRowsOf[c]!.push(r);
      else if (colHead[c] !== ROOT)
        return undefined; // a flow in two demand rows
      else colHead[c] = 1 + r;
    }
  }
  const parentRow = new Int32Array(m).fill(-2); // -2: not seen yet, -1: the root
  const colTail = new Int32Array(n).fill(ROOT);
  for (let c = 0; c < n; c++) {
    const chain = plantRowsOf[c]!.sort((a, b) => size[b]! - size[a]! || a - b);
    let previous = -1;
    for (const r of chain) {
      if (parentRow[r] === -2) parentRow[r] = previous;
      else if (parentRow[r] !== previous) return undefined; // not nested
      previous = r;
    }
    if (previous >= 0) colTail[c] = 1 + previous;
  }
  const parentNode = Int32Array.from(parentRow, (p) => (p >= 0 ? 1 + p : ROOT));
  return { numNodes: 1 + m, parentNode, isDemand, colTail, colHead };
}
