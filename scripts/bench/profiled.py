"""Runs a command-line module (uvicorn) under cProfile, the event loop's thread and every
worker thread alike, for `benchmark.py --profile DIR`.

    python scripts/bench/profiled.py OUT_PREFIX -m uvicorn ...

At exit it writes OUT_PREFIX-loop.prof (the main thread: the event loop) and
OUT_PREFIX-threads.prof (the other threads merged: the database work of sync_to_async), for
`python -m pstats` or `pstats.Stats(path).sort_stats("cumulative").print_stats(40)`.
"""

import atexit
import cProfile
import pstats
import runpy
import signal
import sys
import threading

thread_profiles: list[cProfile.Profile] = []
dumped: list[bool] = []


def _profile_thread(*_args) -> None:
    # Called once in each new thread: hand over to a profiler of the thread's own.
    sys.setprofile(None)
    profile = cProfile.Profile()
    thread_profiles.append(profile)
    profile.enable()


def _dump(prefix: str, main: cProfile.Profile) -> None:
    if dumped:
        return
    dumped.append(True)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)
    main.disable()
    main.dump_stats(f"{prefix}-loop.prof")
    merged = None
    for profile in thread_profiles:
        try:
            profile.create_stats()
        except Exception:  # noqa: S112 (a profile still running in its thread)
            continue
        if not getattr(profile, "stats", None):
            continue
        if merged is None:
            merged = pstats.Stats(profile)
        else:
            merged.add(profile)
    if merged is not None:
        merged.dump_stats(f"{prefix}-threads.prof")


def main() -> None:
    prefix = sys.argv[1]
    if sys.argv[2] != "-m":
        raise SystemExit("usage: profiled.py OUT_PREFIX -m module [args]")
    module = sys.argv[3]
    sys.argv = [module, *sys.argv[4:]]
    threading.setprofile(_profile_thread)
    main_profile = cProfile.Profile()
    atexit.register(_dump, prefix, main_profile)

    def on_signal(signum, _frame):
        # uvicorn restores this handler after its graceful shutdown and raises the signal
        # again, which would end the process without atexit: dump first (a second signal
        # while dumping is ignored, or the files would be cut short).
        if dumped:
            return
        _dump(prefix, main_profile)
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    main_profile.enable()
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
