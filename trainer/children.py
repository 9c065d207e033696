"""
loopnet children.py: FIXED (trusted). A sandboxed child process as the harness sees it: its
pipes, its output relayed to the log (capped: a flood is a broken rule), its process bound,
and how a child that stopped talking is judged (crash, or a broken rule).
"""

import os
import sys
import threading
import time

import sandbox
from pipes import PipeClosedError, PipeTimeoutError, read_byte

# Child output relayed to the log; a file that prints more is flooding the node's disk.
MAX_LOG_BYTES = 4 * 2**20


class Rejected(Exception):
    """The run broke a rule: a verdict with a named reason, never kept."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


class Crashed(Exception):
    """The run failed without breaking a rule (an exit, a hang, a non-finite loss)."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


# -----------------------------------------------------------------------------
# Child output -> our stdout (the log), capped


class LogRelay(threading.Thread):
    def __init__(self, fd):
        super().__init__(daemon=True)
        self.fd = fd
        self.relayed = 0
        self.flooded = threading.Event()
        self.last_lines = b""

    def run(self):
        out = sys.stdout.buffer
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            if self.relayed + len(chunk) > MAX_LOG_BYTES:
                self.flooded.set()
                continue  # keep draining, so the child never blocks on a full pipe
            self.relayed += len(chunk)
            self.last_lines = (self.last_lines + chunk)[-4096:]
            out.write(chunk)
            out.flush()
        os.close(self.fd)


class Child:
    """One sandboxed process with its pipes, its log relay and its process bound."""

    def __init__(self, run, argv, env, fds):
        log_r, log_w = os.pipe()
        self.relay = LogRelay(log_r)
        self.proc, self.bound = sandbox.spawn(
            run.train_file, argv, env, fds, log_w, gpu=run.gpu, sandboxed=run.sandboxed, memory_bytes=run.memory_bytes
        )
        os.close(log_w)
        for fd in fds:
            os.close(fd)  # the child's ends: ours are the others
        self.relay.start()
        self.hit_process_limit = False
        self.peak_memory_bytes = 0

    def kill(self):
        sandbox.kill_tree(self.proc)
        if self.bound.hit_process_limit():
            self.hit_process_limit = True
        self.peak_memory_bytes = max(self.peak_memory_bytes, self.bound.peak_memory_bytes())
        self.bound.close()
        self.relay.join(timeout=5)

    def broken_rule(self, otherwise):
        """After kill(): a broken rule of the sandbox outranks whatever else went wrong."""
        if self.hit_process_limit:
            return Rejected("process-limit", f"the train file tried to run more than {sandbox.MAX_PROCESSES} processes")
        if self.relay.flooded.is_set():
            return Rejected("output-flood", f"the train file printed more than {MAX_LOG_BYTES} bytes")
        return otherwise

    def failure(self):
        """Why a child that stopped talking stopped: a crash with its exit status."""
        try:
            code = self.proc.wait(timeout=5)
        except Exception:
            code = None
        self.kill()
        rule = self.broken_rule(None)
        if rule is not None:
            return rule
        tail = self.relay.last_lines.decode("utf-8", "replace").strip().splitlines()
        if tail and tail[-1].strip() == "FAIL":
            return Crashed("fail", "the train file reported FAIL (a non-finite loss)")
        if tail and "HarnessProtocolError" in tail[-1]:
            return Rejected("protocol", tail[-1][-300:])
        return Crashed("exit-code", f"the child exited with status {code}")


def wait_byte(child, fd, deadline):
    """One control byte, checking for a flood or an exit every second."""
    while True:
        if child.relay.flooded.is_set() or child.bound.hit_process_limit():
            child.kill()
            raise child.broken_rule(None)
        try:
            return read_byte(fd, min(deadline, time.monotonic() + 1.0))
        except PipeTimeoutError:
            if time.monotonic() >= deadline:
                raise
        except PipeClosedError:
            raise child.failure() from None
