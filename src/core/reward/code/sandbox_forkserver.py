# The warm fork server of the code sandbox: one long-lived `python3 -I -B` process (optionally inside
# a new network + mount namespace made by `unshare`) that forks one child per test.
#
# Why a fork server: starting an interpreter costs 10-150 ms here, a fork of a warm one well under
# 1 ms, and short tests are the bulk of code RL. `-I` (isolated: no environment variables, no user
# site) but not `-S`: system site-packages stay importable, because LeetCode-style solutions use
# third-party modules such as sortedcontainers; their start-up cost is paid once per worker.
#
# Protocol (trusted parent = the Node sandbox): one JSON request per line on stdin, one JSON reply per
# line on stdout. The first line written is a `ready` handshake describing the isolation in force.
#
# Isolation applied in each child before the untrusted code runs: new session (process group), fresh
# scratch dir as cwd, scrubbed environment, rlimits (CPU, address space, file size, process count,
# open files, no core dumps), no-new-privileges, and — when started as root — a dedicated
# unprivileged uid per worker, so that the process-count limit is enforced, the parent's files are
# not writable, and every process the test leaves behind (even a daemon in its own session) can be
# killed with kill(-1) issued as that uid. On top, where the machine allows (see the modules):
#   * sandbox_memory.py — one memory limit for the whole test (cgroup, else a polling fallback);
#   * sandbox_rootfs.py — with --new-root (started in new mount + pid namespaces) the server pivots
#     into a minimal read-only root with its own /proc, before the first test;
#   * sandbox_seccomp.py — with --seccomp, no namespaces, ptrace or mounts inside a test.
# Without --new-root, world-writable directories are masked by private tmpfs mounts (--private-tmp).
import ctypes
import fcntl
import json
import math
import os
import resource
import selectors
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sandbox_harness  # noqa: E402
import sandbox_memory  # noqa: E402
import sandbox_rootfs  # noqa: E402
import sandbox_seccomp  # noqa: E402

# Pre-import what the prelude and typical programs need, so forked children find them warm.
PRELUDE_NAMESPACE = sandbox_harness.build_prelude_namespace()
import decimal, fractions, random, re, io, string, copy, statistics  # noqa: E401,E402,F401
try:  # LeetCode's judge offers it; import it warm when this interpreter has it
    import sortedcontainers  # noqa: F401
except ImportError:
    pass

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
MS_NOSUID = 2
MS_NODEV = 4
WORLD_WRITABLE_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")
STDERR_KEEP_BYTES = 64 * 1024

libc = ctypes.CDLL(None, use_errno=True)


def prctl(option, value):
    return libc.prctl(ctypes.c_int(option), ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0),
                      ctypes.c_ulong(0))


def parse_args(argv):
    options = {"uid_base": None, "uid_count": 0, "lock_dir": None, "scratch_root": None, "private_tmp": False,
               "new_root": False, "ro_paths": [], "memory_cage": "auto", "seccomp": False, "owner_pid": None}
    i = 0
    while i < len(argv):
        key = argv[i]
        if key in ("--private-tmp", "--new-root", "--seccomp"):
            options[key[2:].replace("-", "_")] = True
            i += 1
            continue
        if i + 1 >= len(argv):
            raise SystemExit(f"sandbox_forkserver: missing value after {key}")
        value = argv[i + 1]
        if key == "--uid-base":
            options["uid_base"] = int(value)
        elif key == "--uid-count":
            options["uid_count"] = int(value)
        elif key == "--lock-dir":
            options["lock_dir"] = value
        elif key == "--scratch-root":
            options["scratch_root"] = value
        elif key == "--owner-pid":
            options["owner_pid"] = int(value)
        elif key == "--ro-path":
            options["ro_paths"].append(value)
        elif key == "--memory-cage":
            if value not in ("auto", "cgroup", "poll"):
                raise SystemExit(f"sandbox_forkserver: --memory-cage must be auto, cgroup or poll, got {value}")
            options["memory_cage"] = value
        else:
            raise SystemExit(f"sandbox_forkserver: unknown option {key}")
        i += 2
    return options


def existing_uids():
    uids = set()
    try:
        with open("/etc/passwd", "r", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                parts = line.split(":")
                if len(parts) > 2 and parts[2].isdigit():
                    uids.add(int(parts[2]))
    except OSError:
        pass
    return uids


def uid_has_processes(uid):
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    return True
            except OSError:
                pass
    return False


def lease_uid(options):
    """Takes an exclusive flock on one uid of the range, held for the life of this process."""
    os.makedirs(options["lock_dir"], mode=0o700, exist_ok=True)
    taken = existing_uids()
    for uid in range(options["uid_base"], options["uid_base"] + options["uid_count"]):
        if uid in taken:
            continue
        fd = os.open(os.path.join(options["lock_dir"], f"{uid}.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        if uid_has_processes(uid):
            os.close(fd)
            continue
        return uid, fd
    raise SystemExit("sandbox_forkserver: every sandbox uid in the range is in use")


def mask_world_writable_dirs():
    masked = []
    for directory in WORLD_WRITABLE_DIRS:
        if not os.path.isdir(directory) or os.path.islink(directory):
            continue
        result = libc.mount(b"tmpfs", directory.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=512m,mode=1777")
        if result == 0:
            masked.append(directory)
    return masked


def seccomp_works():
    """Installs the filter in a throw-away child: a kernel that refuses it must not fail every test."""
    pid = os.fork()
    if pid == 0:
        try:
            prctl(PR_SET_NO_NEW_PRIVS, 1)
            sandbox_seccomp.install(libc)
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


class Worker:
    def __init__(self, options):
        self.uid = None
        self.uid_lock_fd = None
        self.masked = []
        if os.geteuid() == 0 and options["uid_base"] is not None:
            self.uid, self.uid_lock_fd = lease_uid(options)
        # Read before masking: the extension itself may be installed under /tmp, which the private
        # tmpfs is about to hide.
        self.harness_source = open(sandbox_harness.__file__, "r", encoding="utf-8").read()
        self.notes = []
        # The cgroup tree is opened before the root changes (the minimal root has no /sys).
        self.cage = None
        if options["memory_cage"] in ("auto", "cgroup"):
            self.cage, why_not = sandbox_memory.CgroupCage.create(options["owner_pid"] or os.getppid(), time.time_ns())
            if self.cage is None:
                if options["memory_cage"] == "cgroup":
                    raise SystemExit(f"sandbox_forkserver: no memory cgroup: {why_not}")
                self.notes.append(f"no memory cgroup ({why_not}): the whole-test memory limit is enforced by polling")
        self.root = "host"
        self.tmpfs_dirs = []
        if options["new_root"]:
            new_root = os.path.join(options["scratch_root"], f"root-{os.getpid()}")
            os.makedirs(new_root, exist_ok=True)
            interpreter = [sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))]
            try:
                self.tmpfs_dirs = sandbox_rootfs.build_and_enter(new_root, options["ro_paths"] + interpreter, 512)
                self.masked = list(self.tmpfs_dirs)
                self.root = "minimal"
            except OSError as error:
                # Half-built mounts stay inside this server's own mount namespace; the host is untouched.
                self.notes.append(f"cannot build the minimal root ({error}): tests see the host file system outside the masked folders")
                options["private_tmp"] = True
        if self.root == "host" and options["private_tmp"]:
            self.masked = mask_world_writable_dirs()
            self.tmpfs_dirs = list(self.masked)
        if self.cage is None:
            self.cage = sandbox_memory.PollCage(self.tmpfs_dirs)
        self.seccomp = False
        if options["seccomp"]:
            arch = sandbox_seccomp.supported_arch()
            if arch not in sandbox_seccomp.ARCHES:
                self.notes.append(f"no seccomp filter for {arch}: tests may create namespaces and use ptrace")
            elif not seccomp_works():
                self.notes.append("the kernel refused the seccomp filter: tests may create namespaces and use ptrace")
            else:
                self.seccomp = True
        self.scratch_root = options["scratch_root"]
        if "/tmp" in self.masked or not self.scratch_root:
            self.scratch_root = "/tmp/acereason-sandbox"
        os.makedirs(self.scratch_root, mode=0o711, exist_ok=True)
        os.chmod(self.scratch_root, 0o711)
        self.has_pidfd = hasattr(os, "pidfd_open")
        self.counter = 0

    # ---- the child side -------------------------------------------------------------------------

    def child(self, request, scratch, stdin_fd, out_w, err_w, res_w, cgroup):
        try:
            os.setsid()
            if cgroup is not None:
                self.cage.join(cgroup)
            os.dup2(stdin_fd, 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            os.dup2(res_w, 3)
            os.closerange(4, 1 << 16)
            os.chdir(scratch)
            timeout_s = float(request["timeout_s"])
            cpu_s = max(1, math.ceil(timeout_s))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
            memory = int(request["memory_mb"]) * 1024 * 1024
            if memory > 0:
                # V8 reserves far more address space than it uses (and hangs when it cannot), so
                # node gets a data-segment limit instead of an address-space limit.
                which = resource.RLIMIT_DATA if request.get("memory_rlimit") == "data" else resource.RLIMIT_AS
                resource.setrlimit(which, (memory, memory))
            file_bytes = int(request.get("file_limit_bytes") or 64 * 1024 * 1024)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
            if self.uid is not None:
                nproc = int(request.get("nproc") or 32)
                resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
            prctl(PR_SET_NO_NEW_PRIVS, 1)
            if self.uid is not None:
                os.setgroups([])
                os.setgid(self.uid)
                os.setuid(self.uid)
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if self.seccomp:
                sandbox_seccomp.install(libc)
            environment = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": scratch, "TMPDIR": scratch,
                           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
            os.environ.clear()
            os.environ.update(environment)
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            if request["kind"] == "exec":
                os.execve(request["argv"][0], request["argv"], environment)
            code = sandbox_harness.run_test(request["mode"], request["code"], request.get("fn_name") or "",
                                            request.get("call_input") or "", PRELUDE_NAMESPACE)
            os._exit(code & 0xFF)
        except BaseException as error:  # setup failed: report on stderr, distinct exit code
            try:
                os.write(2, f"sandbox: setup failed: {error!r}\n".encode())
            except BaseException:
                pass
            os._exit(127)

    # ---- the parent side ------------------------------------------------------------------------

    def make_scratch(self):
        self.counter += 1
        scratch = os.path.join(self.scratch_root, f"box-{os.getpid()}-{self.counter}")
        os.mkdir(scratch, 0o700)
        if self.uid is not None:
            os.chown(scratch, self.uid, self.uid)
        return scratch

    def write_files(self, scratch, files):
        for name, content in files.items():
            if "/" in name or name in ("", ".", ".."):
                raise ValueError(f"bad file name {name!r}")
            path = os.path.join(scratch, name)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(content)
            if self.uid is not None:
                os.chown(path, self.uid, self.uid)

    def stdin_fd_for(self, text):
        data = text.encode("utf-8")
        fd = os.memfd_create("stdin", 0) if hasattr(os, "memfd_create") else None
        if fd is None:
            import tempfile
            fd, path = tempfile.mkstemp()
            os.unlink(path)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.lseek(fd, 0, os.SEEK_SET)
        return fd

    def kill_leftovers(self, pgid):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
        if self.uid is None:
            return
        # A process may have left the session (a daemon): kill(-1) issued as the test uid reaches
        # every process of that uid. kill(-1) reports success whenever any other process exists, so
        # success is checked by looking at /proc; orphans are reparented to us (child subreaper) and
        # reaped in between.
        for attempt in range(50):
            sandbox_memory.reap()
            if not uid_has_processes(self.uid):
                return
            helper = os.fork()
            if helper == 0:
                try:
                    os.setgroups([])
                    os.setgid(self.uid)
                    os.setuid(self.uid)
                    os.kill(-1, signal.SIGKILL)
                    os._exit(0)
                except BaseException:
                    os._exit(1)
            os.waitpid(helper, 0)
            time.sleep(0.001 * attempt)
        sys.stderr.write(f"sandbox_forkserver: processes of uid {self.uid} survive kill(-1)\n")

    def clean_private_tmp(self, scratch):
        shutil.rmtree(scratch, ignore_errors=True)
        for directory in self.masked:
            for entry in os.listdir(directory):
                path = os.path.join(directory, entry)
                if path == self.scratch_root:
                    continue
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    try:
                        os.unlink(path)
                    except OSError:
                        pass

    def inspect(self):
        """What a finished test could have left behind (for tests of the sandbox itself)."""
        processes = []
        if self.uid is not None:
            for entry in os.listdir("/proc"):
                try:
                    if entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == self.uid:
                        processes.append(int(entry))
                except OSError:
                    pass
        leftovers = {directory: sorted(e for e in os.listdir(directory) if os.path.join(directory, e) != self.scratch_root)
                     for directory in self.masked}
        return {"uid": self.uid, "scratch_entries": sorted(os.listdir(self.scratch_root)), "masked_entries": leftovers,
                "uid_processes": processes}

    def run(self, request):
        if request.get("kind") == "inspect":
            return {"id": request.get("id"), "inspect": self.inspect()}
        scratch = self.make_scratch()
        stdin_fd = out_r = out_w = err_r = err_w = res_r = res_w = None
        cgroup = None
        try:
            if isinstance(self.cage, sandbox_memory.CgroupCage):
                cgroup = self.cage.prepare(int(request["memory_mb"]) * 1024 * 1024)
            if request.get("files"):
                self.write_files(scratch, request["files"])
            stdin_fd = self.stdin_fd_for(request.get("stdin") or "")
            out_r, out_w = os.pipe()
            err_r, err_w = os.pipe()
            res_r, res_w = os.pipe()
            sys.stderr.flush()
            started = time.monotonic()
            pid = os.fork()
            if pid == 0:
                self.child(request, scratch, stdin_fd, out_w, err_w, res_w, cgroup)
            for fd in (stdin_fd, out_w, err_w, res_w):
                os.close(fd)
            stdin_fd = out_w = err_w = res_w = None
            reply = self.supervise(request, pid, started, out_r, err_r, res_r)
            if cgroup is not None and self.cage.limit_hit(cgroup):
                reply["memory_limit_hit"] = True
            return reply
        finally:
            if cgroup is not None:
                self.cage.empty(cgroup)
            for fd in (stdin_fd, out_r, out_w, err_r, err_w, res_r, res_w):
                if fd is not None:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            self.clean_private_tmp(scratch)
            sandbox_memory.reap()

    def supervise(self, request, pid, started, out_r, err_r, res_r):
        output_limit = int(request.get("output_limit_bytes") or 16 * 1024 * 1024)
        deadline = started + float(request["timeout_s"])
        selector = selectors.DefaultSelector()
        buffers = {out_r: bytearray(), err_r: bytearray(), res_r: bytearray()}
        stderr_dropped = 0
        for fd in buffers:
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        pidfd = None
        if self.has_pidfd:
            try:
                pidfd = os.pidfd_open(pid)
                selector.register(pidfd, selectors.EVENT_READ)
            except OSError:
                pidfd = None
        status = None
        usage = None
        timed_out = False
        output_exceeded = False
        memory_limit_hit = False
        polling = isinstance(self.cage, sandbox_memory.PollCage)
        memory_limit = int(request["memory_mb"]) * 1024 * 1024
        next_poll = started

        def read_ready(fd):
            nonlocal stderr_dropped, output_exceeded
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                return True
            if not chunk:
                selector.unregister(fd)
                return False
            if fd == err_r:
                room = STDERR_KEEP_BYTES - len(buffers[fd])
                buffers[fd] += chunk[:max(0, room)]
                stderr_dropped += max(0, len(chunk) - max(0, room))
            else:
                buffers[fd] += chunk
                if len(buffers[out_r]) + len(buffers[res_r]) > output_limit:
                    output_exceeded = True
            return True

        try:
            while status is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                wait = remaining if pidfd is not None else min(remaining, 0.002)
                if polling:
                    wait = min(wait, max(0.0, next_poll - time.monotonic()))
                for key, _ in selector.select(wait):
                    if key.fd == pidfd:
                        continue
                    read_ready(key.fd)
                if output_exceeded:
                    break
                if polling and time.monotonic() >= next_poll:
                    next_poll = time.monotonic() + sandbox_memory.POLL_INTERVAL_S
                    pids = sandbox_memory.processes_of(self.uid, pid)
                    if self.cage.usage_bytes(pids) > memory_limit:
                        memory_limit_hit = True
                        break
                waited, raw_status, raw_usage = os.wait4(pid, os.WNOHANG)
                if waited == pid:
                    status, usage = raw_status, raw_usage
            if status is None:
                for kill in (os.killpg, os.kill):
                    try:
                        kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                _, status, usage = os.wait4(pid, 0)
            elapsed = time.monotonic() - started
            self.kill_leftovers(pid)
            # Every writer is dead now: drain what is left in the pipes, up to EOF.
            drain_deadline = time.monotonic() + 1.0
            while len(selector.get_map()) > (1 if pidfd is not None else 0) and time.monotonic() < drain_deadline:
                events = selector.select(0.05)
                for key, _ in events:
                    if key.fd != pidfd:
                        read_ready(key.fd)
        finally:
            selector.close()
            if pidfd is not None:
                os.close(pidfd)
        stdout = bytes(buffers[out_r][:output_limit])
        return {
            "id": request.get("id"),
            "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "wall_ms": round(elapsed * 1000, 3),
            "cpu_ms": round((usage.ru_utime + usage.ru_stime) * 1000, 3) if usage else None,
            "max_rss_kb": usage.ru_maxrss if usage else None,
            "timed_out": timed_out,
            "memory_limit_hit": memory_limit_hit,
            "output_exceeded": output_exceeded or len(buffers[out_r]) + len(buffers[res_r]) > output_limit,
            "stdout": stdout.decode("utf-8", errors="replace"),
            "stderr": bytes(buffers[err_r]).decode("utf-8", errors="replace"),
            "stderr_dropped_bytes": stderr_dropped,
            "result": bytes(buffers[res_r]).decode("utf-8", errors="replace") if buffers[res_r] else None,
        }


def main():
    options = parse_args(sys.argv[1:])
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    # Keep the protocol streams away from fds 0/1 so that nothing else can write into them.
    proto_in = os.fdopen(os.dup(0), "rb", buffering=0)
    proto_out = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    worker = Worker(options)
    hello = {"ready": True, "python": sys.executable, "version": sys.version.split()[0], "uid": worker.uid,
             "masked": worker.masked, "pid": os.getpid(), "pidfd": worker.has_pidfd, "root": worker.root,
             "memory": worker.cage.kind, "seccomp": worker.seccomp, "notes": worker.notes}
    proto_out.write((json.dumps(hello) + "\n").encode())
    reader = proto_in
    buffer = b""
    while True:
        chunk = reader.read(1 << 16)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if not line.strip():
                continue
            request_id = None
            try:
                request = json.loads(line)
                request_id = request.get("id")
                reply = worker.run(request)
            except Exception as error:
                reply = {"id": request_id, "sandbox_error": f"{type(error).__name__}: {error}"}
            proto_out.write((json.dumps(reply) + "\n").encode())
    if isinstance(worker.cage, sandbox_memory.CgroupCage):
        worker.cage.close()


if __name__ == "__main__":
    main()
