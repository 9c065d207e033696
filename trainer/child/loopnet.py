"""
loopnet: what a train file may ask of the harness. Runs INSIDE the sandbox, in the train
file's own process, so nothing here is trusted by the harness: it only carries the train
file's two calls over pipes. The harness times them and measures everything else itself.

    import loopnet
    ...build the model, compile it (untimed start-up, bounded per tier, no data yet)...
    train_ids = loopnet.begin()      # timed training starts; the train split arrives
    ...train until loopnet.elapsed() >= loopnet.BUDGET...
    loopnet.finish(model)            # timed training ends once the weights reached the harness
"""

import io
import os
import struct
import time

VOCAB_SIZE = int(os.environ.get("LOOPNET_VOCAB_SIZE", "4096"))
SEQ_LEN = int(os.environ.get("LOOPNET_SEQ_LEN", "256"))
HW = os.environ.get("LOOPNET_HW", "cpu")  # "cpu" | "cuda"
TIER = os.environ.get("LOOPNET_TIER", "cpu")
BUDGET = float(os.environ.get("LOOPNET_BUDGET", "60"))
SEED = int(os.environ.get("LOOPNET_SEED", "0"))
TRAIN_TOKENS = int(os.environ.get("LOOPNET_TRAIN_TOKENS", "0"))
_CTRL_FD = int(os.environ.get("LOOPNET_CTRL_FD", "-1"))  # this process -> harness
_DATA_FD = int(os.environ.get("LOOPNET_DATA_FD", "-1"))  # harness -> this process

_begun_at = None


class HarnessProtocolError(Exception):
    """begin()/finish() called out of order, or without a harness."""


def read_exact(fd, n, eof_ok=False):
    """Exactly n bytes from the harness; None when it closed the pipe before the first byte and
    `eof_ok` (the eval loop's end), HarnessProtocolError when it closed it midway."""
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = os.readv(fd, [view[got:]])
        if k == 0:
            if got == 0 and eof_ok:
                return None
            raise HarnessProtocolError(f"the harness closed the pipe after {got} of {n} bytes")
        got += k
    return buf


def write_all(fd, data):
    view = memoryview(data).cast("B")
    sent = 0
    while sent < len(view):
        sent += os.write(fd, view[sent : sent + (1 << 20)])


def begin():
    """Timed training starts now. Returns the train split's tokens (a uint16 numpy array)."""
    global _begun_at
    import numpy as np

    if _CTRL_FD < 0 or _begun_at is not None:
        raise HarnessProtocolError("begin() outside a harness run, or twice")
    os.write(_CTRL_FD, b"B")
    _begun_at = time.monotonic()
    tokens = np.frombuffer(read_exact(_DATA_FD, TRAIN_TOKENS * 2), dtype=np.uint16)
    os.close(_DATA_FD)
    return tokens


def elapsed():
    """Seconds since begin() by this process's clock (the harness keeps its own)."""
    if _begun_at is None:
        raise HarnessProtocolError("elapsed() before begin()")
    return time.monotonic() - _begun_at


def finish(model):
    """Hands the weights (the model's state_dict) to the harness; training time ends here."""
    import torch

    if _begun_at is None:
        raise HarnessProtocolError("finish() before begin()")
    buf = io.BytesIO()
    torch.save({k: v.detach().to("cpu") for k, v in model.state_dict().items()}, buf)
    data = buf.getbuffer()
    os.write(_CTRL_FD, b"F" + struct.pack("<Q", len(data)))
    write_all(_CTRL_FD, data)
    os.close(_CTRL_FD)
