"""Real-side work kept per source: what an evaluation computes without looking at the synthetic table.

Refitting a source and evaluating again (a new seed, another model) retrains nothing on the real rows: the
real-trained utility model's test predictions and the encodings of the real rows are looked up here. The
cache is a small LRU over sources, so refitting one name a hundred times holds one entry.

Where it lives: each :class:`synthnb.session.Session` holds one (``%synth report`` and the live dashboard
use it); a plain :func:`synthnb.evaluate` from a script uses the process-wide :data:`PROCESS_CACHE`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["MAX_SOURCES", "PROCESS_CACHE", "RealSideCache", "frame_key"]

#: sources (distinct real-side keys) a cache holds; the least recently used is dropped beyond this
MAX_SOURCES = 4


class RealSideCache:
    """A bounded, thread-safe LRU of real-side results; ``hits`` and ``misses`` count look-ups."""

    def __init__(self, max_entries: int = MAX_SOURCES):
        self.max_entries = int(max_entries)
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __getstate__(self):
        # an evaluation sent to another process (synthnb.compare) takes an empty cache with it, never the lock
        return {"max_entries": self.max_entries}

    def __setstate__(self, state):
        self.__init__(state["max_entries"])

    def __len__(self) -> int:
        return len(self._entries)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value for *key*, computed by *compute* on a miss (an exception is raised, never stored)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
        value = compute()  # outside the lock: a long training must not block other sources' look-ups
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry and reset the counters."""
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


#: used by :func:`synthnb.evaluate` when no session's cache is passed; two sources, as a script rarely has more
PROCESS_CACHE = RealSideCache(max_entries=2)


def frame_key(frame, columns) -> str:
    """sha256 over *columns*' names, dtypes and values of *frame* (row order included)."""
    import hashlib

    import numpy as np
    import pandas as pd

    part = frame[list(columns)]
    h = hashlib.sha256()
    for name, dtype in part.dtypes.items():
        h.update(f"{name}\x1f{dtype}\x1e".encode())
    h.update(pd.util.hash_pandas_object(part, index=False).to_numpy(dtype=np.uint64).tobytes())
    h.update(str(len(part)).encode())
    return h.hexdigest()
