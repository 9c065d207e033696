"""
loopnet prepare.py: the FIXED part of the experiment. Agents never edit this file.

It owns everything two runs must share to be comparable:
  - the corpus (offline default: the reStructuredText sources of Debian's python3.11-doc,
    pinned by sha256) and its deterministic train/val split,
  - a byte-level BPE tokenizer trained deterministically on the train split,
  - the token files (uint16 .npy, loaded without pickle),
  - the rules of the measurement per tier (TIERS: eval context and size, time budget, probe
    bounds) and METRIC_VERSION; the harness (harness.py) applies them,
  - the genesis id: sha256 over those rules, the baseline train.py, the corpus hash and the
    tokenizer merges. Nodes with the same genesis run the same game.

Usage:
  python3 prepare.py                     # build (or find) the cached data, print where it is
  python3 prepare.py --genesis           # print only the genesis id
  python3 prepare.py --json              # print paths/hashes/vocab/genesis as one JSON object
  python3 prepare.py --source DIR|FILE   # any UTF-8 text instead of the default corpus
  python3 prepare.py --source X --expect-sha256 HEX   # refuse unless the corpus hash matches

Cache: $LOOPNET_CACHE or ~/.cache/loopnet, one folder per corpus hash and vocab size.
The harness finds the data through load_data(); $LOOPNET_CORPUS=<corpus sha256> selects a
corpus prepared with --source (default: the pinned default corpus). A train file never sees
this file or the data: the harness hands it the train split after begin().
"""

import argparse
import hashlib
import heapq
import json
import os
import re
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

# -----------------------------------------------------------------------------
# Fixed constants (changing any of them changes the genesis id)

# The offline default corpus: shipped by Debian, so every node can rebuild it bit for bit.
DEFAULT_SOURCE = "/usr/share/doc/python3.11/html/_sources"
DEFAULT_SUFFIX = ".rst.txt"  # only the reST sources; the folder holds nothing else we want
# sha256 of the canonical corpus bytes (see corpus_hash); a different Debian build of the
# docs gives a different game, so we refuse it instead of silently forking the swarm.
DEFAULT_CORPUS_SHA256 = "5190dd79910e0eeaa565af659b28c8e89c2fe31f004f7197256b36232e42cd27"

# 4096 tokens: big enough that a token averages ~3.5 bytes on English+code, small enough that
# the embedding and lm_head do not swamp a ~1M-param CPU model. Shared by every tier.
VOCAB_SIZE = 4096
BOS_TOKEN = VOCAB_SIZE - 1  # the last id: "a document starts here"; it has zero bytes
NUM_MERGES = VOCAB_SIZE - 256 - 1

# Documents are the corpus files cut into pieces of at least this many bytes at a newline,
# so a single huge file (TinyStories) still splits into many documents.
DOC_CHUNK_BYTES = 64 * 1024
# A document goes to val when the first 8 bytes of sha256(doc key) fall below this fraction:
# a fixed, content-independent, held-out set (~10% of the corpus).
VAL_FRACTION = 0.10
# The BPE is trained on a deterministic prefix of the train split: the merges barely change
# past a few MB of text, and pure-python BPE time grows with the number of distinct words.
BPE_TRAIN_BYTES = 16 * 1024 * 1024

# Pre-tokenizer: GPT-style split into letters / digit triples / punctuation / whitespace,
# written for the stdlib `re` (no `regex` module here). Every character is matched by one
# branch, so the split is lossless (checked in encode).
SPLIT_PATTERN = re.compile(
    r"""'(?i:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d{1,3}| ?(?:[^\s\w]|_)+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)

# What val_bpb means. Bump it when any rule of the measurement changes (the harness's eval,
# probes, bounds): a new genesis, so results of two definitions never meet in one table.
METRIC_VERSION = 2

# Per hardware class, the rules of the game (all in the genesis):
#   seq_len, eval_tokens: the eval context and how many val targets are scored. CPU evals less
#     (a 2-core CPU forwards ~20k tokens/s) so a short test run stays short.
#   time_budget: seconds of training, from begin() to finish(), measured by the harness.
#   startup_max: untimed seconds before begin() (imports, compile). Untimed compute is a way to
#     train outside the budget, so it is bounded; a GPU compiles for a minute or two.
#   eval_batch: windows per eval query (the same shape for eval and probes).
#   probes, rescores: causality probes (suffix replaced after a random prefix) and unmodified
#     windows re-scored, in a process of their own. 256 probes catch a model that peeks at 1 %
#     of positions most of the time (bench:trainer measures how often).
#   probe_max_abs: how far (nats) any compared log-prob may move between the two processes.
#     CPU fp32 differs by ~1e-6 between batch compositions; GPU bf16 autocast by more.
#   probe_mean_bound: the mean gain (nats) of the true next token when it was visible. It
#     estimates what a peek wins; 2e-4 nats is ~1e-4 bpb at ~3 bytes a token, below noise.
#   weights_max_mb: the hand-off's cap (the baseline: ~6 MB on CPU, ~200 MB on a GPU).
TIERS = {
    "cpu": {
        "seq_len": 256,
        "eval_tokens": 64 * 1024,
        "time_budget": 60,
        "startup_max": 60,
        "eval_batch": 32,
        "probes": 256,
        "rescores": 32,
        "probe_max_abs": 1e-3,
        "probe_mean_bound": 2e-4,
        "weights_max_mb": 256,
    },
    "cuda": {
        "seq_len": 2048,
        "eval_tokens": 256 * 1024,
        "time_budget": 300,
        "startup_max": 240,
        "eval_batch": 16,
        "probes": 256,
        "rescores": 16,
        "probe_max_abs": 5e-2,
        "probe_mean_bound": 2e-3,
        "weights_max_mb": 2048,
    },
}
PREPARE_FORMAT = 1  # bump when the cache layout changes

# -----------------------------------------------------------------------------
# Errors the user caused: one line, exit code 2


class CorpusError(Exception):
    """The corpus is missing, unreadable, not UTF-8, or not the pinned one."""


class DataError(Exception):
    """The prepared data is missing or inconsistent (run prepare.py first)."""


# -----------------------------------------------------------------------------
# Paths


def cache_root():
    return Path(os.environ.get("LOOPNET_CACHE") or Path.home() / ".cache" / "loopnet")


def data_dir(corpus_sha256):
    return cache_root() / f"{corpus_sha256[:16]}-v{VOCAB_SIZE}"


# -----------------------------------------------------------------------------
# Corpus: read, normalise, hash, split


def normalize_text(text):
    """Same text -> same bytes on every machine: no BOM, \\n newlines, NFC."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def list_source_files(source):
    source = Path(source)
    if source.is_file():
        return source.parent, [source]
    if not source.is_dir():
        raise CorpusError(f"source {source} does not exist (install python3.11-doc, or pass --source)")
    suffix = DEFAULT_SUFFIX if str(source) == DEFAULT_SOURCE else ""
    files = []
    for p in source.rglob("*"):
        rel = p.relative_to(source)
        if any(part.startswith(".") for part in rel.parts) or not p.is_file():
            continue
        if p.name.endswith(suffix):
            files.append(p)
    # sort by the relative path's bytes so the order never depends on the file system
    files.sort(key=lambda p: p.relative_to(source).as_posix().encode())
    if not files:
        raise CorpusError(f"source {source} holds no text files")
    return source, files


def read_corpus(source):
    """Returns [(relpath, text)] in canonical order and the corpus sha256."""
    root, files = list_source_files(source)
    h = hashlib.sha256()
    docs = []
    for p in files:
        rel = p.relative_to(root).as_posix()
        try:
            text = normalize_text(p.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as e:
            raise CorpusError(f"{p} is not UTF-8 text ({e.reason} at byte {e.start})") from None
        if not text:
            continue
        body = text.encode("utf-8")
        # the hash covers names and boundaries too: the split depends on them
        h.update(rel.encode() + b"\0" + str(len(body)).encode() + b"\0" + body)
        docs.append((rel, text))
    if not docs:
        raise CorpusError(f"source {source} holds only empty files")
    return docs, h.hexdigest()


def split_documents(docs):
    """Cut files into >= DOC_CHUNK_BYTES pieces at newlines; assign each to train or val.
    Returns two lists of (key, text); a key is "relpath#piece" and lands in exactly one list."""
    train, val = [], []
    for rel, text in docs:
        pieces, start = [], 0
        while start < len(text):
            cut = text.find("\n", start + DOC_CHUNK_BYTES)
            end = len(text) if cut < 0 else cut + 1
            pieces.append(text[start:end])
            start = end
        for i, piece in enumerate(pieces):
            key = f"{rel}#{i}"
            u = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2**64
            (val if u < VAL_FRACTION else train).append((key, piece))
    if not train or not val:
        raise CorpusError(f"corpus too small to split: {len(train)} train and {len(val)} val documents")
    return train, val


# -----------------------------------------------------------------------------
# Byte-level BPE (pure python, deterministic: ties broken by the smallest pair)


def train_bpe(texts, num_merges):
    counts = {}
    for t in texts:
        for w in SPLIT_PATTERN.findall(t):
            counts[w] = counts.get(w, 0) + 1
    words = [list(w.encode("utf-8")) for w in sorted(counts)]
    freqs = [counts[w] for w in sorted(counts)]
    pair_count = {}
    where = {}
    for i, (w, f) in enumerate(zip(words, freqs)):
        for a, b in zip(w, w[1:]):
            pair_count[(a, b)] = pair_count.get((a, b), 0) + f
            where.setdefault((a, b), set()).add(i)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    merges = []
    while len(merges) < num_merges and heap:
        negc, pair = heapq.heappop(heap)
        if pair_count.get(pair, 0) != -negc or negc == 0:
            continue  # stale heap entry
        new_id = 256 + len(merges)
        merges.append(pair)
        touched = set()
        for i in sorted(where.pop(pair, ())):
            w, f = words[i], freqs[i]
            if len(w) < 2:
                continue
            for a, b in zip(w, w[1:]):
                pair_count[(a, b)] -= f
                touched.add((a, b))
            out, j = [], 0
            while j < len(w):
                if j + 1 < len(w) and w[j] == pair[0] and w[j + 1] == pair[1]:
                    out.append(new_id)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            words[i] = out
            for a, b in zip(out, out[1:]):
                pair_count[(a, b)] = pair_count.get((a, b), 0) + f
                touched.add((a, b))
                where.setdefault((a, b), set()).add(i)
        pair_count.pop(pair, None)
        for p in touched:
            c = pair_count.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, p))
            else:
                pair_count.pop(p, None)
    if len(merges) < num_merges:
        raise CorpusError(f"corpus too small for {VOCAB_SIZE} tokens: only {len(merges)} merges found")
    return np.array(merges, dtype=np.int32).reshape(-1, 2)


def vocab_bytes(merges):
    """token id -> its raw bytes; BOS has none. Counted with len(), never decoded."""
    vocab = [bytes([i]) for i in range(256)]
    for a, b in merges.tolist():
        vocab.append(vocab[a] + vocab[b])
    vocab.append(b"")  # BOS
    return vocab


class Tokenizer:
    def __init__(self, merges):
        self.merges = merges
        self.ranks = {(a, b): 256 + i for i, (a, b) in enumerate(merges.tolist())}
        self.vocab = vocab_bytes(merges)
        self.cache = {}

    def _encode_chunk(self, chunk):
        ids = list(chunk.encode("utf-8"))
        ranks = self.ranks
        while len(ids) > 1:
            best = min(zip(ids, ids[1:]), key=lambda p: ranks.get(p, 1 << 30))
            new_id = ranks.get(best)
            if new_id is None:
                break
            out, j = [], 0
            while j < len(ids):
                if j + 1 < len(ids) and ids[j] == best[0] and ids[j + 1] == best[1]:
                    out.append(new_id)
                    j += 2
                else:
                    out.append(ids[j])
                    j += 1
            ids = out
        return ids

    def encode(self, text):
        out, cache = [], self.cache
        n = 0
        for chunk in SPLIT_PATTERN.findall(text):
            ids = cache.get(chunk)
            if ids is None:
                ids = cache[chunk] = self._encode_chunk(chunk)
            out.extend(ids)
            n += len(chunk)
        assert n == len(text), "pre-tokenizer dropped characters"
        return out

    def decode_bytes(self, ids):
        return b"".join(self.vocab[i] for i in ids)


def encode_documents(tok, docs):
    ids = []
    for _, d in docs:
        ids.append(BOS_TOKEN)
        ids.extend(tok.encode(d))
    return np.array(ids, dtype=np.uint16)


# -----------------------------------------------------------------------------
# Build / load the cached data


def metric_constants():
    """Everything that defines the measurement, as canonical JSON (not this file's bytes: a
    fix to the code that keeps the numbers must not fork the swarm)."""
    rules = {
        "metric_version": METRIC_VERSION,
        "vocab_size": VOCAB_SIZE,
        "doc_chunk_bytes": DOC_CHUNK_BYTES,
        "val_fraction": VAL_FRACTION,
        "tiers": TIERS,
    }
    return json.dumps(rules, sort_keys=True, separators=(",", ":"))


def genesis_id(corpus_sha256, merges):
    """sha256 over the metric's definition, the baseline train.py, the corpus and the tokenizer."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for part in (
        metric_constants().encode(),
        (here / "train.py").read_bytes(),
        corpus_sha256.encode(),
        merges.astype("<i4").tobytes(),
    ):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def prepare(source=DEFAULT_SOURCE, expect_sha256=None, log=print):
    """Builds the data for a corpus once; later calls only verify and return its info."""
    t0 = time.time()
    docs, sha = read_corpus(source)
    if expect_sha256 is None and str(source) == DEFAULT_SOURCE:
        expect_sha256 = DEFAULT_CORPUS_SHA256
    if expect_sha256 is not None and sha != expect_sha256.lower():
        raise CorpusError(f"corpus {source} has sha256 {sha}, expected {expect_sha256}; refusing a different corpus")
    out = data_dir(sha)
    meta_path = out / "meta.json"
    if not meta_path.exists():
        log(f"prepare: corpus {source}: {len(docs)} files, sha256 {sha}")
        train_docs, val_docs = split_documents(docs)
        sample, size = [], 0
        for _, d in train_docs:
            if size >= BPE_TRAIN_BYTES:
                break
            sample.append(d)
            size += len(d)
        t1 = time.time()
        merges = train_bpe(sample, NUM_MERGES)
        log(f"prepare: trained BPE ({VOCAB_SIZE} tokens) on {size / 1e6:.1f} MB in {time.time() - t1:.1f} s")
        t1 = time.time()
        tok = Tokenizer(merges)
        train_ids = encode_documents(tok, train_docs)
        val_ids = encode_documents(tok, val_docs)
        log(f"prepare: encoded {len(train_ids)} train / {len(val_ids)} val tokens in {time.time() - t1:.1f} s")
        token_bytes = np.array([len(b) for b in tok.vocab], dtype=np.int32)
        tmp = out.with_name(out.name + f".tmp{os.getpid()}")
        tmp.mkdir(parents=True, exist_ok=True)
        np.save(tmp / "merges.npy", merges)
        np.save(tmp / "token_bytes.npy", token_bytes)
        np.save(tmp / "train.npy", train_ids)
        np.save(tmp / "val.npy", val_ids)
        meta = {
            "format": PREPARE_FORMAT,
            "corpus_sha256": sha,
            "source": str(source),
            "vocab_size": VOCAB_SIZE,
            "train_tokens": int(len(train_ids)),
            "val_tokens": int(len(val_ids)),
            "train_docs": len(train_docs),
            "val_docs": len(val_docs),
            "val_bytes": int(token_bytes[val_ids].sum()),
            "train_bytes": int(token_bytes[train_ids].sum()),
            "merges_sha256": hashlib.sha256(merges.astype("<i4").tobytes()).hexdigest(),
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
        try:
            tmp.rename(out)  # atomic: a half-built folder is never seen as ready
        except OSError:
            if not meta_path.exists():
                raise
            for f in tmp.iterdir():  # another process won the race; keep its copy
                f.unlink()
            tmp.rmdir()
        log(f"prepare: built in {time.time() - t0:.1f} s")
    info = json.loads(meta_path.read_text())
    merges = np.load(out / "merges.npy", allow_pickle=False)
    info.update(
        {
            "data_dir": str(out),
            "genesis": genesis_id(sha, merges),
            "tiers": TIERS,
            "bos_token": BOS_TOKEN,
        }
    )
    return info


def load_data(corpus_sha256=None):
    """For the harness: (train_ids, val_ids, token_bytes, meta), memory-mapped, no pickle."""
    sha = corpus_sha256 or os.environ.get("LOOPNET_CORPUS") or DEFAULT_CORPUS_SHA256
    d = data_dir(sha)
    if not (d / "meta.json").exists():
        raise DataError(f"no prepared data in {d}: run `python3 prepare.py` first")
    meta = json.loads((d / "meta.json").read_text())
    train = np.load(d / "train.npy", mmap_mode="r", allow_pickle=False)
    val = np.load(d / "val.npy", mmap_mode="r", allow_pickle=False)
    token_bytes = np.load(d / "token_bytes.npy", allow_pickle=False)
    return train, val, token_bytes, meta


# -----------------------------------------------------------------------------
# Hardware tier


def detect_tier():
    """(hardware class, tier key): ('cpu', 'cpu-2c') or ('cuda', 'cuda-h100-80g')."""
    import torch

    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        words = props.name.lower().replace("-", " ").split()
        skip = {"nvidia", "geforce", "tesla", "quadro"}
        # "pcie" stays in the key: an H100 PCIe (756 bf16 TFLOPS) is not the SXM card's tier
        # ("NVIDIA H100 80GB HBM3" -> cuda-h100-80g, "NVIDIA H100 PCIe" -> cuda-h100pcie-80g)
        short = "".join(
            w for w in words if w not in skip and "gb" not in w and not w.startswith(("hbm", "sxm", "nvl"))
        )
        m = re.search(r"(\d+)\s*gb", props.name.lower())
        mem = int(m.group(1)) if m else round(props.total_memory / 2**30)
        return "cuda", f"cuda-{short or 'gpu'}-{mem}g"
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:
        n = os.cpu_count() or 1
    model = cpu_model_key(_cpu_model_name())
    return "cpu", f"cpu-{model}-{n}c" if model else f"cpu-{n}c"


def _cpu_model_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1]
    except OSError:
        pass
    return ""


# Words of a CPU's marketing name that say nothing about its speed.
CPU_NAME_NOISE = {"cpu", "processor", "with", "radeon", "graphics", "core", "gen"}


def cpu_model_key(name):
    """'AMD EPYC 7B13 64-Core Processor' -> 'amd-epyc-7b13'; 'Intel(R) Core(TM) i7-9750H CPU @
    2.60GHz' -> 'intel-i7-9750h'. Two 2-core machines of different CPUs are different tiers:
    the budget buys each a different number of steps."""
    name = name.lower().split("@")[0].replace("(r)", " ").replace("(tm)", " ")
    tokens = [w for w in re.split(r"[^a-z0-9]+", name) if w]
    words = []
    for i, w in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        counts_cores = w.isdigit() and nxt in ("core", "cores")  # "64-Core"
        if w in CPU_NAME_NOISE or counts_cores or re.fullmatch(r"\d+(st|nd|rd|th)", w):
            continue
        words.append(w)
    return "-".join(words[:5])[:40].strip("-")


def time_budget(hw_class):
    env = os.environ.get("LOOPNET_TIME_BUDGET")
    return float(env) if env else float(TIERS[hw_class]["time_budget"])


# -----------------------------------------------------------------------------
# CLI


def main(argv=None):
    ap = argparse.ArgumentParser(description="Build loopnet's corpus, tokenizer and token files.")
    ap.add_argument("--source", default=DEFAULT_SOURCE, help="a UTF-8 text file or folder")
    ap.add_argument("--expect-sha256", help="refuse unless the corpus hash is this")
    ap.add_argument("--genesis", action="store_true", help="print only the genesis id")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    quiet = args.genesis or args.json
    log = (lambda *a: print(*a, file=sys.stderr)) if quiet else print
    try:
        info = prepare(args.source, args.expect_sha256, log=log)
    except (CorpusError, DataError) as e:
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 2
    if args.genesis:
        print(info["genesis"])
    elif args.json:
        print(json.dumps(info, sort_keys=True))
    else:
        print(f"data:     {info['data_dir']}")
        print(f"corpus:   {info['corpus_sha256']}")
        print(f"tokens:   {info['train_tokens']} train, {info['val_tokens']} val (vocab {VOCAB_SIZE})")
        print(f"genesis:  {info['genesis']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
