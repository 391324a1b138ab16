"""Profiling: ydata-profiling's side-by-side comparison of the real and synthetic tables, on demand.

The comparison is built in a second Python process (one per session, started on first use), so it runs beside
the other sections on a second core and never holds the kernel's interpreter lock: the notebook stays responsive
while it builds. The real table's profile is the slow half and never changes for a given source, so the worker
keeps it per source fingerprint (:data:`_MAX_CACHED` sources) and reuses it for every later comparison. Where no
second process can be started (or the frames cannot travel to it), the comparison is built in this process.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
import zlib

from synthnb.evaluation._section import Section, versions

__all__ = [
    "build",
    "busy",
    "cache_info",
    "clear_cache",
    "prefetch_real",
    "profile",
    "profile_html",
    "shutdown",
    "start",
]

_REAL_PROFILES: dict[str, object] = {}  # in the process that builds: the worker, or this one on a fallback
_BUILDS = {"real": 0}
_LOCK = threading.Lock()
_MAX_CACHED = 4

_WORKER = None  # concurrent.futures.ProcessPoolExecutor with one spawned process, or False once it failed
_WORKER_LOCK = threading.Lock()
_RUNNING = [0]  # comparisons submitted to the worker and not yet finished


# --- in the process that builds ------------------------------------------------------------------------------
def _report(frame, title: str, minimal: bool):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ydata_profiling import ProfileReport

        return ProfileReport(frame, title=title, minimal=minimal, progress_bar=False)


def _real_profile(real, fingerprint: str, minimal: bool):
    columns = zlib.crc32("\x00".join(map(str, real.columns)).encode("utf-8"))  # a Run may compare fewer columns
    key = f"{fingerprint}:{columns:08x}:{'minimal' if minimal else 'full'}"
    with _LOCK:
        cached = _REAL_PROFILES.get(key)
        if cached is None:
            cached = _report(real, "real", minimal)
            _BUILDS["real"] += 1
            if len(_REAL_PROFILES) >= _MAX_CACHED:
                _REAL_PROFILES.pop(next(iter(_REAL_PROFILES)))
            _REAL_PROFILES[key] = cached
        return cached


def build(real, synthetic, fingerprint: str, minimal: bool = True) -> str:
    """The standalone HTML of the real-vs-synthetic comparison report, built in the calling process."""
    from synthnb.evaluation.figures import REAL, SYNTHETIC

    real_report = _real_profile(real, fingerprint, minimal)
    syn_report = _report(synthetic, "synthetic", minimal)
    # compare() gives report i the i-th colour and narrows each list to it: set the pair every time,
    # so the cached real report stays blue and the synthetic one orange, as in every other chart
    for report in (real_report, syn_report):
        report.config.html.style.primary_colors = [REAL, SYNTHETIC]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return real_report.compare(syn_report).to_html()


def _describe_real(real, fingerprint: str, minimal: bool) -> None:
    """The real table's profile computed now and kept (what a later comparison of this source reuses)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _real_profile(real, fingerprint, minimal).get_description()


def _local_cache_info() -> dict:
    import os
    import resource

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with _LOCK:
        return {"keys": list(_REAL_PROFILES), "real_builds": _BUILDS["real"], "pid": os.getpid(), "peak_mib": peak_mib}


def _local_clear() -> None:
    with _LOCK:
        _REAL_PROFILES.clear()


def _worker_init() -> None:
    """In the worker, before any task:

    - numerical libraries on one thread each (the sections use the other cores meanwhile);
    - interrupts ignored: "Interrupt the kernel" signals the kernel's whole process group, and the kernel, not the
      worker, decides what stops (an idle worker would otherwise die with a traceback on the terminal);
    - progress bars and prints silenced: they would reach the notebook through the kernel's captured output
      (a failure still comes back as the task's exception)."""
    import os
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # kept open for the worker's whole life

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)  # libraries loaded already


# --- in the session's process ----------------------------------------------------------------------------------
def busy() -> bool:
    """Whether a comparison is being built in the worker now (the sections then leave it a core)."""
    return _RUNNING[0] > 0


def _worker():
    """The profile worker (started on first use), or None where a second process cannot be had."""
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None:
            try:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # spawn: a fresh interpreter (forking a process that runs OpenMP or torch threads can hang)
                _WORKER = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init
                )
            except Exception:  # no process support here (a sandbox, an embedded interpreter)
                _WORKER = False
        return _WORKER or None


@contextlib.contextmanager
def _main_not_rerun():
    """While the worker is spawned: a ``__main__`` without a file, so that the worker does not run the user's
    script again (spawn re-imports the main module; a script without an ``if __name__ == "__main__":`` guard
    would start its work over in the worker). The worker needs nothing from it: it runs synthnb's functions."""
    import sys
    import types

    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _unsent(exc: BaseException) -> str | None:
    """Why the work never ran in the worker ("broken", "pickle"), or None: the work itself failed."""
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, (BrokenProcessPool, OSError)):
        return "broken"
    return "pickle" if "pickl" in f"{type(exc).__name__} {exc}".lower() else None


class _Pending:
    """*fn*(*args) under way in the worker; :meth:`result` waits for it, or runs it here if the worker could not."""

    def __init__(self, fn, args: tuple):
        self._fn, self._args, self._future = fn, args, None
        pool = _worker()
        if pool is not None:
            try:
                with _main_not_rerun():
                    self._future = pool.submit(fn, *args)
            except Exception as exc:
                _unusable(exc)
            else:
                with _WORKER_LOCK:
                    _RUNNING[0] += 1
                self._future.add_done_callback(_finished)

    def result(self):
        if self._future is not None:
            try:
                return self._future.result()
            except Exception as exc:
                _unusable(exc)  # re-raises a failure of the work itself: it would fail here too
        return self._fn(*self._args)


def _finished(_future) -> None:
    with _WORKER_LOCK:
        _RUNNING[0] -= 1


def _unusable(exc: BaseException) -> None:
    """After *exc*: give up the worker if it broke (build here from now on); re-raise if the work failed."""
    global _WORKER
    why = _unsent(exc)
    if why is None:
        raise exc
    if why == "broken":
        with _WORKER_LOCK:
            _WORKER = False


def _in_worker(fn, *args):
    return _Pending(fn, args).result()


def start(ctx, fingerprint: str, minimal: bool = True) -> _Pending:
    """Start building the comparison of *ctx*'s tables now (in the worker); ``.result()`` is its HTML."""
    return _Pending(build, (ctx.real, ctx.synthetic, fingerprint, bool(minimal)))


def prefetch_real(real, fingerprint: str, minimal: bool = True) -> _Pending:
    """Start profiling the real table in the worker now (while a generator fits); the comparison built later for
    the same source and columns reuses it."""
    return _Pending(_describe_real, (real, fingerprint, bool(minimal)))


def profile_html(ctx, fingerprint: str, minimal: bool = True) -> str:
    """The standalone HTML of the real-vs-synthetic comparison report."""
    return start(ctx, fingerprint, minimal).result()


def section(html: str) -> Section:
    """The section record of a built comparison."""
    return Section(
        name="profile",
        title="Profile",
        score=None,
        headline=f"ydata-profiling comparison of real and synthetic ({len(html) / 1e6:.1f} MB of HTML).",
        scores={},
        findings=[],
        thresholds="A descriptive report: no score.",
        library=versions("ydata-profiling"),
    )


def profile(ctx, fingerprint: str, minimal: bool = True) -> tuple[Section, str]:
    """Build the comparison; returns the section record and the report's HTML."""
    html = profile_html(ctx, fingerprint, minimal)
    return section(html), html


def cache_info() -> dict:
    """Where comparisons are built (``pid``, and that process's peak RSS ``peak_mib``), the real-table profiles
    kept there (``keys``) and how many were built (``real_builds``)."""
    return _in_worker(_local_cache_info)


def clear_cache() -> None:
    """Forget the cached real-table profiles (in the worker, if one was started, and here)."""
    if _WORKER:
        _in_worker(_local_clear)
    _local_clear()


def shutdown() -> None:
    """Stop the profile worker (a later profile starts a new one)."""
    global _WORKER
    with _WORKER_LOCK:
        pool, _WORKER = _WORKER, None
    if pool:
        pool.shutdown(wait=True, cancel_futures=True)
