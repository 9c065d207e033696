"""
loopnet sandbox.py: FIXED (trusted). Runs one untrusted Python process under bubblewrap.

What the process gets: the interpreter, its stdlib (minus pydoc_data, which holds whole pages
of the default corpus) and the packages torch and numpy need, all read-only; a private,
size-capped /run (the train file bound read-only inside it) and /tmp; a fresh /proc; a
minimal /dev (plus the GPU's device nodes where CUDA is used); the child-side modules at
/opt/loopnet. What it does not get: the network, the environment of the node (API keys), the
home dir, the data dir (identity key, store), the corpus and the docs it came from, the
user's terminal (new session: no TIOCSTI), more than a bounded number of processes, memory,
file size, open files. The harness talks to it only over pipes it passes in.

Process bound: RLIMIT_NPROC does not apply to root (CI and many nodes run as root), so as
root the sandbox joins a pids cgroup of its own (v2 or v1); where none can be made it runs
under uid nobody with RLIMIT_NPROC. `python3 sandbox.py --check` prints what this machine
allows as JSON.
"""

import glob
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import uuid

# -----------------------------------------------------------------------------
# Limits (per sandboxed process tree)

# Threads count as processes: torch's intra-op pool, OpenBLAS and OpenMP take ~2x cores each.
MAX_PROCESSES = 256
# A GPU run of the baseline holds ~2 GB of host memory, a CPU run ~1 GB; 8 GB leaves room
# for bigger honest edits and stops a memory hog long before the node itself is starved.
MAX_MEMORY_BYTES = 8 * 2**30
# Writable space: /run and /tmp each (tmpfs, so RAM: counted in the memory bound too).
# Compile caches on a GPU go to /tmp and need a few hundred MB.
TMPFS_BYTES = 1 * 2**30
MAX_FILE_BYTES = 512 * 2**20  # one file (RLIMIT_FSIZE)
MAX_OPEN_FILES = 1024  # torch opens many shared libraries, threads and pipes
NOBODY = 65534

# -----------------------------------------------------------------------------
# Paths inside the sandbox (fixed: nothing about the host leaks through them)

RUN_DIR = "/run"
API_DIR = "/opt/loopnet"
HERE = os.path.dirname(os.path.abspath(__file__))
CHILD_SOURCE = os.path.join(HERE, "child")  # loopnet.py, eval_child.py: all the sandbox sees of us


class SandboxUnavailableError(Exception):
    """bubblewrap is missing or cannot create namespaces here."""


# -----------------------------------------------------------------------------
# The read-only view


def _python_roots():
    """Folders the interpreter and its packages live in (a venv or conda python too)."""
    import numpy  # noqa: F401  (its location is what we need)

    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    for mod in ("numpy", "torch"):
        try:
            m = __import__(mod)
            roots.add(os.path.dirname(os.path.dirname(os.path.realpath(m.__file__))))
        except ImportError:
            pass
    # inside /usr already: no second bind
    return sorted(r for r in roots if not (r == "/usr" or r.startswith("/usr/")))


def _doc_masks():
    """Folders that hold the default corpus' text (or pages of it): hidden with empty tmpfs."""
    masks = [p for p in glob.glob("/usr/share/doc/python3*") if os.path.isdir(p)]
    try:
        import pydoc_data

        masks.append(os.path.dirname(os.path.realpath(pydoc_data.__file__)))
    except ImportError:
        pass
    return masks


def gpu_devices():
    return sorted(p for p in glob.glob("/dev/nvidia*") if not os.path.isdir(p))


def bwrap_argv(train_file, argv, env, gpu=False):
    """The bwrap command line for argv (a python command) with train_file at /run/train.py."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailableError("bubblewrap (bwrap) is not installed: apt-get install bubblewrap")
    a = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    a += ["--hostname", "sandbox", "--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = os.readlink(f"/{link}") if os.path.islink(f"/{link}") else None
        if target is not None:
            a += ["--symlink", target, f"/{link}"]
        elif os.path.isdir(f"/{link}"):
            a += ["--ro-bind", f"/{link}", f"/{link}"]
    for path in ("/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime"):
        if os.path.exists(path):
            a += ["--ro-bind", path, path]
    for root in _python_roots():
        a += ["--ro-bind", root, root]
    for mask in _doc_masks():
        a += ["--tmpfs", mask, "--remount-ro", mask]
    a += ["--proc", "/proc", "--dev", "/dev"]
    if gpu:
        for dev in gpu_devices():
            a += ["--dev-bind", dev, dev]
    a += ["--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
    a += ["--size", str(TMPFS_BYTES), "--tmpfs", RUN_DIR]
    a += ["--ro-bind", train_file, f"{RUN_DIR}/train.py"]
    a += ["--ro-bind", CHILD_SOURCE, API_DIR, "--chdir", RUN_DIR, "--clearenv"]
    for k, v in sorted(env.items()):
        a += ["--setenv", k, v]
    return a + ["--"] + argv


def sandbox_env(extra):
    """The whole environment of a sandboxed process: nothing of the node's own."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": RUN_DIR,
        "PYTHONPATH": API_DIR,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
    }
    env.update(extra)
    return env


# -----------------------------------------------------------------------------
# Process and memory bounds


def _own_cgroup_v1(controller):
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            if controller in ctrls.split(","):
                return path
    return None


class ProcessBound:
    """A pids (and, where it can, memory) cgroup for one sandbox, or uid nobody + RLIMIT_NPROC."""

    def __init__(self, memory_bytes=MAX_MEMORY_BYTES):
        self.memory_bytes = min(memory_bytes, MAX_MEMORY_BYTES)
        self.dirs = []
        self.kind = "none"
        self.memory_capped = False
        name = f"loopnet-{uuid.uuid4().hex[:12]}"
        if os.geteuid() == 0:
            self._make_cgroups(name)
            if self.kind == "none":
                self.kind = "uid"  # root without cgroups: run as nobody, where NPROC holds
        else:
            self.kind = "rlimit"  # an ordinary user: NPROC counts that user's processes

    def _make_cgroups(self, name):
        v2 = "/sys/fs/cgroup/cgroup.controllers"
        if os.path.exists(v2) and "pids" in open(v2).read().split():
            d = f"/sys/fs/cgroup{_own_cgroup_v2()}/{name}"
            if self._try(d, {"pids.max": MAX_PROCESSES}):
                self.kind = "cgroup"
                self.memory_capped = self._try_set(d, "memory.max", self.memory_bytes)
            return
        pids = _own_cgroup_v1("pids")
        if pids is not None and os.path.isdir("/sys/fs/cgroup/pids"):
            if self._try(f"/sys/fs/cgroup/pids{pids.rstrip('/')}/{name}", {"pids.max": MAX_PROCESSES}):
                self.kind = "cgroup"
        mem = _own_cgroup_v1("memory")
        if mem is not None and os.path.isdir("/sys/fs/cgroup/memory"):
            d = f"/sys/fs/cgroup/memory{mem.rstrip('/')}/{name}"
            self.memory_capped = self._try(d, {"memory.limit_in_bytes": self.memory_bytes})

    def _try(self, d, settings):
        """Makes cgroup d with its settings; False (and d removed) when any cannot be set."""
        try:
            os.mkdir(d)
        except OSError:
            return False
        if all(self._try_set(d, k, v) for k, v in settings.items()):
            self.dirs.append(d)
            return True
        os.rmdir(d)
        return False

    @staticmethod
    def _try_set(d, key, value):
        try:
            with open(os.path.join(d, key), "w") as f:
                f.write(str(value))
            return True
        except OSError:
            return False

    def preexec(self):
        """Runs in the forked child before exec: join the cgroups, set rlimits, drop to nobody."""
        for d in self.dirs:
            with open(os.path.join(d, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
        resource.setrlimit(resource.RLIMIT_NOFILE, (MAX_OPEN_FILES, MAX_OPEN_FILES))
        if not self.memory_capped:
            resource.setrlimit(resource.RLIMIT_DATA, (self.memory_bytes, self.memory_bytes))
        if self.kind == "rlimit":
            resource.setrlimit(resource.RLIMIT_NPROC, (_user_processes() + MAX_PROCESSES,) * 2)
        elif self.kind == "uid":
            resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)

    def hit_process_limit(self):
        """Whether a fork failed for the pids bound (no honest train file needs that many)."""
        for d in self.dirs:
            try:
                with open(os.path.join(d, "pids.events")) as f:
                    for line in f:
                        key, _, n = line.partition(" ")
                        if key == "max" and int(n) > 0:
                            return True
            except (OSError, ValueError):
                pass
        return False

    def peak_memory_bytes(self):
        """The cgroup's high-water mark of memory (0 where no memory cgroup could be made)."""
        for d in self.dirs:
            for key in ("memory.peak", "memory.max_usage_in_bytes"):
                try:
                    with open(os.path.join(d, key)) as f:
                        return int(f.read().split()[0])
                except (OSError, ValueError, IndexError):
                    pass
        return 0

    def kill_all(self):
        """SIGKILL whatever is still in the cgroups (a child that escaped its parent's death)."""
        for d in self.dirs:
            for _ in range(50):
                try:
                    pids = [int(p) for p in open(os.path.join(d, "cgroup.procs")).read().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass

    def close(self):
        self.kill_all()
        for d in reversed(self.dirs):
            for _ in range(100):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    os.sched_yield()  # the kernel releases a killed task's cgroup shortly after
        self.dirs = []


def remove_stale_cgroups(max_age_seconds=600):
    """Empty loopnet-* cgroups left by a harness that was SIGKILLed (old ones only: a fresh one
    may belong to a run whose child is about to join it)."""
    import time

    now = time.time()
    for d in glob.glob("/sys/fs/cgroup/**/loopnet-*", recursive=True):
        try:
            if now - os.stat(d).st_mtime > max_age_seconds:
                os.rmdir(d)  # fails (EBUSY) while anything is still in it
        except OSError:
            pass


def _own_cgroup_v2():
    with open("/proc/self/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                return line[3:].strip().rstrip("/")
    return ""


def _user_processes():
    uid = os.getuid()
    n = 0
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if os.stat(f"/proc/{p}").st_uid == uid:
                    n += len(os.listdir(f"/proc/{p}/task"))
            except OSError:
                pass
    return n


# -----------------------------------------------------------------------------
# Launch


def spawn(train_file, argv, env, pass_fds, stdout, gpu=False, sandboxed=True, memory_bytes=MAX_MEMORY_BYTES):
    """Starts argv in a fresh sandbox; returns (Popen, ProcessBound). The caller kills and closes."""
    bound = ProcessBound(memory_bytes)
    if sandboxed:
        cmd = bwrap_argv(train_file, argv, sandbox_env(env), gpu=gpu)
        run_env = {"PATH": "/usr/bin:/bin"}
        cwd = "/"
    else:
        # the user's explicit opt-out: same pipes and limits, no namespaces
        cmd = argv
        run_env = sandbox_env(env)
        run_env["PYTHONPATH"] = CHILD_SOURCE
        cwd = os.path.dirname(train_file)
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.STDOUT,
        pass_fds=pass_fds,
        env=run_env,
        cwd=cwd,
        start_new_session=True,
        preexec_fn=bound.preexec,
    )
    return proc, bound


def kill_tree(proc):
    """SIGKILL the sandbox's process group; bwrap's --die-with-parent takes the namespace down."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def check():
    """What this machine allows: bwrap present, namespaces usable, the process bound's kind."""
    info = {"bwrap": shutil.which("bwrap"), "ok": False}
    bound = ProcessBound()
    info["process_bound"] = bound.kind
    info["memory_bound"] = "cgroup" if bound.memory_capped else "rlimit"
    bound.close()
    if info["bwrap"] is None:
        info["error"] = "bubblewrap (bwrap) is not installed"
        return info
    probe = os.path.join(CHILD_SOURCE, "loopnet.py")
    argv = bwrap_argv(probe, [sys.executable, "-c", "print('ok')"], sandbox_env({}))
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
    except (OSError, subprocess.TimeoutExpired) as e:
        info["error"] = f"bwrap failed to start: {e}"
        return info
    if r.returncode != 0 or r.stdout.strip() != "ok":
        info["error"] = f"bwrap cannot create its namespaces here: {(r.stderr or r.stdout).strip()[:300]}"
        return info
    info["ok"] = True
    return info


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        result = check()
        print(json.dumps(result, sort_keys=True))
        sys.exit(0 if result["ok"] else 1)
    print("usage: python3 sandbox.py --check", file=sys.stderr)
    sys.exit(2)
