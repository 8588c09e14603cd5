# Runs one untrusted Python program for one test, inside an already isolated child process.
#
# Two ways in:
#   * warm path: sandbox_forkserver.py imports this module once, then in each forked child calls
#     run_test(...) — no interpreter start-up per test;
#   * spawn baseline: `python3 -I sandbox_harness.py` started fresh per test reads request.json
#     from its working directory (the scratch dir) and does the same.
#
# Modes (LiveCodeBench semantics):
#   stdin — the program runs as __main__ with the test input on fd 0; its stdout is the answer.
#   call  — the program is executed as a module (with the LeetCode import prelude), then
#           `Solution().<fn_name>` or a top-level `<fn_name>` is called with one JSON value per input
#           line as arguments. The JSON of the return value (tuples become lists) is written to fd 3,
#           so prints on stdout cannot be mistaken for the answer.
# The comparison with the expected output is never done here: the expected output must not be in
# the memory of the untrusted process.
import builtins
import io
import json
import os
import sys
import traceback

# LeetCode-style names that reference solutions use without importing them
# (the list LiveCodeBench-style graders use; without string/operator/datetime some raise NameError).
PRELUDE = """\
from typing import *
from collections import *
from heapq import *
from math import *
from bisect import *
from itertools import *
from functools import *
from string import *
from operator import *
import datetime
"""

RESULT_FD = 3
EXIT_MISSING_FUNCTION = 3


def build_prelude_namespace():
    namespace = {"__builtins__": builtins}
    exec(compile(PRELUDE, "<prelude>", "exec"), namespace)
    return namespace


def _fresh_stdio():
    # The fds 0/1/2 were re-pointed by the parent; the interpreter's own stream objects still wrap
    # the old buffers, so build new ones over the same descriptors.
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(
        io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8", errors="replace")
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(1, "w", closefd=False), buffer_size=1 << 16), encoding="utf-8",
        errors="replace", write_through=False)
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "w", closefd=False)), encoding="utf-8", errors="replace",
        line_buffering=True)


def _exit_code_of(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        print(code, file=sys.stderr)
    except Exception:
        pass
    return 1


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _write_result(text):
    data = text.encode("utf-8", errors="replace")
    view = memoryview(data)
    while view:
        written = os.write(RESULT_FD, view)
        view = view[written:]


def run_test(mode, code, fn_name, call_input, prelude_namespace):
    """Runs the program and returns the process exit code. Never raises."""
    _fresh_stdio()
    sys.argv = ["solution.py"]
    try:
        compiled = compile(code, "solution.py", "exec")
        if mode == "stdin":
            exec(compiled, {"__name__": "__main__", "__builtins__": builtins})
            _flush()
            return 0
        namespace = dict(prelude_namespace)
        namespace["__name__"] = "solution"
        exec(compiled, namespace)
        solution_class = namespace.get("Solution")
        if isinstance(solution_class, type):
            target = getattr(solution_class(), fn_name, None)
        else:
            target = namespace.get(fn_name)
        if not callable(target):
            print(f"sandbox: no function '{fn_name}' (neither Solution().{fn_name} nor a top-level function)",
                  file=sys.stderr)
            _flush()
            return EXIT_MISSING_FUNCTION
        args = [json.loads(line) for line in call_input.split("\n")] if call_input.strip() else []
        result = target(*args)
        if isinstance(result, tuple):
            result = list(result)
        try:
            text = json.dumps(result)
        except (TypeError, ValueError) as error:
            print(f"sandbox: the return value is not JSON-serialisable: {error}", file=sys.stderr)
            _flush()
            return 0
        _flush()
        _write_result(text)
        return 0
    except SystemExit as exc:
        _flush()
        return _exit_code_of(exc)
    except MemoryError:
        _flush()
        try:
            os.write(2, b"\nMemoryError\n")
        except Exception:
            pass
        return 1
    except BaseException:
        _flush()
        try:
            traceback.print_exc()
            sys.stderr.flush()
        except BaseException:
            pass
        return 1


def main():
    with open("request.json", "r", encoding="utf-8") as handle:
        request = json.load(handle)
    os.unlink("request.json")
    prelude = build_prelude_namespace() if request["mode"] == "call" else {}
    code = run_test(request["mode"], request["code"], request.get("fn_name") or "", request.get("call_input") or "",
                    prelude)
    os._exit(code & 0xFF)


if __name__ == "__main__":
    main()
