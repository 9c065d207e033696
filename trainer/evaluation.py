"""
loopnet evaluation.py: FIXED (trusted). Phases 3 and 4 of a run: the eval child scores the
val windows, then a different fresh child answers causality probes and re-scores some windows
unmodified. Each child gets the weights and windows over a pipe, in an order shuffled from
os.urandom, in batches of one fixed shape, and writes each batch's logits into a shared buffer
of exactly that batch's size (a memfd: no length is ever read from the child, and 100+ MB of
logits a batch need no copying through a pipe); the harness copies them out before it reads
them.
Windows in one batch are never neighbours in the text, so a row cannot read the next row's
first token as its own last target.
"""

import fcntl
import mmap
import os
import random
import sys
import time

import numpy as np
import torch

import scoring
from children import Child, Crashed, Rejected
from pipes import PipeClosedError, PipeTimeoutError, read_byte, write_all



class EvalChild:
    """
    A fresh sandboxed process serving logits for batches of windows. Spawned early (its
    interpreter and torch load while the other child works: it gets no data until start()),
    fed two batches ahead: it computes one while the harness scores the other, each into its
    own half of the shared buffer.
    """

    def __init__(self, run, weights_bytes):
        self.run = run
        self.B = run.rules["eval_batch"]
        self.T = run.rules["seq_len"]
        self.V = int(run.child_env["LOOPNET_VOCAB_SIZE"])
        in_r, self.in_w = os.pipe()
        self.out_r, out_w = os.pipe()
        try:  # room for both batches in flight, so sending never waits on the child
            fcntl.fcntl(self.in_w, fcntl.F_SETPIPE_SZ, 1 << 20)
        except OSError:
            pass
        self.reply_bytes = self.B * self.T * self.V * 4
        reply_fd = os.memfd_create("loopnet-logits")
        os.ftruncate(reply_fd, 2 * self.reply_bytes)
        self.shared = mmap.mmap(reply_fd, 2 * self.reply_bytes)
        self.reply = torch.empty(self.B, self.T, self.V, dtype=torch.float32)
        env = dict(run.child_env)
        env.update(
            {
                "LOOPNET_IN_FD": str(in_r),
                "LOOPNET_OUT_FD": str(out_w),
                "LOOPNET_WEIGHTS_BYTES": str(weights_bytes),
                "LOOPNET_EVAL_BATCH": str(self.B),
                "LOOPNET_REPLY_FD": str(reply_fd),
            }
        )
        argv = [sys.executable, "-u", os.path.join(run.child_api_dir, "eval_child.py")]
        self.child = Child(run, argv, env, [in_r, out_w, reply_fd])

    def start(self, weights):
        """Hands over the weights; returns once the model is built and loaded."""
        startup = self.run.limits["eval_startup_seconds"]
        deadline = time.monotonic() + startup
        try:
            write_all(self.in_w, weights, deadline)
            answer = read_byte(self.out_r, deadline)
            if answer == b"N":
                self.close()
                raise Crashed("nan", "the trained weights hold non-finite values")
            if answer != b"R":
                raise Rejected("malformed-reply", "the eval process did not answer ready")
        except PipeTimeoutError:
            self.close()
            raise Rejected("eval-startup", f"the model was not ready for eval within {startup:.0f} s") from None
        except PipeClosedError:
            self.close()
            raise Crashed("eval-crash", "the eval process exited before it was ready (build_model or the weights failed)") from None

    def answers(self, inputs):
        """For each (B, T) int32 array of `inputs`, in order, its (B, T, V) float32 logits (our
        own copy, reused: consume each before asking for the next)."""
        limit = self.run.limits["batch_seconds"]
        inputs = iter(inputs)
        sent = done = 0

        def send():
            nonlocal sent
            x = next(inputs, None)
            if x is None:
                return
            write_all(self.in_w, np.ascontiguousarray(x, dtype="<i4").tobytes(), time.monotonic() + limit)
            sent += 1

        try:
            send()
            send()
            while done < sent:
                if read_byte(self.out_r, time.monotonic() + limit) != b"D":
                    raise Rejected("malformed-reply", "the eval process sent something else than a done mark")
                half = (done % 2) * self.reply_bytes
                # our own copy: the child may write to the shared buffer while we read it
                self.reply.view(-1).numpy()[:] = np.frombuffer(self.shared, dtype=np.float32, count=self.reply_bytes // 4, offset=half)
                done += 1
                send()  # the next batch goes into the half just copied out
                yield self.reply
        except PipeTimeoutError:
            self.close()
            raise Rejected("malformed-reply", f"no reply within {limit:.0f} s (a hang)") from None
        except PipeClosedError as e:
            killed = self.killed_by_signal()
            self.close()
            if killed:
                # out of memory, most likely: the run's own failure, as in training
                raise Crashed("eval-killed", "the eval process was killed (out of memory?)") from None
            raise Rejected("malformed-reply", f"the eval process broke off its reply: {e}") from None

    def killed_by_signal(self):
        """bwrap passes on a SIGKILLed child as 128 + 9 (the memory cgroup's OOM kill)."""
        try:
            code = self.child.proc.wait(timeout=5)
        except Exception:
            return False
        return code in (137, -9)

    def close(self):
        for fd in (self.in_w, self.out_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.child.kill()
        self.shared.close()


def batches(items, B, rng, pad):
    """items in shuffled order, B at a time; the last batch filled with `pad` entries (ignored)."""
    order = list(items)
    rng.shuffle(order)
    for i in range(0, len(order), B):
        chunk = order[i : i + B]
        yield chunk + [pad() for _ in range(B - len(chunk))], len(chunk)


def evaluate(run, weights, val_ids, token_bytes):
    # the children wait while we score: the harness may use every core meanwhile
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    rng = random.Random(os.urandom(16))
    T = run.rules["seq_len"]
    n_windows = min(run.rules["eval_tokens"], len(val_ids) - 1) // T
    if n_windows < 2:
        raise RuntimeError(f"the val split has {len(val_ids)} tokens: fewer than two windows of {T}")
    data = torch.from_numpy(np.asarray(val_ids[: n_windows * T + 1]).astype(np.int64))

    def window(w):
        return data[w * T : w * T + T], data[w * T + 1 : w * T + T + 1]

    # the probes, chosen before anything is asked: (window, prefix, replacement window, positions)
    probes = []
    for i in range(run.rules["probes"] + run.rules["rescores"]):
        w = rng.randrange(n_windows)
        prefix = T if i >= run.rules["probes"] else rng.randrange(1, T)
        other = (w + rng.randrange(1, n_windows)) % n_windows
        extra = rng.sample(range(prefix), min(scoring.FULL_DIST_POSITIONS - 1, prefix))
        positions = sorted(set(extra) | {prefix - 1})
        probes.append((w, prefix, other, positions))
    wanted = {}
    for j, (w, _, _, _) in enumerate(probes):
        wanted.setdefault(w, []).append(j)

    # phase 3: eval; the probe process starts alongside (it gets the weights only afterwards)
    t0 = time.monotonic()
    acc = scoring.BpbAccumulator(token_bytes)
    refs = {}
    child = EvalChild(run, len(weights))
    prober = EvalChild(run, len(weights))
    try:
        child.start(weights)
        chunks = list(batches(range(n_windows), child.B, rng, lambda: rng.randrange(n_windows)))
        inputs = (torch.stack([window(w)[0] for w in chunk]).numpy() for chunk, _ in chunks)
        for (chunk, n), logits in zip(chunks, child.answers(inputs)):
            y = torch.stack([window(w)[1] for w in chunk[:n]])
            logp = scoring.log_softmax_fp32(logits[:n])
            tlp = scoring.target_logprobs(logp, y)
            acc.add(tlp, y)
            for r, w in enumerate(chunk[:n]):
                for j in wanted.get(w, ()):
                    refs[j] = scoring.reference_of(logp[r], tlp[r], probes[j][3])
    except scoring.MalformedReplyError as e:
        prober.close()
        raise Rejected("malformed-reply", str(e)) from None
    except BaseException:
        prober.close()
        raise
    finally:
        child.close()
    run.summary["val_bpb"] = acc.bpb()
    run.summary["eval_seconds"] = time.monotonic() - t0

    # phase 4: probes, in the other fresh process
    t0 = time.monotonic()
    check = scoring.CausalityCheck(run.rules["probe_max_abs"], run.rules["probe_mean_bound"])
    try:
        prober.start(weights)
        chunks = list(batches(range(len(probes)), prober.B, rng, lambda: rng.randrange(len(probes))))

        def probe_input(chunk):
            rows = []
            for j in chunk:
                w, prefix, other, _ = probes[j]
                rows.append(torch.cat([window(w)[0][:prefix], window(other)[0][prefix:]]))
            return torch.stack(rows).numpy()

        for (chunk, n), logits in zip(chunks, prober.answers(probe_input(c) for c, _ in chunks)):
            y = torch.stack([window(probes[j][0])[1] for j in chunk[:n]])
            logp = scoring.log_softmax_fp32(logits[:n])
            tlp = scoring.target_logprobs(logp, y)
            for r, j in enumerate(chunk[:n]):
                check.compare(refs[j], logp[r], tlp[r], probes[j][1])
    except scoring.MalformedReplyError as e:
        raise Rejected("malformed-reply", str(e)) from None
    finally:
        prober.close()
    run.summary["probe_seconds"] = time.monotonic() - t0
    run.summary["probe_max_diff"] = check.worst
    run.summary["probe_mean_gain"] = check.mean_gain()
    try:
        check.verdict()
    except scoring.CausalityError as e:
        raise Rejected("non-causal", str(e)) from None
