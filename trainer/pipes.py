"""
loopnet pipes.py: FIXED (trusted). Fixed-size reads from an untrusted process, with deadlines.

The harness never reads a length from a sandboxed process without a cap, never waits on it
without a deadline, and never trusts what it sends beyond its byte count: every reply has a
size the harness chose.
"""

import os
import select
import time


class PipeTimeoutError(Exception):
    """The other side sent nothing (or not all of it) before the deadline."""


class PipeClosedError(Exception):
    """The other side closed the pipe (exited) before sending all it owed."""


def read_exact(fd, n, deadline, into=None):
    """Exactly n bytes from fd before time.monotonic() reaches deadline, into a bytearray."""
    buf = into if into is not None else bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        wait = deadline - time.monotonic()
        if wait <= 0:
            raise PipeTimeoutError(f"{got} of {n} bytes before the deadline")
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            continue
        k = os.readv(fd, [view[got:n]])
        if k == 0:
            raise PipeClosedError(f"closed after {got} of {n} bytes")
        got += k
    return buf


def write_all(fd, data, deadline):
    """All of data to fd before the deadline (a child that stops reading cannot stall us)."""
    view = memoryview(data).cast("B")
    sent = 0
    while sent < len(view):
        wait = deadline - time.monotonic()
        if wait <= 0:
            raise PipeTimeoutError(f"{sent} of {len(view)} bytes written before the deadline")
        _, ready, _ = select.select([], [fd], [], wait)
        if not ready:
            continue
        try:
            sent += os.write(fd, view[sent : sent + (1 << 20)])
        except BrokenPipeError as e:
            raise PipeClosedError(f"closed after {sent} of {len(view)} bytes") from e


def read_byte(fd, deadline):
    return bytes(read_exact(fd, 1, deadline))
