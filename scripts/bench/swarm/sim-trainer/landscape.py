"""
The SIMULATED objective of bench:swarm (scripts/bench/swarm/README.md): val_bpb as a fixed,
noise-free function of a train file's constants, plus Gaussian measurement noise. It stands in
for training so a swarm's dynamics can be studied in milliseconds per experiment; every other
part of the swarm (loop, git, proposer, gossip, store, rebase) is the real one.

The landscape is a sum of non-negative terms, each zero at the optimum, most of them quadratic
in log2 of the constant (the scale the built-in proposer moves on: x0.5, x0.75, x1.5, x2):
- interactions: the best MATRIX_LR moves with the model's width, the batch and QK norm (QK
  norm alone, at the baseline's lr, hurts; with a 1.5x lr it helps); depth and width trade off;
  the two AdamW lrs are coupled;
- the optimum is reachable by single built-in moves from the baseline (landscape.ts checks it);
- most single moves from the baseline are neutral or harmful, some gains sit below the noise.

  python3 landscape.py --describe          # the landscape, the optimum and the noise, as JSON
  python3 landscape.py --eval < files.json # {"hash": "text", ...} -> {"hash": true val_bpb}
"""

import json
import math
import re
import sys

# sigma measured on real CPU runs: the baseline at a 30 s budget, one pinned core each, 10 runs
DEFAULT_SIGMA = 0.015
OPTIMUM_BPB = 1.800

OPTIMUM = {
    "DEPTH": 8,
    "ASPECT_RATIO": 64,
    "HEAD_DIM": 128,
    "MLP_RATIO": 4,
    "ACTIVATION": "relu2",
    "USE_QK_NORM": True,
    "BATCH_SIZE": 32,
    "MATRIX_LR": 0.06,
    "EMBEDDING_LR": 0.3,
    "UNEMBEDDING_LR": 0.008,
    "WEIGHT_DECAY": 0.01,
    "MUON_MOMENTUM": 0.95,
    "WARMDOWN_FRAC": 0.75,
    "SOFTCAP": 15.0,
}

ACTIVATION_COST = {"relu2": 0.0, "silu": 0.010, "gelu": 0.012}


def lg(value, ref):
    """log2(value / ref); a non-positive value is far off the landscape (a huge penalty)."""
    return math.log2(value / ref) if value > 0 else -20.0


def terms(c):
    """The landscape's terms (bpb above the optimum) for constants c, by name."""
    o = OPTIMUM
    d, a = lg(c["DEPTH"], o["DEPTH"]), lg(c["ASPECT_RATIO"], o["ASPECT_RATIO"])
    batch = lg(c["BATCH_SIZE"], o["BATCH_SIZE"])
    qk = 1.0 if c["USE_QK_NORM"] else 0.0
    # the best Muon lr: 0.06 at the optimum; x0.7 per doubling of width, x1.4 per doubling of
    # the batch, /1.5 without QK norm (so at the baseline, lr 0.04 is already right)
    best_lr = math.log2(o["MATRIX_LR"]) - 0.5 * (d + a) + 0.5 * batch - math.log2(1.5) * (1 - qk)
    e = lg(c["EMBEDDING_LR"], o["EMBEDDING_LR"])
    u = lg(c["UNEMBEDDING_LR"], o["UNEMBEDDING_LR"])
    wd = c["WEIGHT_DECAY"]
    return {
        "size": 0.05 * (d + a) ** 2 + 0.02 * (d - a) ** 2,
        "matrix_lr": 0.05 * (math.log2(c["MATRIX_LR"]) - best_lr) ** 2 if c["MATRIX_LR"] > 0 else 1.0,
        "batch": 0.015 * batch**2,
        "qk_norm": 0.008 * (1 - qk),
        "adamw_lrs": 0.01 * e**2 + 0.01 * u**2 + 0.005 * (e - u) ** 2,
        "warmdown": 0.3 * (c["WARMDOWN_FRAC"] - o["WARMDOWN_FRAC"]) ** 2,
        "momentum": 2.0 * (c["MUON_MOMENTUM"] - o["MUON_MOMENTUM"]) ** 2,
        "weight_decay": 0.006 if wd <= 0 else 0.02 * math.log10(wd / o["WEIGHT_DECAY"]) ** 2,
        "activation": ACTIVATION_COST.get(c["ACTIVATION"], 0.05),
        "mlp_ratio": 0.02 * lg(c["MLP_RATIO"], o["MLP_RATIO"]) ** 2,
        "head_dim": 0.004 * lg(c["HEAD_DIM"], o["HEAD_DIM"]) ** 2,
        "softcap": 0.002 * lg(c["SOFTCAP"], o["SOFTCAP"]) ** 2,
    }


def true_val_bpb(c):
    """The noise-free val_bpb of constants c (a dict of every OPTIMUM key)."""
    return OPTIMUM_BPB + sum(terms(c).values())


# ---- the train file's constants, read as agent/train-constants.ts reads them ----------------

LINE = re.compile(r"^([A-Z][A-Z0-9_]*)([ \t]*(?::[ \t]*\w+[ \t]*)?=[ \t]*)(\S(?:.*?\S)??)([ \t]*(?:#(.*))?)$")
INT = re.compile(r"^[-+]?\d+(?:_\d+)*$")
FLOAT = re.compile(r"^[-+]?(?:\d+(?:_\d+)*\.\d*(?:_\d+)*|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?\d+(?:[eE][-+]?\d+)$")
STRING = re.compile(r"^(['\"])([^'\"\\]*)\1$")


class Unparsable(Exception):
    """A constant the landscape needs is missing or not a literal of its type."""


def literal(text):
    if text in ("True", "False"):
        return text == "True"
    if INT.match(text):
        return int(text.replace("_", ""))
    if FLOAT.match(text):
        return float(text.replace("_", ""))
    s = STRING.match(text)
    return s.group(2) if s else None


def scan_line(line, in_triple, depth):
    """train-constants.ts scanLine: is the next line inside a triple-quoted string or brackets?"""
    i = 0
    while i < len(line):
        if in_triple is not None:
            end = line.find(in_triple, i)
            if end < 0:
                return in_triple, depth
            i, in_triple = end + 3, None
            continue
        ch = line[i]
        if ch == "#":
            break
        if ch in "\"'":
            if line.startswith(ch * 3, i):
                in_triple, i = ch * 3, i + 3
                continue
            i += 1
            while i < len(line) and line[i] != ch:
                i += 2 if line[i] == "\\" else 1
            i += 1
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        i += 1
    return in_triple, depth


def parse_constants(text):
    """Top-level NAME = literal lines; a later definition wins, as when Python runs the file."""
    out, in_triple, depth = {}, None, 0
    for raw in text.split("\n"):
        line = raw[:-1] if raw.endswith("\r") else raw
        if in_triple is None and depth == 0:
            m = LINE.match(line)
            if m:
                value = literal(m.group(3))
                if value is not None:
                    out[m.group(1)] = value
        in_triple, depth = scan_line(line, in_triple, depth)
    return out


def constants_of(text):
    c = parse_constants(text)
    for name, want in OPTIMUM.items():
        have = c.get(name)
        ok = isinstance(have, str) if isinstance(want, str) else isinstance(have, bool) if isinstance(want, bool) else (
            isinstance(have, (int, float)) and not isinstance(have, bool)
        )
        if not ok:
            raise Unparsable(f"{name} is {have!r}, wanted a {type(want).__name__}")
    return c


def describe(sigma):
    with open(__file__.replace("landscape.py", "train.py")) as f:
        baseline = constants_of(f.read())
    return {
        "simulated": True,
        "what": "SIMULATED objective: val_bpb = landscape(constants) + N(0, sigma); no training",
        "sigma": sigma,
        "optimum_bpb": OPTIMUM_BPB,
        "optimum": OPTIMUM,
        "baseline_bpb": true_val_bpb(baseline),
        "baseline_terms": {k: round(v, 6) for k, v in terms(baseline).items()},
    }


if __name__ == "__main__":
    if "--describe" in sys.argv:
        sigma = float(sys.argv[sys.argv.index("--sigma") + 1]) if "--sigma" in sys.argv else DEFAULT_SIGMA
        print(json.dumps(describe(sigma)))
    elif "--eval" in sys.argv:
        files = json.load(sys.stdin)
        out = {}
        for key, text in files.items():
            try:
                out[key] = true_val_bpb(constants_of(text))
            except Unparsable:
                out[key] = None
        print(json.dumps(out))
    else:
        print(__doc__)
