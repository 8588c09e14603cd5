# A seccomp filter for tested programs, built with ctypes (Python's stdlib has no seccomp module and
# libseccomp's Python binding is not installed everywhere). Installed in each test child after the
# privilege drop, right before the untrusted code runs; no-new-privileges is already set, which is what
# lets an unprivileged process install a filter.
#
# What it refuses (EPERM unless said otherwise), and why:
#   * namespace creation: unshare, setns, and clone with any CLONE_NEW* flag; clone3 answers ENOSYS,
#     because its flags sit behind a pointer a filter cannot read, and glibc/libuv then fall back to
#     clone, whose flags are checked — so fork, threads and subprocess keep working;
#   * the ptrace family: ptrace, process_vm_readv/writev, kcmp, pidfd_getfd;
#   * mounting and changing roots: mount, umount2, pivot_root, chroot, the new mount API;
#   * kernel attack surface a test never needs: bpf, perf_event_open, userfaultfd, io_uring (ENOSYS, so
#     libuv falls back to threads), keyrings, module and kexec loading, open_by_handle_at, swap, reboot.
# The x32 ABI (syscall numbers with bit 30 set) is refused outright so it cannot bypass the numbers
# below. Architectures other than x86_64 and aarch64 get no filter (the caller reports it).
import ctypes
import errno
import platform
import struct

PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_JGE_K = 0x35
BPF_JSET_K = 0x45
BPF_RET_K = 0x06

RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000

OFFSET_NR = 0
OFFSET_ARCH = 4
OFFSET_ARG0_LOW = 16  # little-endian: the low 32 bits of args[0]

# CLONE_NEWTIME | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
CLONE_NEW_ANY = 0x00000080 | 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000

# Refused with EPERM: syscall name -> (x86_64 number, aarch64 number; None where the call does not exist).
EPERM_CALLS = {
    "ptrace": (101, 117),
    "process_vm_readv": (310, 270),
    "process_vm_writev": (311, 271),
    "kcmp": (312, 272),
    "pidfd_getfd": (438, 438),
    "unshare": (272, 97),
    "setns": (308, 268),
    "mount": (165, 40),
    "umount2": (166, 39),
    "pivot_root": (155, 41),
    "chroot": (161, 51),
    "open_tree": (428, 428),
    "move_mount": (429, 429),
    "fsopen": (430, 430),
    "fsconfig": (431, 431),
    "fsmount": (432, 432),
    "fspick": (433, 433),
    "mount_setattr": (442, 442),
    "bpf": (321, 280),
    "perf_event_open": (298, 241),
    "userfaultfd": (323, 282),
    "keyctl": (250, 219),
    "add_key": (248, 217),
    "request_key": (249, 218),
    "init_module": (175, 105),
    "finit_module": (313, 273),
    "delete_module": (176, 106),
    "kexec_load": (246, 104),
    "kexec_file_load": (320, 294),
    "open_by_handle_at": (304, 265),
    "name_to_handle_at": (303, 264),
    "swapon": (167, 224),
    "swapoff": (168, 225),
    "reboot": (169, 142),
    "acct": (163, 89),
    "syslog": (103, 116),
    "quotactl": (179, 60),
    "iopl": (172, None),
    "ioperm": (173, None),
}
# Refused with ENOSYS (so libc falls back to the older call we can inspect): same numbers on both.
ENOSYS_CALLS = {"clone3": 435, "io_uring_setup": 425}

ARCHES = {
    "x86_64": {
        "audit": 0xC000003E,
        "clone": 56,
        "enosys": ENOSYS_CALLS,
        "eperm": {name: numbers[0] for name, numbers in EPERM_CALLS.items() if numbers[0] is not None},
        "x32": True,
    },
    "aarch64": {
        "audit": 0xC00000B7,
        "clone": 220,
        "enosys": ENOSYS_CALLS,
        "eperm": {name: numbers[1] for name, numbers in EPERM_CALLS.items() if numbers[1] is not None},
        "x32": False,
    },
}


def _insn(code, jt, jf, k):
    return struct.pack("=HBBI", code, jt, jf, k & 0xFFFFFFFF)


def build_filter(arch):
    """The BPF program for one architecture, as a list of packed instructions."""
    table = ARCHES[arch]
    eperm = RET_ERRNO | errno.EPERM
    enosys = RET_ERRNO | errno.ENOSYS
    program = [
        _insn(BPF_LD_W_ABS, 0, 0, OFFSET_ARCH),
        # A foreign architecture's numbers mean other calls: refuse everything of it.
        _insn(BPF_JEQ_K, 1, 0, table["audit"]),
        _insn(BPF_RET_K, 0, 0, eperm),
        _insn(BPF_LD_W_ABS, 0, 0, OFFSET_NR),
    ]
    if table["x32"]:
        program += [_insn(BPF_JGE_K, 0, 1, 0x40000000), _insn(BPF_RET_K, 0, 0, eperm)]
    for number in table["enosys"].values():
        program += [_insn(BPF_JEQ_K, 0, 1, number), _insn(BPF_RET_K, 0, 0, enosys)]
    for number in table["eperm"].values():
        program += [_insn(BPF_JEQ_K, 0, 1, number), _insn(BPF_RET_K, 0, 0, eperm)]
    # clone: allowed unless a namespace flag is set in its first argument.
    program += [
        _insn(BPF_JEQ_K, 0, 4, table["clone"]),
        _insn(BPF_LD_W_ABS, 0, 0, OFFSET_ARG0_LOW),
        _insn(BPF_JSET_K, 0, 1, CLONE_NEW_ANY),
        _insn(BPF_RET_K, 0, 0, eperm),
        _insn(BPF_RET_K, 0, 0, RET_ALLOW),
        _insn(BPF_RET_K, 0, 0, RET_ALLOW),
    ]
    return program


def supported_arch():
    machine = platform.machine()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine) if machine else None


def install(libc):
    """Installs the filter in the calling process (irreversible). Raises OSError if the kernel refuses."""
    arch = supported_arch()
    if arch not in ARCHES:
        raise OSError(errno.ENOSYS, f"no seccomp filter for architecture {arch}")
    program = b"".join(build_filter(arch))
    count = len(program) // 8
    buffer = ctypes.create_string_buffer(program, len(program))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(count, ctypes.addressof(buffer))
    result = libc.prctl(ctypes.c_int(PR_SET_SECCOMP), ctypes.c_ulong(SECCOMP_MODE_FILTER),
                        ctypes.c_void_p(ctypes.addressof(fprog)), ctypes.c_ulong(0), ctypes.c_ulong(0))
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"prctl(PR_SET_SECCOMP) failed: {errno.errorcode.get(code, code)}")
