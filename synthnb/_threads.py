"""How many CPUs this process may really use, and thread pools capped to that number.

A Binder kernel sees every core of its host but gets a CPU quota of one or two (cgroup ``cpu.max``),
and ``taskset`` narrows the affinity mask; numba, OpenMP and BLAS size their pools from the visible
cores and then oversubscribe. Torch is left alone: its thread count decides the bytes of a fit and
is pinned by :func:`synthnb._rng.seeded`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import os
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["available_cpus", "cgroup_cpu_limit", "cpu_share", "leave_cpus", "limit_threads"]

#: a smaller number of threads granted to the work running in this context (a compare worker's share)
_SHARE: contextvars.ContextVar[int | None] = contextvars.ContextVar("synthnb_cpu_share", default=None)

_CGROUP_ROOT = "/sys/fs/cgroup"


def cgroup_cpu_limit(root: str | os.PathLike = _CGROUP_ROOT) -> int | None:
    """CPUs allowed by the cgroup quota under *root* (v2 ``cpu.max``, else v1 CFS), rounded up; None if unlimited."""
    root = Path(root)
    v2 = _read(root / "cpu.max")
    if v2 is not None:
        quota, _, period = v2.partition(" ")
        return _ratio(quota, period or "100000")
    for cpu_dir in ("cpu", "cpu,cpuacct", "cpuacct,cpu"):
        quota = _read(root / cpu_dir / "cpu.cfs_quota_us")
        if quota is not None:
            return _ratio(quota, _read(root / cpu_dir / "cpu.cfs_period_us") or "100000")
    return None


def _ratio(quota: str, period: str) -> int | None:
    # "max" (v2) and -1 (v1) mean no quota
    if quota in ("max", "") or int(quota) <= 0 or int(period) <= 0:
        return None
    return max(1, math.ceil(int(quota) / int(period)))


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def available_cpus() -> int:
    """min(affinity mask, cgroup quota, the share granted by :func:`cpu_share`), at least 1."""
    share = _SHARE.get()
    cpus = _process_cpus()
    return cpus if share is None else max(1, min(cpus, share))


@functools.lru_cache(maxsize=1)
def _process_cpus() -> int:
    """min(affinity mask, cgroup quota), at least 1: the CPUs this process may use."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cpus = os.cpu_count() or 1
    quota = cgroup_cpu_limit()
    if quota is not None:
        cpus = min(cpus, quota)
    return max(1, cpus)


def limit_threads() -> int:
    """Cap numba, OpenMP and BLAS to :func:`available_cpus` in this thread; returns that number.

    Libraries loaded later size their pools from the environment variables, set here only where the
    user has not set them; libraries already loaded are capped through threadpoolctl and numba's own
    setting (both per calling thread for OpenMP and numba, so each entry point calls this).
    """
    n = available_cpus()
    numba = sys.modules.get("numba")
    names = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]
    # once numba is loaded, its compiler re-reads NUMBA_NUM_THREADS and refuses a new value after its pool started
    names += [] if numba is not None else ["NUMBA_NUM_THREADS"]
    for var in names:
        if var not in os.environ:
            os.environ[var] = str(n)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n)  # not as a context: the cap stays, the process may not use more anyway
    if numba is not None:
        numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    return n


@contextlib.contextmanager
def leave_cpus(spare: int) -> Iterator[int]:
    """Run the block on all but *spare* of :func:`available_cpus` (at least one), for numba, OpenMP and BLAS: the
    rest is left to another process of this session (the profile worker). Yields the number granted."""
    token = _SHARE.set(max(1, available_cpus() - spare))
    try:
        yield limit_threads()
    finally:
        _SHARE.reset(token)
        limit_threads()


@contextlib.contextmanager
def cpu_share(threads: int) -> Iterator[dict]:
    """Run the block on *threads* threads at most (numba, OpenMP, BLAS and torch outside a fit), then restore.

    Used by workers that share a machine (``synthnb.compare``): every :func:`limit_threads` inside the block
    caps to the share instead of the whole machine. A fit still pins torch to one thread while it trains
    (:func:`synthnb._rng.seeded`), so the share never changes the bytes. Yields a dict that, when the block
    ends, holds the counts each library reported at its end (to show the share held through the work).
    """
    import numpy  # noqa: F401  (load the BLAS and OpenMP libraries now, so the limits below reach them)
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import threadpool_info, threadpool_limits

    torch = numba = None
    with contextlib.suppress(ImportError):
        import torch
    with contextlib.suppress(ImportError):
        import numba
    saved_torch = torch.get_num_threads() if torch is not None else None
    saved_numba = numba.get_num_threads() if numba is not None else None
    token = _SHARE.set(threads)
    observed: dict = {"share": threads}
    try:
        if torch is not None:
            torch.set_num_threads(threads)
        with threadpool_limits(limits=threads):
            limit_threads()
            yield observed
            observed["threadpoolctl"] = sorted({int(p["num_threads"]) for p in threadpool_info()})
            observed["torch"] = None if torch is None else torch.get_num_threads()
            observed["numba"] = None if numba is None else numba.get_num_threads()
    finally:
        _SHARE.reset(token)
        if torch is not None:
            torch.set_num_threads(saved_torch)
        if numba is not None:
            numba.set_num_threads(saved_numba)
