/**
 * A primal network simplex for minimum-cost circulations with bounded arcs: minimise Σ cost·f subject to flow
 * conservation at every node and lower ≤ f ≤ upper on every arc. The structure (nodes, arcs, costs) is fixed
 * when the solver is made; each solve takes new bounds and starts from the last solve's spanning tree (a warm
 * start: the decomposition's year subproblems see the same network at one master point after another).
 *
 * The method is the textbook one (Ahuja, Magnanti and Orlin, "Network Flows", ch. 11; the layout follows LEMON's
 * NetworkSimplex): a spanning-tree basis rooted at an artificial node, one artificial arc per node with a cost
 * above any path's (big M), block-search pricing, and the leaving-arc rule that keeps the tree strongly
 * feasible. Flows and costs are floating point: reduced costs are compared with a tolerance relative to the
 * largest cost, and flows are kept inside their bounds after each pivot.
 */

export interface FlowNetwork {
  numNodes: number;
  /** per arc: its tail and head node */
  source: Int32Array;
  target: Int32Array;
  /** per arc: the cost of a unit of flow */
  cost: Float64Array;
}

export type CirculationStatus = "optimal" | "infeasible";

/** The simplex made its most pivots without reaching the optimum (cycling on degenerate pivots). */
export class NetworkSimplexStalled extends Error {}

const TREE = 0;
const AT_LOWER = 1;
const AT_UPPER = -1;
/** the arc to a node's parent leaves the node (UP) or enters it (DOWN) */
const UP = 1;
const DOWN = -1;

export class NetworkSimplex {
  /** per real arc after a solve: its flow (within its bounds) */
  readonly flow: Float64Array;
  /**
   * per node after a solve: a potential such that every arc's reduced cost cost + potential[source] −
   * potential[target] is ≥ 0 where the arc is at its lower bound, ≤ 0 at its upper, 0 strictly between
   */
  readonly potential: Float64Array;

  private readonly n: number;
  private readonly m: number;
  private readonly root: number;
  /** real arcs 0..m−1, then node v's artificial arc m + v (between v and the root, either way) */
  private readonly tail: Int32Array;
  private readonly head: Int32Array;
  private readonly arcCost: Float64Array;
  /** bounds shifted to [0, cap] by each arc's lower bound */
  private readonly cap: Float64Array;
  private readonly lowerOf: Float64Array;
  private readonly f: Float64Array;
  private readonly state: Int8Array;
  private readonly supply: Float64Array;
  private readonly parent: Int32Array;
  private readonly pred: Int32Array;
  private readonly dir: Int8Array;
  private readonly depth: Int32Array;
  private readonly pi: Float64Array;
  private readonly firstChild: Int32Array;
  private readonly nextSibling: Int32Array;
  private readonly prevSibling: Int32Array;
  private readonly stack: Int32Array;
  private readonly order: Int32Array;
  /** per node: 1 while it is in the subtree being joined (joinComponents) */
  private readonly inside: Uint8Array;
  private readonly bigM: number;
  private readonly costTolerance: number;
  private readonly blockSize: number;
  /** pricing: the candidates kept between pivots, how many, and each arc's last priced value */
  private readonly headLength: number;
  private readonly candidates: Int32Array;
  private readonly candidateValue: Float64Array;
  private candidateCount = 0;
  private nextArc = 0;
  /** pivots of the current solve (against maxPivots) */
  private pivots = 0;
  /** the last solve's tolerance on flows (relative to its largest bound) */
  private flowTolerance = 0;
  /** per node, CSR of the real arcs that touch it */
  private readonly incidentStart: Int32Array;
  private readonly incident: Int32Array;
  private warm = false;

  constructor(network: FlowNetwork) {
    const n = network.numNodes;
    const m = network.source.length;
    this.n = n;
    this.m = m;
    this.root = n;
    const arcs = m + n;
    this.tail = new Int32Array(arcs);
    this.head = new Int32Array(arcs);
    this.tail.set(network.source);
    this.head.set(network.target);
    this.arcCost = new Float64Array(arcs);
    this.arcCost.set(network.cost);
    let largest = 0;
    for (let e = 0; e < m; e++) {
      const c = network.cost[e]!;
      const s = network.source[e]!;
      const t = network.target[e]!;
      if (!Number.isFinite(c)) throw new Error(`arc ${e} has cost ${c}`);
      if (s < 0 || s >= n || t < 0 || t >= n) throw new Error(`arc ${e} joins a node outside 0..${n - 1}`);
      largest = Math.max(largest, Math.abs(c));
    }
    // an artificial arc costs more than any path of real arcs: it carries flow at the end only if nothing else can
    this.bigM = (largest + 1) * (n + 1);
    this.arcCost.fill(this.bigM, m);
    this.costTolerance = 1e-9 * (largest + 1);
    this.cap = new Float64Array(arcs);
    this.lowerOf = new Float64Array(m);
    this.f = new Float64Array(arcs);
    this.state = new Int8Array(arcs);
    this.supply = new Float64Array(n);
    this.parent = new Int32Array(n + 1);
    this.pred = new Int32Array(n + 1);
    this.dir = new Int8Array(n + 1);
    this.depth = new Int32Array(n + 1);
    this.pi = new Float64Array(n + 1);
    this.firstChild = new Int32Array(n + 1);
    this.nextSibling = new Int32Array(n + 1);
    this.prevSibling = new Int32Array(n + 1);
    this.stack = new Int32Array(n + 1);
    this.order = new Int32Array(n + 1);
    this.inside = new Uint8Array(n + 1);
    this.flow = new Float64Array(m);
    this.potential = new Float64Array(n);
    this.blockSize = Math.max(10, Math.ceil(Math.sqrt(m)));
    this.incidentStart = new Int32Array(n + 1);
    for (let e = 0; e < m; e++) {
      this.incidentStart[network.source[e]! + 1]!++;
      if (network.target[e] !== network.source[e]) this.incidentStart[network.target[e]! + 1]!++;
    }
    for (let v = 0; v < n; v++) this.incidentStart[v + 1]! += this.incidentStart[v]!;
    this.incident = new Int32Array(this.incidentStart[n]!);
    const fill = this.incidentStart.slice(0, n);
    for (let e = 0; e < m; e++) {
      this.incident[fill[network.source[e]!]!++] = e;
      if (network.target[e] !== network.source[e]) this.incident[fill[network.target[e]!]!++] = e;
    }
    this.headLength = Math.max(3, Math.ceil(0.01 * this.blockSize));
    this.candidates = new Int32Array(Math.min(m, 4 * this.blockSize) + 1);
    this.candidateValue = new Float64Array(m);
  }

  /**
   * The cheapest circulation within `lower` ≤ f ≤ `upper` (finite, per real arc), or "infeasible" when none
   * exists. `maxPivots` guards against stalling on degenerate pivots (then it throws NetworkSimplexStalled).
   */
  solve(
    lower: Float64Array,
    upper: Float64Array,
    maxPivots = 50 * (this.n + this.m) + 1000,
  ): CirculationStatus {
    const { m, n } = this;
    let scale = 0;
    this.supply.fill(0);
    for (let e = 0; e < m; e++) {
      const lo = lower[e]!;
      const up = upper[e]!;
      if (!Number.isFinite(lo) || !Number.isFinite(up)) throw new Error(`arc ${e} has bounds [${lo}, ${up}]`);
      scale = Math.max(scale, Math.abs(lo), Math.abs(up));
      this.lowerOf[e] = lo;
      this.cap[e] = up - lo;
      this.supply[this.tail[e]!]! -= lo;
      this.supply[this.head[e]!]! += lo;
    }
    const flowTolerance = 1e-9 * Math.max(1, scale);
    this.flowTolerance = flowTolerance;
    for (let e = 0; e < m; e++) {
      if (this.cap[e]! < -flowTolerance) return "infeasible";
      if (this.cap[e]! < 0) this.cap[e] = 0;
    }
    if (this.warm) this.crashFromLastTree();
    else this.startFromStar();
    this.pivots = 0;
    this.candidateCount = 0;
    while (this.pivot()) {
      if (++this.pivots > maxPivots)
        throw new NetworkSimplexStalled(`the network simplex stalled after ${maxPivots} pivots`);
    }
    this.warm = true;
    for (let v = 0; v < n; v++) if (this.f[m + v]! > flowTolerance) return "infeasible";
    this.joinComponents();
    for (let e = 0; e < m; e++)
      this.flow[e] = this.lowerOf[e]! + Math.min(this.cap[e]!, Math.max(0, this.f[e]!));
    for (let v = 0; v < n; v++) this.potential[v] = this.pi[v]!;
    return "optimal";
  }

  /** The cold start: every real arc at its lower bound, each node hung on the root by its artificial arc. */
  private startFromStar(): void {
    const { m, n, root } = this;
    this.f.fill(0, 0, m);
    this.state.fill(AT_LOWER, 0, m);
    this.firstChild.fill(-1);
    this.parent[root] = -1;
    this.pred[root] = -1;
    this.depth[root] = 0;
    this.pi[root] = 0;
    for (let v = 0; v < n; v++) {
      this.parent[v] = root;
      this.depth[v] = 1;
      this.pred[v] = m + v;
      this.state[m + v] = TREE;
      this.cap[m + v] = Number.POSITIVE_INFINITY;
      this.attach(v, root);
      this.hangOnRoot(v, this.supply[v]!);
    }
  }

  /**
   * The warm start: the last solve's tree with the new bounds. Arcs outside the tree stay at the bound they
   * were at; the tree's flows follow from them, leaves first. A tree arc whose flow falls outside its bounds
   * leaves the tree at the bound it crossed, and the subtree below it hangs on the root by its node's
   * artificial arc, which takes whatever the subtree cannot send through the cut arc. The result is a feasible
   * basis of the big-M problem, usually a few pivots from the optimum when the bounds moved a little.
   */
  private crashFromLastTree(): void {
    const { m, n, root } = this;
    const excess = new Float64Array(n);
    for (let v = 0; v < n; v++) excess[v] = this.supply[v]!;
    for (let e = 0; e < m; e++) {
      if (this.state[e] === TREE) continue;
      const flow = this.state[e] === AT_UPPER ? this.cap[e]! : 0;
      this.f[e] = flow;
      excess[this.tail[e]!]! -= flow;
      excess[this.head[e]!]! += flow;
    }
    for (let v = 0; v < n; v++) {
      const artificial = m + v;
      if (this.state[artificial] !== TREE) this.f[artificial] = 0;
    }
    const count = this.subtreeOf(root);
    // leaves first: a node's subtree must send `need` out through the node's arc to its parent
    for (let k = count - 1; k >= 1; k--) {
      const v = this.order[k]!;
      const need = excess[v]!;
      const e = this.pred[v]!;
      const parent = this.parent[v]!;
      if (e >= m) {
        this.hangOnRoot(v, need); // its parent is the root, whose excess nobody reads
        continue;
      }
      const flow = this.dir[v] === UP ? need : -need;
      if (flow >= 0 && flow <= this.cap[e]!) {
        this.f[e] = flow;
        excess[parent]! += need;
        continue;
      }
      // the arc leaves the tree at the bound its flow crossed; the node hangs on the root
      const bound = flow > 0 ? this.cap[e]! : 0;
      this.f[e] = bound;
      this.state[e] = flow > 0 ? AT_UPPER : AT_LOWER;
      const sent = this.dir[v] === UP ? bound : -bound;
      excess[parent]! += sent;
      this.detach(v);
      this.parent[v] = root;
      this.pred[v] = m + v;
      this.state[m + v] = TREE;
      this.attach(v, root);
      this.hangOnRoot(v, need - sent);
    }
    this.refreshSubtree(root);
  }

  /** Node v on the root by its artificial arc, carrying `need` (v's subtree's net outflow) either way. */
  private hangOnRoot(v: number, need: number): void {
    const e = this.m + v;
    if (need >= 0) {
      this.tail[e] = v;
      this.head[e] = this.root;
      this.f[e] = need;
      this.dir[v] = UP;
      this.pi[v] = this.pi[this.root]! - this.bigM;
    } else {
      this.tail[e] = this.root;
      this.head[e] = v;
      this.f[e] = -need;
      this.dir[v] = DOWN;
      this.pi[v] = this.pi[this.root]! + this.bigM;
    }
  }

  /** Depths and potentials of the subtree under `top` from its parent's (the root's are fixed). */
  private refreshSubtree(top: number): void {
    let sp = 0;
    this.stack[sp++] = top;
    while (sp > 0) {
      const v = this.stack[--sp]!;
      if (v !== this.root) {
        const p = this.parent[v]!;
        const c = this.arcCost[this.pred[v]!]!;
        this.depth[v] = this.depth[p]! + 1;
        // reduced cost 0 on tree arcs: cost + pi[tail] − pi[head] = 0
        this.pi[v] = this.dir[v] === UP ? this.pi[p]! - c : this.pi[p]! + c;
      }
      for (let c = this.firstChild[v]!; c >= 0; c = this.nextSibling[c]!) this.stack[sp++] = c;
    }
  }

  private attach(v: number, p: number): void {
    const first = this.firstChild[p]!;
    this.nextSibling[v] = first;
    this.prevSibling[v] = -1;
    if (first >= 0) this.prevSibling[first] = v;
    this.firstChild[p] = v;
  }

  private detach(v: number): void {
    const prev = this.prevSibling[v]!;
    const next = this.nextSibling[v]!;
    if (prev >= 0) this.nextSibling[prev] = next;
    else this.firstChild[this.parent[v]!] = next;
    if (next >= 0) this.prevSibling[next] = prev;
  }

  /**
   * Pricing by an altering candidate list (LEMON's AlteringList rule): the few best candidates of the last
   * pivot are kept and re-priced, and blocks of arcs are scanned from where the last scan stopped, at least one
   * and then until there is a candidate; the best one enters. Near the optimum, where violating arcs are rare,
   * this scans a block a pivot where a plain block search scans until it finds one.
   */
  private enteringArc(): number {
    const { m, candidates, candidateValue } = this;
    const tolerance = -this.costTolerance;
    let length = 0;
    for (let i = 0; i < this.candidateCount; i++) {
      const e = candidates[i]!;
      const value = this.priced(e);
      if (value < tolerance) {
        candidateValue[e] = value;
        candidates[length++] = e;
      }
    }
    let e = this.nextArc;
    let left = this.blockSize;
    let limit = this.headLength;
    for (let k = 0; k < m; k++) {
      if (this.state[e] !== TREE) {
        const value = this.priced(e);
        if (value < tolerance && length < candidates.length) {
          candidateValue[e] = value;
          candidates[length++] = e;
        }
      }
      if (++e === m) e = 0;
      if (--left === 0) {
        if (length > limit) break;
        limit = 0;
        left = this.blockSize;
      }
    }
    this.nextArc = e;
    if (length === 0) {
      this.candidateCount = 0;
      return -1;
    }
    // the best first, then the next headLength best kept for the next pivot
    const keep = Math.min(this.headLength + 1, length);
    for (let i = 0; i < keep; i++) {
      let best = i;
      for (let j = i + 1; j < length; j++)
        if (candidateValue[candidates[j]!]! < candidateValue[candidates[best]!]!) best = j;
      const swap = candidates[i]!;
      candidates[i] = candidates[best]!;
      candidates[best] = swap;
    }
    const entering = candidates[0]!;
    candidates.copyWithin(0, 1, keep);
    this.candidateCount = keep - 1;
    return entering;
  }

  /** An arc's reduced cost times its state: negative where it should enter. */
  private priced(e: number): number {
    return this.state[e]! * (this.arcCost[e]! + this.pi[this.tail[e]!]! - this.pi[this.head[e]!]!);
  }

  /** One pivot; false when no arc prices out (optimal). */
  private pivot(): boolean {
    const entering = this.enteringArc();
    if (entering < 0) return false;
    const increase = this.state[entering] === AT_LOWER;
    // flow goes around the cycle from `first` over the entering arc to `second`, then up to `join` and back down
    const first = increase ? this.tail[entering]! : this.head[entering]!;
    const second = increase ? this.head[entering]! : this.tail[entering]!;
    let a = first;
    let b = second;
    while (a !== b) {
      if (this.depth[a]! > this.depth[b]!) a = this.parent[a]!;
      else if (this.depth[b]! > this.depth[a]!) b = this.parent[b]!;
      else {
        a = this.parent[a]!;
        b = this.parent[b]!;
      }
    }
    const join = a;
    // ratio test; ties go to the last blocking arc in the cycle's direction from the join (strongly feasible tree)
    let delta = this.cap[entering]!;
    let leavingNode = -1;
    let side = 0;
    for (let u = first; u !== join; u = this.parent[u]!) {
      const e = this.pred[u]!;
      const room = Math.max(0, this.dir[u] === DOWN ? this.cap[e]! - this.f[e]! : this.f[e]!);
      if (room < delta) {
        delta = room;
        leavingNode = u;
        side = 1;
      }
    }
    for (let u = second; u !== join; u = this.parent[u]!) {
      const e = this.pred[u]!;
      const room = Math.max(0, this.dir[u] === UP ? this.cap[e]! - this.f[e]! : this.f[e]!);
      if (room <= delta) {
        delta = room;
        leavingNode = u;
        side = 2;
      }
    }
    if (delta === Number.POSITIVE_INFINITY) throw new Error("the network simplex found an unbounded cycle");
    if (delta > 0) {
      for (let u = first; u !== join; u = this.parent[u]!) this.f[this.pred[u]!]! -= this.dir[u]! * delta;
      for (let u = second; u !== join; u = this.parent[u]!) this.f[this.pred[u]!]! += this.dir[u]! * delta;
      this.f[entering]! += increase ? delta : -delta;
    }
    if (side === 0) {
      // the entering arc itself blocks: it goes to its other bound
      this.f[entering] = increase ? this.cap[entering]! : 0;
      this.state[entering] = increase ? AT_UPPER : AT_LOWER;
      return true;
    }
    const leaving = this.pred[leavingNode]!;
    const leavingFlow = this.f[leaving]!;
    const atUpper = leaving < this.m && Math.abs(leavingFlow - this.cap[leaving]!) < Math.abs(leavingFlow);
    this.f[leaving] = atUpper ? this.cap[leaving]! : 0;
    this.state[leaving] = atUpper ? AT_UPPER : AT_LOWER;
    this.state[entering] = TREE;
    const low = side === 1 ? first : second;
    this.rehang(low, side === 1 ? second : first, entering, leavingNode);
    return true;
  }

  /**
   * The tree after `entering` (from `low` to `high`) replaced the arc above `leavingNode` (an ancestor of `low`):
   * the path from `low` up to `leavingNode` turns over and hangs from `high`; the subtree's depths and
   * potentials follow.
   */
  private rehang(low: number, high: number, entering: number, leavingNode: number): void {
    let node = low;
    let newParent = high;
    let newPred = entering;
    for (;;) {
      const oldParent = this.parent[node]!;
      const oldPred = this.pred[node]!;
      this.detach(node);
      this.parent[node] = newParent;
      this.pred[node] = newPred;
      this.dir[node] = this.tail[newPred] === node ? UP : DOWN;
      this.attach(node, newParent);
      if (node === leavingNode) break;
      newParent = node;
      newPred = oldPred;
      node = oldParent;
    }
    this.refreshSubtree(low);
  }

  /**
   * At the optimum, the subtrees that still hang on the root by an artificial arc (carrying nothing) have
   * potentials a big M away from the others': optimal, but as duals they are meaningless (a Benders cut made of
   * them has coefficients of order M, tight at its point and useless anywhere else). Each such subtree is
   * joined to the rest by a real arc instead: its potentials shift by the smallest amount that keeps every arc
   * crossing it optimal and makes one of them tight, and that arc replaces the artificial one (a degenerate
   * pivot: no flow moves). What is left are potentials that differ by sums of real arcs' costs.
   */
  private joinComponents(): void {
    const { m, root, inside } = this;
    for (;;) {
      const first = this.firstChild[root]!;
      if (first < 0 || this.nextSibling[first]! < 0) return;
      let joined = false;
      for (let v = first; v >= 0 && !joined; v = this.nextSibling[v]!) {
        const size = this.subtreeOf(v);
        for (let k = 0; k < size; k++) inside[this.order[k]!] = 1;
        // the shifts δ of the subtree's potentials that keep every crossing arc optimal: [lo, hi] ∋ 0
        let lo = Number.NEGATIVE_INFINITY;
        let hi = Number.POSITIVE_INFINITY;
        let loArc = -1;
        let hiArc = -1;
        let free = -1;
        let freeShift = Number.POSITIVE_INFINITY;
        for (let e = 0; e < m; e++) {
          const fromInside = inside[this.tail[e]!]!;
          if (fromInside === inside[this.head[e]!]) continue;
          const sign = fromInside ? 1 : -1;
          // after the shift the arc's reduced cost is rc + sign·δ; it is tight at δ = −sign·rc
          const tight = -sign * (this.arcCost[e]! + this.pi[this.tail[e]!]! - this.pi[this.head[e]!]!);
          if (this.cap[e] === 0) {
            // a fixed arc is optimal at any reduced cost: a way in only when nothing else is
            if (Math.abs(tight) < Math.abs(freeShift)) {
              freeShift = tight;
              free = e;
            }
          } else if ((this.state[e] === AT_LOWER) === sign > 0) {
            if (tight > lo) {
              lo = tight;
              loArc = e;
            }
          } else if (tight < hi) {
            hi = tight;
            hiArc = e;
          }
        }
        for (let k = 0; k < size; k++) inside[this.order[k]!] = 0;
        const entering =
          loArc >= 0 && (hiArc < 0 || Math.abs(lo) <= Math.abs(hi)) ? loArc : hiArc >= 0 ? hiArc : free;
        if (entering < 0) continue; // a part of the network joined to the rest by nothing
        const low = this.isIn(this.tail[entering]!, v) ? this.tail[entering]! : this.head[entering]!;
        const high = low === this.tail[entering] ? this.head[entering]! : this.tail[entering]!;
        this.state[m + v] = AT_LOWER;
        this.f[m + v] = 0;
        this.state[entering] = TREE;
        this.rehang(low, high, entering, v);
        joined = true;
      }
      if (!joined) return;
    }
  }

  /** The nodes of the subtree under v into `order`; returns their count. */
  private subtreeOf(v: number): number {
    let count = 0;
    let top = 0;
    this.stack[top++] = v;
    while (top > 0) {
      const u = this.stack[--top]!;
      this.order[count++] = u;
      for (let c = this.firstChild[u]!; c >= 0; c = this.nextSibling[c]!) this.stack[top++] = c;
    }
    return count;
  }

  /** Whether node u lies in the subtree under v. */
  private isIn(u: number, v: number): boolean {
    for (let w = u; w >= 0; w = this.parent[w]!) if (w === v) return true;
    return false;
  }

  /**
   * After an optimal solve: the greatest optimal potentials with `anchor`'s at 0 — each node's is the length of
   * the shortest path to it from the anchor in the residual network (arcs that can carry more flow at their
   * cost, arcs that carry flow backwards at minus theirs). Every optimal potential vector with the anchor's at 0
   * is at most this one, so the choice among the many optimal duals of a degenerate problem is no longer the
   * last pivot's. Found by Dijkstra on the reduced costs (≥ 0 at the optimum). Nodes the anchor cannot reach
   * keep their potentials, raised as far as the arcs out of them need.
   */
  greatestPotentials(anchor: number): void {
    const { n, m, f, cap, potential } = this;
    const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    const done = new Uint8Array(n);
    const heap = new Int32Array(m + n + 1);
    const key = new Float64Array(m + n + 1);
    let size = 0;
    const push = (v: number, d: number) => {
      let i = size++;
      while (i > 0) {
        const up = (i - 1) >> 1;
        if (key[up]! <= d) break;
        heap[i] = heap[up]!;
        key[i] = key[up]!;
        i = up;
      }
      heap[i] = v;
      key[i] = d;
    };
    const pop = () => {
      const top = heap[0]!;
      const lastNode = heap[--size]!;
      const lastKey = key[size]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && key[child + 1]! < key[child]!) child++;
        if (key[child]! >= lastKey) break;
        heap[i] = heap[child]!;
        key[i] = key[child]!;
        i = child;
      }
      heap[i] = lastNode;
      key[i] = lastKey;
      return top;
    };
    const reduced = (e: number) => this.arcCost[e]! + this.pi[this.tail[e]!]! - this.pi[this.head[e]!]!;
    const tolerance = this.flowTolerance;
    dist[anchor] = 0;
    push(anchor, 0);
    while (size > 0) {
      const j = pop();
      if (done[j]) continue;
      done[j] = 1;
      // residual arcs j → i: arc j → i below its capacity, or arc i → j carrying flow (backwards)
      for (let k = this.incidentStart[j]!; k < this.incidentStart[j + 1]!; k++) {
        const e = this.incident[k]!;
        let i: number;
        let length: number;
        if (this.tail[e] === j && f[e]! < cap[e]! - tolerance) {
          i = this.head[e]!;
          length = reduced(e);
        } else if (this.head[e] === j && f[e]! > tolerance) {
          i = this.tail[e]!;
          length = -reduced(e);
        } else continue;
        const d = dist[j]! + Math.max(0, length);
        if (!done[i] && d < dist[i]!) {
          dist[i] = d;
          push(i, d);
        }
      }
    }
    // reachable: ψ = φ − φ(anchor) + dist (dist in reduced lengths); the rest raised as far as arcs out of them need
    let raise = 0;
    const outOf = (i: number, j: number, length: number) => {
      if (!done[i] && done[j]) raise = Math.max(raise, dist[j]! - Math.max(0, length));
    };
    for (let e = 0; e < m; e++) {
      if (f[e]! < cap[e]! - tolerance) outOf(this.tail[e]!, this.head[e]!, reduced(e));
      if (f[e]! > tolerance) outOf(this.head[e]!, this.tail[e]!, -reduced(e));
    }
    const origin = this.pi[anchor]!;
    for (let v = 0; v < n; v++) potential[v] = this.pi[v]! - origin + (done[v] ? dist[v]! : raise);
  }
}
