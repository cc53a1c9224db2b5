"""Native HiGHS (scipy.optimize.milp) on a Portello model's arrays, for the benchmark only (bench/run.ts).

Reads the arrays bench/arrays.ts writes (meta.json + raw little-endian .bin files), solves with HiGHS's log on
(its MIP log lines carry the time, best bound and best solution the benchmark reads its gap trajectory from),
and prints one line `RESULT {json}` at the end. Run with the pyenv python3 (scipy 1.17), not /usr/bin/python3.
Usage: native_highs.py ARRAYS_DIR --time-limit S --gap G
"""

import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import scipy
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

DTYPES = {"Float64Array": np.float64, "Int32Array": np.int32, "Uint8Array": np.uint8}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--gap", type=float, default=1e-4)
    args = ap.parse_args()
    started = time.perf_counter()
    meta = json.load(open(os.path.join(args.dir, "meta.json")))
    a = {name: np.fromfile(os.path.join(args.dir, f"{name}.bin"), dtype=DTYPES[t]) for name, t in meta["dtypes"].items()}
    m, n = meta["numRows"], meta["numCols"]
    sign = -1.0 if meta["sense"] == "maximize" else 1.0  # milp minimises
    matrix = csr_matrix((a["value"], a["colIndex"], a["rowStart"]), shape=(m, n))
    load_seconds = time.perf_counter() - started
    sys.stdout.flush()
    started = time.perf_counter()
    res = milp(
        sign * a["colCost"],
        integrality=a["integrality"].astype(np.uint8),
        bounds=Bounds(a["colLower"], a["colUpper"]),
        constraints=LinearConstraint(matrix, a["rowLower"], a["rowUpper"]),
        options={"disp": True, "time_limit": args.time_limit, "mip_rel_gap": args.gap},
    )
    seconds = time.perf_counter() - started
    offset = meta["objectiveOffset"]
    value = lambda v: None if v is None or not np.isfinite(v) else sign * float(v) + offset  # noqa: E731
    status = {0: "optimal", 1: "time-limit", 2: "infeasible", 3: "unbounded"}.get(res.status, "error")
    out = {
        "status": status,
        "message": res.message,
        "seconds": seconds,
        "loadSeconds": load_seconds,
        "objective": value(res.fun),
        "bound": value(getattr(res, "mip_dual_bound", None)),
        "gap": getattr(res, "mip_gap", None),
        "scipy": scipy.__version__,
        "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    sys.stdout.flush()
    print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
