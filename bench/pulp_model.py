#!/usr/bin/python3
"""The Portello planning model written the ordinary PuLP way, for the benchmark (bench/run.ts).

Reads the derived data tables that bench/export-tables.ts writes (the same numbers Portello's builder reads)
and builds the same rows, columns and coefficients as src/model/build.ts with its default per-flow linking.
Times the model build only (variables, constraints, objective), then separately PuLP's hand-off to a solver
(writeMPS), and optionally solves with Debian's CBC. Prints one JSON object on stdout.

Run with /usr/bin/python3: Debian's python3-pulp lives there.
Usage: pulp_model.py TABLES.json [--mps OUT.mps] [--solve] [--time-limit S] [--gap G] [--repeat N]
"""

import argparse
import json
import math
import resource
import statistics
import sys
import time

import pulp

ACTIVE, IDLE, CANDIDATE = 0, 1, 2


def build(d):
    """Builds the LpProblem from the tables; mirrors src/model/build.ts (per-flow linking)."""
    if d["linking"] != "per-flow":
        raise SystemExit("pulp_model.py reproduces the default per-flow linking only")
    P, S, M, T = d["numPrograms"], d["numPlants"], d["numMarkets"], d["numYears"]
    L = len(d["platforms"])
    disc, years = d["discount"], d["years"]
    demand, price = d["demand"], d["price"]
    plant = d["plant"]
    profit = d["mode"] == "profit"
    sign = -1 if profit else 1
    prob = pulp.LpProblem("portello", pulp.LpMaximize if profit else pulp.LpMinimize)
    obj = []

    # a[p,s]: program p built at plant s
    a = {}
    for p in range(P):
        for s in range(S):
            ps = p * S + s
            if d["allocation"][ps] != 0:
                continue
            forced = 1 if d["existing"][ps] or d["fixed"][ps] else 0
            a[p, s] = pulp.LpVariable(f"a_{p}_{s}", forced, 1, pulp.LpInteger)
            obj.append(sign * disc[d["toolingYear"][p]] * d["tooling"][ps] * a[p, s])

    # g[s,l]: plant s adds platform l, where a possible allocation needs it
    g = {}
    for s in range(S):
        for l in range(L):
            cost = d["conversionCost"][s * L + l]
            if d["hasPlatform"][s * L + l] or cost is None:
                continue
            if not any(d["programPlatform"][p] == l and (p, s) in a for p in range(P)):
                continue
            g[s, l] = pulp.LpVariable(f"g_{s}_{l}", 0, 1, pulp.LpInteger)
            obj.append(sign * disc[0] * cost * g[s, l])

    # o[s,t] operates, n[s,t] shifts
    o, n = {}, {}
    for s in range(S):
        always_open = plant["status"][s] == ACTIVE and not plant["canClose"][s]
        for t in range(T):
            if not d["operable"][s * T + t]:
                continue
            lower = 1 if always_open or d["keepOpen"][s * T + t] else 0
            o[s, t] = pulp.LpVariable(f"o_{s}_{t}", lower, 1, pulp.LpInteger)
            n[s, t] = pulp.LpVariable(f"n_{s}_{t}", 0, plant["maxShifts"][s], pulp.LpInteger)
            obj.append(sign * disc[t] * plant["fixedCost"][s] * o[s, t])
            obj.append(sign * disc[t] * plant["shiftCost"][s] * n[s, t])

    # w[s,t] opening and z[s,t] closing events
    w, z = {}, {}
    for s in range(S):
        opens = plant["status"][s] in (IDLE, CANDIDATE)
        closes = plant["canClose"][s] == 1
        first_open = True
        for t in range(T):
            if (s, t) not in o:
                continue
            if opens:
                w[s, t] = pulp.LpVariable(f"w_{s}_{t}", 0, 1)
                obj.append(sign * disc[t] * plant["openCost"][s] * w[s, t])
            if closes and not (opens and first_open):
                z[s, t] = pulp.LpVariable(f"z_{s}_{t}", 0, 1)
                obj.append(sign * disc[t] * plant["closeCost"][s] * z[s, t])
            first_open = False

    # x[p,s,m,t]: flows on allowed lanes with demand, in the program's life, while the plant operates
    x = {}
    for p in range(P):
        if d["lifeFirst"][p] < 0:
            continue
        for s in range(S):
            ps = p * S + s
            if (p, s) not in a:
                continue
            max_output = plant["capacityPerShift"][s] * plant["maxShifts"][s]
            for t in range(d["lifeFirst"][p], d["lifeLast"][p] + 1):
                if not d["operable"][s * T + t]:
                    continue
                for m in range(M):
                    dem = demand[(p * M + m) * T + t]
                    if not d["laneAllowed"][s * M + m] or dem <= 0:
                        continue
                    landed = (
                        d["variableCost"][ps]
                        + d["laneCost"][s * M + m]
                        + d["dutyRate"][(s * M + m) * T + t] * d["customsValue"][ps]
                    )
                    margin = price[(p * M + m) * T + t] - landed if profit else landed
                    x[p, s, m, t] = pulp.LpVariable(f"x_{p}_{s}_{m}_{t}", 0, min(dem, max_output))
                    obj.append(disc[t] * margin * x[p, s, m, t])

    # u[p,m,t]: unmet demand (free in profit mode, penalised in serve-all, absent when forbidden)
    cells = [
        (p, m, t)
        for p in range(P)
        if d["lifeFirst"][p] >= 0
        for m in range(M)
        for t in range(d["lifeFirst"][p], d["lifeLast"][p] + 1)
        if demand[(p * M + m) * T + t] > 0
    ]
    u = {}
    if profit or d.get("unmetPenalty") is not None:
        penalty = 0 if profit else d["unmetPenalty"]
        for p, m, t in cells:
            u[p, m, t] = pulp.LpVariable(f"u_{p}_{m}_{t}", 0, demand[(p * M + m) * T + t])
            obj.append(disc[t] * penalty * u[p, m, t])

    prob += pulp.lpSum(obj)

    # 1. demand
    flows_of_cell = {}
    flows_of_plant_year = {}
    for p, s, m, t in x:
        flows_of_cell.setdefault((p, m, t), []).append(x[p, s, m, t])
        flows_of_plant_year.setdefault((s, t), []).append(x[p, s, m, t])
    for p, m, t in cells:
        terms = flows_of_cell.get((p, m, t), []) + ([u[p, m, t]] if (p, m, t) in u else [])
        prob += pulp.lpSum(terms) == demand[(p * M + m) * T + t], f"demand_{p}_{m}_{t}"

    # 2. capacity
    for (s, t), ost in o.items():
        reserved = d["reserved"][s * T + t]
        flows = flows_of_plant_year.get((s, t), [])
        if not flows and reserved <= 0:
            continue
        expr = pulp.lpSum(flows) - plant["capacityPerShift"][s] * n[s, t]
        if reserved > 0:
            expr += reserved * ost
        prob += expr <= 0, f"capacity_{s}_{t}"

    # 3. shifts need an open plant
    for (s, t), ost in o.items():
        prob += n[s, t] - plant["maxShifts"][s] * ost <= 0, f"shifts_{s}_{t}"

    # 4. per-flow linking: build only where allocated
    for (p, s, m, t), xv in x.items():
        ps = p * S + s
        if d["existing"][ps] or d["fixed"][ps]:
            continue
        prob += xv - xv.upBound * a[p, s] <= 0, f"link_{p}_{s}_{m}_{t}"

    # 5. an allocated program keeps its plant open
    for (p, s), av in a.items():
        for t in range(d["lifeFirst"][p], d["lifeLast"][p] + 1):
            if (s, t) in o:
                prob += av - o[s, t] <= 0, f"keep_{p}_{s}_{t}"

    # 6. platform
    for (p, s), av in a.items():
        l = d["programPlatform"][p]
        if (s, l) in g:
            prob += av - g[s, l] <= 0, f"platform_{p}_{s}"

    # 7. sourcing
    for p in range(P):
        if d["lifeFirst"][p] < 0:
            continue
        plants_of_p = [a[p, s] for s in range(S) if (p, s) in a]
        if len(plants_of_p) > d["maxPlants"][p]:
            prob += pulp.lpSum(plants_of_p) <= d["maxPlants"][p], f"sourcing_max_{p}"
        if d["mustBuild"][p]:
            prob += pulp.lpSum(plants_of_p) >= 1, f"sourcing_min_{p}"

    # 8. plant dynamics: o[s,-1] is the status at the start; one-way plants get equalities
    for s in range(S):
        active = plant["status"][s] == ACTIVE
        two_way = not active and plant["canClose"][s] == 1
        previous = None
        for t in range(T):
            if (s, t) not in o:
                continue
            before = (1 if active else 0) if previous is None else 0
            prev = previous if previous is not None else 0
            if (s, t) in w:
                expr = w[s, t] - o[s, t] + prev
                prob += (expr >= -before) if two_way else (expr == -before), f"open_{s}_{t}"
            if (s, t) in z:
                expr = z[s, t] + o[s, t] - prev
                prob += (expr >= before) if two_way else (expr == before), f"close_{s}_{t}"
            previous = o[s, t]

    for policy in d["policies"]:
        if policy["kind"] in ("budget-cap", "min-volume"):
            raise SystemExit(f"pulp_model.py does not reproduce {policy['kind']} policies")
    return prob


def size_of(prob):
    cols = len(prob.variables())
    rows = len(prob.constraints)
    nnz = sum(len(c) for c in prob.constraints.values())
    return rows, cols, nnz


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tables")
    ap.add_argument("--mps")
    ap.add_argument("--solve", action="store_true")
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--gap", type=float, default=1e-4)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    with open(args.tables) as f:
        tables = json.load(f)

    times = []
    for _ in range(args.repeat):
        prob = None  # let the previous model go before the next build
        started = time.perf_counter()
        prob = build(tables)
        times.append(time.perf_counter() - started)
    rows, cols, nnz = size_of(prob)
    out = {
        "buildSeconds": statistics.median(times),
        "buildRuns": times,
        "rows": rows,
        "cols": cols,
        "nnz": nnz,
        "pulp": pulp.__version__,
    }
    if args.mps:
        started = time.perf_counter()
        prob.writeMPS(args.mps)
        out["mpsSeconds"] = time.perf_counter() - started
    if args.solve:
        solver = pulp.COIN_CMD(path="/usr/bin/cbc", msg=False, timeLimit=args.time_limit, gapRel=args.gap)
        started = time.perf_counter()
        status = prob.solve(solver)
        out["solveSeconds"] = time.perf_counter() - started
        out["status"] = pulp.LpStatus[status]
        value = pulp.value(prob.objective)
        out["objective"] = value if value is not None and math.isfinite(value) else None
    out["peakRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
