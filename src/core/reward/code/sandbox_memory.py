# One memory limit for a whole test: every process it starts, plus the memory it parks in memfds and
# tmpfs files. RLIMIT_AS alone is per process (6 children x 700 MB fit under a "1 GB" limit) and does
# not see memfd pages at all.
#
# Two ways, chosen once per fork server:
#   * cgroup — a memory cgroup per test (v2 where the memory controller can be delegated, else v1's
#     memory hierarchy). The kernel charges anonymous memory, page cache, shmem/memfd and tmpfs pages
#     to it and OOM-kills inside it at the limit. Needs a writable cgroup tree (root, or a delegated
#     subtree).
#   * poll — the fallback: the supervisor sums, every POLL_INTERVAL_S, the resident anonymous and file
#     memory of every process of the test, the allocated size of every memfd they hold or map (counted
#     once per inode), and what the private tmpfs mounts hold, and kills the test when the sum passes the
#     limit. A program can overshoot for at most one interval (bounded by each process's RLIMIT_AS and
#     the process-count limit), which is the price of not having a cgroup.
import os
import signal
import sys
import time

POLL_INTERVAL_S = 0.02


def _read(path, dir_fd=None):
    fd = os.open(path, os.O_RDONLY, dir_fd=dir_fd)
    try:
        return os.read(fd, 1 << 16).decode("ascii", errors="replace")
    finally:
        os.close(fd)


def _write(path, text, dir_fd=None):
    fd = os.open(path, os.O_WRONLY, dir_fd=dir_fd)
    try:
        os.write(fd, text.encode("ascii"))
    finally:
        os.close(fd)


def _mountpoints():
    """(fstype, mountpoint, super options) of cgroup mounts, from /proc/self/mountinfo."""
    found = []
    try:
        with open("/proc/self/mountinfo", "r", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                left, _, right = line.partition(" - ")
                fields = left.split()
                parts = right.split()
                if len(fields) >= 5 and len(parts) >= 3 and parts[0] in ("cgroup", "cgroup2"):
                    found.append((parts[0], fields[4], parts[2]))
    except OSError:
        pass
    return found


def _own_cgroups():
    """{controller or '' (v2): path} from /proc/self/cgroup."""
    own = {}
    try:
        with open("/proc/self/cgroup", "r", encoding="utf-8") as handle:
            for line in handle:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for controller in controllers.split(",") if controllers else [""]:
                    own[controller] = path
    except OSError:
        pass
    return own


PREFIX = "acereason-sandbox-"


def _sweep_stale(parent):
    """Removes cgroups left by fork servers whose owner (the Node process, pid in the name) is gone,
    e.g. after a SIGKILL. Runs while /proc is still the host's."""
    try:
        entries = os.listdir(parent)
    except OSError:
        return
    for entry in entries:
        if not entry.startswith(PREFIX):
            continue
        owner = entry[len(PREFIX):].split("-", 1)[0]
        if not owner.isdigit() or os.path.exists(f"/proc/{owner}"):
            continue
        stale = os.path.join(parent, entry)
        try:
            for child in os.listdir(stale):
                if child == CgroupCage.TEST_GROUP:
                    os.rmdir(os.path.join(stale, child))
            os.rmdir(stale)
        except OSError:
            pass


class CgroupCage:
    """The memory cgroup of a worker's tests: <own cgroup>/acereason-sandbox-<owner pid>-<unique>/test."""

    def __init__(self, version, base_fd, parent_fd, name):
        self.version = version
        # Directory fds, kept open: they still work after the fork server changes its root.
        self.base_fd = base_fd
        self.parent_fd = parent_fd
        self.name = name
        self.kind = f"cgroup-v{version}"

    @staticmethod
    def create(owner_pid, unique):
        """The first cgroup tree that works here, or (None, reason)."""
        name = f"{PREFIX}{owner_pid}-{unique}"
        mounts = _mountpoints()
        own = _own_cgroups()
        reasons = []
        for fstype, mountpoint, options in mounts:
            if fstype == "cgroup2":
                version, own_path = 2, own.get("")
            elif "memory" in options.split(","):
                version, own_path = 1, own.get("memory")
            else:
                continue
            if own_path is None:
                continue
            parent = os.path.join(mountpoint, own_path.lstrip("/"))
            _sweep_stale(parent)
            base = os.path.join(parent, name)
            try:
                os.mkdir(base, 0o700)
            except OSError as error:
                reasons.append(f"cgroup v{version}: cannot create {base}: {error.strerror}")
                continue
            try:
                if version == 2:
                    if "memory" not in _read(os.path.join(base, "cgroup.controllers")).split():
                        raise OSError(0, "the memory controller is not delegated to this cgroup")
                    _write(os.path.join(base, "cgroup.subtree_control"), "+memory")
                base_fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
                parent_fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
                return CgroupCage(version, base_fd, parent_fd, name), None
            except OSError as error:
                reasons.append(f"cgroup v{version}: {error.strerror or error}")
                try:
                    os.rmdir(base)
                except OSError:
                    pass
        return None, "; ".join(reasons) or "no cgroup file system with a memory controller is mounted"

    # One cgroup per worker, reused by every test (creating and removing one per test cost ~9 ms here):
    # between tests it is emptied by killing what is left in it, and "the limit was hit" is the growth
    # of its OOM-kill counter during the test (page cache left by earlier tests is reclaimable and
    # never OOM-kills, so it cannot be mistaken for a test's memory).
    TEST_GROUP = "test"

    def prepare(self, limit_bytes):
        name = self.TEST_GROUP
        try:
            os.mkdir(name, 0o700, dir_fd=self.base_fd)
        except FileExistsError:
            pass
        if self.version == 2:
            _write(f"{name}/memory.max", str(limit_bytes), self.base_fd)
            try:
                _write(f"{name}/memory.swap.max", "0", self.base_fd)
            except OSError:
                pass
        else:
            # memsw (memory + swap, where swap accounting exists) must stay >= the memory limit while both move.
            try:
                _write(f"{name}/memory.memsw.limit_in_bytes", "-1", self.base_fd)
            except OSError:
                pass
            try:
                _write(f"{name}/memory.limit_in_bytes", str(limit_bytes), self.base_fd)
            except OSError:  # EBUSY: page cache of earlier tests above the new, lower limit
                _write(f"{name}/memory.force_empty", "0", self.base_fd)
                _write(f"{name}/memory.limit_in_bytes", str(limit_bytes), self.base_fd)
            try:
                _write(f"{name}/memory.memsw.limit_in_bytes", str(limit_bytes), self.base_fd)
            except OSError:
                pass
        self.oom_kills_before = self._oom_kills(name)
        return name

    def join(self, name):
        """In the test child, before dropping privileges."""
        _write(f"{name}/cgroup.procs", str(os.getpid()), self.base_fd)

    def _oom_kills(self, name):
        try:
            text = _read(f"{name}/memory.events" if self.version == 2 else f"{name}/memory.oom_control", self.base_fd)
        except OSError:
            return 0
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0

    def limit_hit(self, name):
        return self._oom_kills(name) > self.oom_kills_before

    def empty(self, name):
        """Kills whatever of the test is still in the cgroup (the uid sweep normally got it already)."""
        for _ in range(200):
            try:
                pids = [int(p) for p in _read(f"{name}/cgroup.procs", self.base_fd).split()]
            except OSError:
                return
            if not pids:
                return
            if self.version == 2:
                try:
                    _write(f"{name}/cgroup.kill", "1", self.base_fd)
                except OSError:
                    pass
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            reap()
            time.sleep(0.001)
        sys.stderr.write(f"sandbox_forkserver: processes survive in cgroup {self.name}/{name}\n")

    def close(self):
        for path, fd in ((self.TEST_GROUP, self.base_fd), (self.name, self.parent_fd)):
            try:
                os.rmdir(path, dir_fd=fd)
            except OSError:
                pass


def reap():
    """Collects every exited child (orphans are reparented to us: we are a child subreaper), without blocking."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _status_kb(pid, keys):
    total = 0
    try:
        with open(f"/proc/{pid}/status", "r", encoding="ascii", errors="replace") as handle:
            for line in handle:
                key, _, rest = line.partition(":")
                if key in keys:
                    total += int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return total


def _memfd_inodes(pid, seen):
    """Adds (inode -> allocated bytes) for every memfd the process holds open or maps."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            path = f"/proc/{pid}/fd/{fd}"
            try:
                if os.readlink(path).startswith("/memfd:"):
                    st = os.stat(path)
                    seen[(st.st_dev, st.st_ino)] = st.st_blocks * 512
            except OSError:
                pass
        with open(f"/proc/{pid}/maps", "r", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if "/memfd:" not in line:
                    continue
                span = line.split()[0]
                try:
                    st = os.stat(f"/proc/{pid}/map_files/{span}")
                    seen[(st.st_dev, st.st_ino)] = st.st_blocks * 512
                except OSError:
                    pass
    except OSError:
        pass


class PollCage:
    """The fallback: measure and kill (see the top of this file)."""
    kind = "poll"

    def __init__(self, tmpfs_dirs):
        self.tmpfs_dirs = tmpfs_dirs

    def usage_bytes(self, pids):
        memfds = {}
        resident_kb = 0
        for pid in pids:
            # RssShmem is left out: shared memory is counted through the memfd/tmpfs sizes instead.
            resident_kb += _status_kb(pid, ("RssAnon", "RssFile"))
            _memfd_inodes(pid, memfds)
        tmpfs = 0
        for directory in self.tmpfs_dirs:
            try:
                st = os.statvfs(directory)
                tmpfs += (st.f_blocks - st.f_bfree) * st.f_frsize
            except OSError:
                pass
        return resident_kb * 1024 + sum(memfds.values()) + tmpfs


def processes_of(uid, pgid):
    """Pids of the test: every process of its uid when it has one, else its process group."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if uid is not None:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    found.append(int(entry))
            elif os.getpgid(int(entry)) == pgid:
                found.append(int(entry))
        except OSError:
            pass
    return found
