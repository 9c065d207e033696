"""
SIMULATED harness for bench:swarm (scripts/bench/swarm/README.md): the contract of
trainer/harness.py with the runner (its arguments, the warm mode, the summary block on
--summary-fd), but no training: it reads the train file's constants and reports
val_bpb = landscape(constants) + N(0, sigma) (landscape.py) within milliseconds. It never
executes the train file. Every output line says SIMULATED.

Environment (set by scripts/bench-swarm.ts for each node):
  LOOPNET_SIM_SIGMA       the noise's standard deviation in bpb (default landscape.DEFAULT_SIGMA)
  LOOPNET_SIM_GO_FILE     the first run waits until this file exists, so that every node of a
                          swarm starts experimenting together, once all are connected
  LOOPNET_SIM_RUN_SECONDS each run lasts at least this long (default 0): a stand-in for the
                          training time, so gossip's latency relative to a run can be set
"""

import argparse
import hashlib
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import landscape  # noqa: E402


def wait_for_go(path, timeout_s=600.0):
    """Blocks until the driver's go file exists (a simulation-only start barrier)."""
    deadline = time.monotonic() + timeout_s
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("train_file")
    ap.add_argument("--budget", type=float, default=1.0)
    ap.add_argument("--summary-fd", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-sandbox", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    out = os.fdopen(args.summary_fd, "w") if args.summary_fd is not None else sys.stdout
    go = os.environ.get("LOOPNET_SIM_GO_FILE")
    if go:
        wait_for_go(go)
        t0 = time.monotonic()
    sigma = float(os.environ.get("LOOPNET_SIM_SIGMA", landscape.DEFAULT_SIGMA))
    with open(args.train_file, "rb") as f:
        data = f.read()
    summary = {
        "verdict": "ok",
        "val_bpb": "0",
        "budget_seconds": f"{args.budget:g}",
        "training_seconds": "0.0",
        "startup_seconds": "0.0",
        "eval_seconds": "0.0",
        "probe_seconds": "0.0",
        "total_seconds": "0.0",
        "num_params": "1000",
        "seed": str(args.seed),
        "device": "simulated",
        "sandbox": "none" if args.no_sandbox else "bwrap",
    }
    try:
        true_bpb = landscape.true_val_bpb(landscape.constants_of(data.decode("utf-8")))
    except (landscape.Unparsable, UnicodeDecodeError) as err:
        summary.update(verdict="crash", reason="sim-unparsable", detail=str(err)[:200])
        print(f"SIMULATED crash: the landscape cannot read this file's constants: {err}", flush=True)
        true_bpb = None
    if true_bpb is not None:
        # fresh noise every run, as on real hardware (a re-run of a file does not repeat its number)
        rng = random.Random(os.urandom(16))
        measured = max(0.01, true_bpb + rng.gauss(0.0, sigma))
        summary["val_bpb"] = f"{measured:.6f}"
        print(f"SIMULATED step 1 | 100% | loss {measured:.4f} | file {hashlib.sha256(data).hexdigest()[:12]}")
        print(f"SIMULATED val_bpb {measured:.6f} (true {true_bpb:.6f}, sigma {sigma:g})", flush=True)
    rest = float(os.environ.get("LOOPNET_SIM_RUN_SECONDS", "0")) - (time.monotonic() - t0)
    if rest > 0:
        time.sleep(rest)
    elapsed = time.monotonic() - t0
    summary["training_seconds"] = f"{min(elapsed, args.budget):.1f}"
    summary["total_seconds"] = f"{elapsed:.1f}"
    out.write("---\n" + "".join(f"{k}: {v}\n" for k, v in summary.items()))
    out.flush()
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--warm"]:
        line = sys.stdin.readline()
        sys.exit(main(json.loads(line)) if line.strip() else 0)
    sys.exit(main(sys.argv[1:]))
