# The file system a tested program sees: a minimal read-only root built by the fork server inside its
# own mount + pid namespace, then entered with pivot_root, so nothing of the host outside it (home
# directories, repositories, /work, /etc, /sys) is reachable even by path.
#
#   /usr (+ the /bin, /lib, /lib64, /sbin links or binds), the interpreter's prefixes and any --ro-path
#       read-only bind mounts: the interpreter, node and their libraries
#   /etc/ld.so.cache            read-only: the dynamic loader needs it for multiarch library paths
#   /dev/{null,zero,full,random,urandom}  bind mounts; /dev/fd and std* links into /proc/self
#   /dev/shm, /tmp              private tmpfs (size-capped); the scratch dirs live under /tmp
#   /proc                       a fresh proc of the new pid namespace, hidepid=invisible: a test sees
#                               only its own processes (never the server's command line or environment)
# Everything else is an empty, read-only tmpfs.
import ctypes
import os

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

DEVICES = ("null", "zero", "full", "random", "urandom")
TOP_LEVEL = ("bin", "lib", "lib32", "lib64", "libx32", "sbin")

libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def mount(source, target, fstype, flags, data=None):
    _check(libc.mount(source.encode() if source else None, target.encode(), fstype.encode() if fstype else None,
                      ctypes.c_ulong(flags), data.encode() if data else None), f"mount {target}")


def bind_readonly(source, target):
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    mount(source, target, None, MS_BIND | MS_REC)
    mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def covered(path, roots):
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def build_and_enter(new_root, ro_paths, tmp_size_mb):
    """Builds the root under `new_root` (an empty directory) and pivots into it. Returns the tmpfs dirs."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", new_root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=16m")
    binds = ["/usr"]
    for entry in TOP_LEVEL:
        host = "/" + entry
        if os.path.islink(host):
            os.symlink(os.readlink(host), os.path.join(new_root, entry))
        elif os.path.isdir(host):
            binds.append(host)
    for path in ro_paths:
        real = os.path.realpath(path)
        if os.path.exists(real) and not covered(real, binds):
            binds.append(real)
    for source in binds:
        bind_readonly(source, new_root + source)
    if os.path.exists("/etc/ld.so.cache"):
        bind_readonly("/etc/ld.so.cache", new_root + "/etc/ld.so.cache")

    dev = new_root + "/dev"
    os.makedirs(dev)
    for name in DEVICES:
        if os.path.exists("/dev/" + name):
            open(f"{dev}/{name}", "a").close()
            mount("/dev/" + name, f"{dev}/{name}", None, MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{dev}/{name}")
    tmpfs_dirs = []
    for directory in ("/dev/shm", "/tmp"):
        os.makedirs(new_root + directory, exist_ok=True)
        mount("tmpfs", new_root + directory, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={tmp_size_mb}m")
        tmpfs_dirs.append(directory)

    os.makedirs(new_root + "/proc")
    try:
        mount("proc", new_root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible")
    except OSError:  # kernels before 5.8 know only the numeric form
        mount("proc", new_root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")

    old = new_root + "/.old-root"
    os.makedirs(old)
    os.chdir(new_root)
    _check(libc.syscall(ctypes.c_long(155 if _is_x86_64() else 41), b".", b".old-root"), "pivot_root")
    os.chdir("/")
    _check(libc.umount2(b"/.old-root", MNT_DETACH), "umount /.old-root")
    os.rmdir("/.old-root")
    mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    return tmpfs_dirs


def _is_x86_64():
    return os.uname().machine in ("x86_64", "amd64")
