"""Run-private randomness: seed what SDV and torch read, then give the user's state back."""

from __future__ import annotations

import contextlib
import random
import sys

__all__ = ["forked", "seeded"]


@contextlib.contextmanager
def seeded(seed: int, *, torch_threads: int = 1):
    """Make everything inside the block depend only on *seed*, then restore global state.

    SDV and its transformers draw from NumPy's legacy global generator and from torch's default
    generator; neither takes a generator argument on every path. So the block seeds both, pins
    torch to a fixed thread count (float reductions differ with the number of threads), and
    restores the caller's random, NumPy and torch states and thread count when it ends, whatever
    happened inside.
    """
    import numpy as np

    from synthnb._threads import available_cpus

    py_state = random.getstate()
    np_state = np.random.get_state()
    torch = sys.modules.get("torch")
    if torch is None:
        with contextlib.suppress(ImportError):
            import torch
    torch_state = threads = None
    if torch is not None:
        torch_state = torch.random.get_rng_state()
        threads = torch.get_num_threads()
    try:
        random.seed(seed)
        np.random.seed(seed)
        if torch is not None:
            torch.manual_seed(seed)
            torch.set_num_threads(torch_threads)
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        if torch is not None:
            torch.random.set_rng_state(torch_state)
            # torch's count also sets its own OpenMP pool: never give back more than the process may use
            torch.set_num_threads(min(threads, available_cpus()))


@contextlib.contextmanager
def forked(seed: int):
    """Draw from *seed* inside the block without moving any generator the surrounding work draws from.

    Python's, NumPy's and torch's CPU states are saved and restored by :func:`seeded` (keeping the current
    torch thread count); ``torch.random.fork_rng`` adds the CUDA devices already in use, so an interim sample
    taken in the middle of a GPU fit leaves its random streams where they were too.
    """
    import torch

    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
    with torch.random.fork_rng(devices=devices), seeded(seed, torch_threads=torch.get_num_threads()):
        yield
