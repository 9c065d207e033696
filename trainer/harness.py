"""
loopnet harness.py: FIXED (trusted). Runs one experiment of a train file and measures it.

Nothing a train file prints counts. The harness holds the val tokens and never runs train-file
code in its own process:
  1. static checks of the file (size, embedded data, val text);
  2. a sandboxed child trains: it calls loopnet.begin() (the train split arrives, the clock
     starts) and loopnet.finish(model) (the weights come back, the clock stops, the child is
     killed at once); start-up before begin() is bounded per tier;
  3. a fresh sandboxed child rebuilds the model with the file's build_model(), loads the
     weights and answers eval windows with logits; the harness computes log-softmax,
     cross-entropy and bytes itself (evaluation.py);
  4. another fresh sandboxed child answers causality probes and re-scores some windows.
The summary block goes to --summary-fd, which no child holds; the children's output only goes
to this process's stdout (the run's log), capped. Verdicts: ok, crash (the run failed: an
exit, a hang, a non-finite loss or weights) or rejected (a rule broken, with its reason).

Usage: python3 harness.py TRAIN_FILE [--budget S] [--seed N] [--summary-fd FD] [--no-sandbox]
       python3 harness.py --warm    # imports done, waits for one line of JSON args on stdin
"""

import argparse
import io
import json
import os
import shutil
import signal
import struct
import sys
import tempfile
import time
import zipfile

import prepare
import sandbox
from children import Child, Crashed, Rejected, wait_byte
from file_checks import MAX_FILE_BYTES, FileRejected, ValShingles, check_file
from pipes import PipeClosedError, PipeTimeoutError, read_exact, write_all

# -----------------------------------------------------------------------------
# Bounds of the harness's own (engineering; the metric's rules are prepare.TIERS)

# Training may end this much after the budget: the step that crosses it, plus the hand-off.
OVER_BUDGET_SLACK = 0.05
OVER_BUDGET_MIN_SECONDS = 3.0
# A hang is killed at 2x budget + this (at most), as a crash; the runner's limit is later.
HANG_GRACE_SECONDS = 30.0
# An eval or probe child: import torch, the file, build the model, load the weights: seconds.
EVAL_STARTUP_SECONDS = 90.0
# One eval batch's forward on the slowest tier, with room for a loaded machine.
BATCH_SECONDS = 120.0
# Weights cross a pipe at hundreds of MB/s: this constant plus this much per MB is plenty.
HANDOFF_SECONDS = 10.0
HANDOFF_SECONDS_PER_MB = 0.05
# The train split is written to the child right after begin(); an honest child reads at once.
DATA_SECONDS = 60.0


def read_train_file(path):
    """The file's bytes, never through a symlink (a link to a secret would be read as code)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)


def val_shingles(val_ids, data_dir):
    import numpy as np

    vocab = prepare.vocab_bytes(np.load(os.path.join(data_dir, "merges.npy"), allow_pickle=False))
    return ValShingles(b"".join(vocab[i] for i in np.asarray(val_ids).tolist()))


# -----------------------------------------------------------------------------
# Phase 1: training in the sandbox


def train_phase(run, train_ids):
    """Runs the file's training; returns the weights' bytes. Fills run's timings."""
    ctrl_r, ctrl_w = os.pipe()
    data_r, data_w = os.pipe()
    env = dict(run.child_env)
    env.update(
        {
            "LOOPNET_CTRL_FD": str(ctrl_w),
            "LOOPNET_DATA_FD": str(data_r),
            "LOOPNET_TRAIN_TOKENS": str(len(train_ids)),
            "LOOPNET_BUDGET": f"{run.budget:g}",
            "LOOPNET_SEED": str(run.seed),
        }
    )
    t_spawn = time.monotonic()
    child = Child(run, [sys.executable, "-u", run.child_train_path], env, [ctrl_w, data_r])
    try:
        try:
            first = wait_byte(child, ctrl_r, t_spawn + run.limits["startup_max"])
        except PipeTimeoutError:
            child.kill()
            raise child.broken_rule(
                Rejected("startup-too-long", f"no begin() within {run.limits['startup_max']:g} s of start-up (untimed compute is bounded)")
            ) from None
        t_begin = time.monotonic()
        run.summary["startup_seconds"] = t_begin - t_spawn
        if first != b"B":
            raise Rejected("protocol", f"the first message was {first!r}, not begin()")
        try:
            write_all(data_w, train_ids.astype("<u2").tobytes(), t_begin + DATA_SECONDS)
        except (PipeTimeoutError, PipeClosedError):
            pass  # a child that does not want the data will train on nothing
        os.close(data_w)
        data_w = None
        hang = t_begin + 2 * run.budget + min(HANG_GRACE_SECONDS, 5 + run.budget)
        try:
            msg = wait_byte(child, ctrl_r, hang)
        except PipeTimeoutError:
            child.kill()
            raise child.broken_rule(Crashed("timeout", f"no finish() within {hang - t_begin:.0f} s of begin()")) from None
        if msg != b"F":
            raise Rejected("protocol", f"expected finish(), got {msg!r}")
        cap = run.rules["weights_max_mb"] * 2**20
        try:
            (size,) = struct.unpack("<Q", bytes(read_exact(ctrl_r, 8, time.monotonic() + HANDOFF_SECONDS)))
            if size > cap:
                raise Rejected("weights-too-large", f"the weights are {size} bytes (at most {cap})")
            weights = read_exact(ctrl_r, size, time.monotonic() + HANDOFF_SECONDS + HANDOFF_SECONDS_PER_MB * size / 2**20)
        except (PipeTimeoutError, PipeClosedError) as e:
            raise Rejected("protocol", f"the weights' hand-off broke off: {e}") from None
        t_finish = time.monotonic()
        child.kill()  # before anything reads the weights: no training after finish()
        run.summary["peak_mem_mb"] = child.peak_memory_bytes / 2**20
        rule = child.broken_rule(None)
        if rule is not None:
            raise rule
        training = t_finish - t_begin
        run.summary["training_seconds"] = training
        run.summary["weights_mb"] = len(weights) / 2**20
        limit = run.budget + max(OVER_BUDGET_MIN_SECONDS, OVER_BUDGET_SLACK * run.budget)
        if training > limit:
            raise Rejected("over-budget", f"training took {training:.1f} s from begin() to finish() (budget {run.budget:g} s)")
        return weights
    finally:
        child.kill()
        os.close(ctrl_r)
        if data_w is not None:
            os.close(data_w)


def count_parameters(weights):
    """Parameters as 4-byte values, from the sizes of the tensor storages in the weights' zip
    (torch.save's format) alone. The harness never unpickles the weights: a pickle is code, and
    torch's weights_only loader has had bypasses (CVE-2025-32434, torch <= 2.5.1); only the
    sandboxed eval processes load them."""
    try:
        with zipfile.ZipFile(io.BytesIO(bytes(weights))) as z:
            storage = sum(i.file_size for i in z.infolist() if "/data/" in i.filename and not i.is_dir())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Rejected("bad-weights", "the weights are not in torch.save's zip format") from None
    return storage // 4


# -----------------------------------------------------------------------------
# One run: configuration, the phases, the summary


class Run:
    def __init__(self, args, hw, tier, rules, train_file):
        self.hw, self.tier, self.rules = hw, tier, rules
        self.gpu = hw == "cuda"
        self.sandboxed = not args.no_sandbox
        self.budget = args.budget if args.budget is not None else prepare.time_budget(hw)
        self.seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little") & 0x7FFFFFFF
        self.train_file = train_file  # the harness's private copy
        # tighter bounds for tests (a flag may only lower one, never raise it)
        self.limits = {
            "startup_max": min(rules["startup_max"], args.startup_max or rules["startup_max"]),
            "eval_startup_seconds": min(EVAL_STARTUP_SECONDS, args.eval_startup or EVAL_STARTUP_SECONDS),
            "batch_seconds": min(BATCH_SECONDS, args.batch_seconds or BATCH_SECONDS),
        }
        self.memory_bytes = min(sandbox.MAX_MEMORY_BYTES, (args.memory_mb or 1 << 40) * 2**20)
        self.child_train_path = "/run/train.py" if self.sandboxed else train_file
        self.child_api_dir = sandbox.API_DIR if self.sandboxed else sandbox.CHILD_SOURCE
        self.child_env = {
            "LOOPNET_VOCAB_SIZE": str(prepare.VOCAB_SIZE),
            "LOOPNET_SEQ_LEN": str(rules["seq_len"]),
            "LOOPNET_HW": hw,
            "LOOPNET_TIER": tier,
            "LOOPNET_TRAIN_FILE": self.child_train_path,
        }
        if os.environ.get("LOOPNET_COMPILE") is not None:
            self.child_env["LOOPNET_COMPILE"] = os.environ["LOOPNET_COMPILE"]
        self.summary = {
            "verdict": "ok",
            "val_bpb": 0.0,
            "training_seconds": 0.0,
            "startup_seconds": 0.0,
            "eval_seconds": 0.0,
            "probe_seconds": 0.0,
            "total_seconds": 0.0,
            "weights_mb": 0.0,
            "num_params": 0,
            "peak_mem_mb": 0.0,
            "probe_max_diff": 0.0,
            "probe_mean_gain": 0.0,
            "budget_seconds": self.budget,
            "seed": self.seed,
            "device": tier,
            "sandbox": "bwrap" if self.sandboxed else "none",
        }


SUMMARY_KEYS = [
    ("verdict", "{}"),
    ("reason", "{}"),
    ("detail", "{}"),
    ("val_bpb", "{:.6f}"),
    ("training_seconds", "{:.1f}"),
    ("startup_seconds", "{:.1f}"),
    ("eval_seconds", "{:.1f}"),
    ("probe_seconds", "{:.1f}"),
    ("total_seconds", "{:.1f}"),
    ("weights_mb", "{:.1f}"),
    ("num_params", "{}"),
    ("peak_mem_mb", "{:.1f}"),
    ("probe_max_diff", "{:.3g}"),
    ("probe_mean_gain", "{:.3g}"),
    ("budget_seconds", "{:g}"),
    ("seed", "{}"),
    ("device", "{}"),
    ("sandbox", "{}"),
]


def format_summary(summary):
    lines = ["---"]
    for key, fmt in SUMMARY_KEYS:
        if key in summary:
            value = fmt.format(summary[key])
            lines.append(f"{key + ':':<18}{' '.join(value.split())[:300]}")
    return "\n".join(lines) + "\n"


def run_experiment(run, source, corpus_sha256):
    """The phases, on the train file's bytes as read (never through a link)."""
    from evaluation import evaluate

    train_ids, val_ids, token_bytes, _ = prepare.load_data(corpus_sha256)
    check_file(source, val_shingles(val_ids, str(prepare.data_dir(corpus_sha256))))
    weights = train_phase(run, train_ids)
    run.summary["num_params"] = count_parameters(weights)
    evaluate(run, weights, val_ids, token_bytes)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run and measure one train file (loopnet's trusted harness).")
    ap.add_argument("train_file")
    ap.add_argument("--budget", type=float, help="training seconds (default: the tier's)")
    ap.add_argument("--seed", type=int, help="the run's seed (default: random, recorded)")
    ap.add_argument("--summary-fd", type=int, help="write the summary block here (default: stdout)")
    ap.add_argument("--corpus", help="corpus sha256 (default: $LOOPNET_CORPUS or the default corpus)")
    ap.add_argument("--no-sandbox", action="store_true", help="run the file without bubblewrap (unsafe)")
    # tighter bounds for tests: each may only lower the tier's
    ap.add_argument("--startup-max", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--eval-startup", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--batch-seconds", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--memory-mb", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    out = os.fdopen(args.summary_fd, "w") if args.summary_fd is not None else sys.stdout
    hw, tier = prepare.detect_tier()
    rules = prepare.TIERS[hw]
    private = tempfile.mkdtemp(prefix="loopnet-harness-")
    os.chmod(private, 0o755)  # a sandbox under uid nobody reads the file through its bind
    run = None
    try:
        copy = os.path.join(private, "train.py")
        try:
            data = read_train_file(args.train_file)
        except OSError as e:
            raise Rejected("unreadable-file", f"cannot read the train file without following links: {e}") from None
        with open(copy, "wb") as f:
            f.write(data)
        os.chmod(copy, 0o644)
        run = Run(args, hw, tier, rules, copy)
        if not run.sandboxed:
            print("harness: WARNING: running the train file WITHOUT a sandbox (--no-sandbox)", flush=True)
        sha = args.corpus or os.environ.get("LOOPNET_CORPUS") or prepare.DEFAULT_CORPUS_SHA256
        run_experiment(run, data, sha)
    except (FileRejected, Rejected) as e:
        run = run or Run(args, hw, tier, rules, "")
        run.summary.update(verdict="rejected", reason=e.reason, detail=str(e))
    except Crashed as e:
        run.summary.update(verdict="crash", reason=e.reason, detail=str(e))
    finally:
        shutil.rmtree(private, ignore_errors=True)
    if run.summary["verdict"] != "ok":
        run.summary["val_bpb"] = 0.0
        print(f"harness: {run.summary['verdict']}: {run.summary['reason']}: {run.summary['detail']}", flush=True)
    run.summary["total_seconds"] = time.monotonic() - t0
    out.write(format_summary(run.summary))
    out.flush()
    return 0


def warm():
    """A warm start: the heavy imports now, the run when its arguments arrive (the runner
    starts one while the previous run evaluates). Trusted code only: no train file runs here."""
    import evaluation  # noqa: F401  (torch, numpy)

    line = sys.stdin.readline()
    if not line.strip():
        return 0
    return main(json.loads(line))


def on_sigterm(signum, frame):
    # unwind, so every child is killed and every cgroup removed on the way out
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_sigterm)
    sandbox.remove_stale_cgroups()
    sys.exit(warm() if sys.argv[1:] == ["--warm"] else main())
