"""One session per kernel: the runs bound by name, their evaluations and where each run's cells go.

The ``%synth`` magics, :mod:`synthnb.notebook` and :func:`synthnb.reproduce` (when it runs in a kernel) all
reach this state through :func:`session_for`; none of them keeps a store of its own. Fitting a name again
releases everything the session held for the name's previous run (its evaluations, its cells' place), so
refitting one name a hundred times holds one run, not a hundred.

Plain Python: no IPython import; a *shell* is any object the session is attached to.
"""

from __future__ import annotations

import difflib
import signal
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from synthnb.errors import SynthnbError

__all__ = ["EvaluationKey", "RunCells", "Session", "rebind_note", "session_for"]


@dataclass(frozen=True)
class EvaluationKey:
    """What one evaluation of a bound run was asked for: the name and ``%synth report``'s options.

    The run is not part of the key: a session's evaluations of *name* always belong to the run now
    bound to *name*, and binding another run drops them.
    """

    name: str
    sensitive: str | None = None
    target: str | None = None
    known: str | None = None
    sections: str | None = None


@dataclass
class RunCells:
    """Where a run's provenance and datasheet cells go, as seen when its fit cell ran.

    Attributes
    ----------
    anchor : str or None
        Id of the fit cell (the provenance cell goes right below it); None where the front end sends none.
    frontend : bool
        Whether synthnb's notebook extension served the fit cell (it then adds and updates the cells).
    datasheet_evaluation : object
        The evaluation whose figures the datasheet cell was last written with (None: without figures).
    """

    anchor: str | None
    frontend: bool
    datasheet_evaluation: Any = None


class Session:
    """The runs, evaluations and cell places of one kernel (one IPython shell); get it with :func:`session_for`.

    Methods that change the session are thread-safe: the live dashboard finishes in a background thread.
    """

    def __init__(self, shell=None):
        self._shell = None if shell is None else weakref.ref(shell)
        self._lock = threading.RLock()
        self._runs: dict[str, Any] = {}
        #: name -> weak reference to the table bound to the name by the fit (to tell it from a later assignment)
        self._tables: dict[str, Any] = {}
        #: name -> {EvaluationKey: evaluation}, in the order last used (the last is the one the user last saw)
        self._evaluations: dict[str, dict[EvaluationKey, Any]] = {}
        self._cells: dict[str, RunCells] = {}
        #: source variable -> the name a Workbench on it binds (kept so re-running its cell keeps the name)
        self._workbench_names: dict[str, str] = {}
        #: real-side work of this kernel's evaluations, kept per source (an LRU of at most MAX_SOURCES sources, so
        #: refitting one name a hundred times holds one entry); see synthnb.evaluation._cache
        self.real_cache = _real_cache()

    @property
    def shell(self):
        """The shell this session belongs to (None when it was made without one or the shell is gone)."""
        return None if self._shell is None else self._shell()

    # runs -----------------------------------------------------------------------------------------------

    def bind(self, name: str, run, table=None):
        """Make *run* the run of *name* and bind *table* (default: a copy of ``run.synthetic``) to *name*.

        Returns the run *name* held before (None when it held none); :func:`rebind_note` says what changed.

        The default is a copy so that edits in the notebook never change the table the Run (and its digest)
        describes; an export then writes what the name holds and records it as derived.

        Everything held for the name's previous run is released first. A keyboard interrupt that arrives
        while binding is held back until the session and the shell's namespace agree, so an interrupted
        fit leaves either the old binding or the new one, never a mix.
        """
        table = run.synthetic.copy(deep=True) if table is None else table
        shell = self.shell
        with _interrupts_deferred(), self._lock:
            previous = self._runs.get(name)
            self._release(name)
            self._runs[name] = run
            self._tables[name] = _weak(table)
            if shell is not None:
                shell.user_ns[name] = table
        return previous

    def workbench_name(self, df_name: str | None) -> str:
        """The name a Workbench on *df_name* binds: ``DF_syn``, unless the notebook holds that name already.

        Then ``DF_wb`` (``DF_wb2``, ...): a Workbench never takes a name a ``%synth fit`` (or anything else)
        bound. The choice is kept per source, so re-running the Workbench's cell keeps its name.
        """
        base = df_name or "df"
        with self._lock:
            if base in self._workbench_names:
                return self._workbench_names[base]
            ns = getattr(self.shell, "user_ns", None) or {}
            candidates = [f"{base}_syn", f"{base}_wb"] + [f"{base}_wb{i}" for i in range(2, 100)]
            name = next(c for c in candidates if c not in ns)
            self._workbench_names[base] = name
            return name

    def release(self, name: str) -> None:
        """Forget *name*: its run, evaluations and cell place (the variable in the notebook stays)."""
        with self._lock:
            self._release(name)

    def _release(self, name: str) -> None:
        self._runs.pop(name, None)
        self._tables.pop(name, None)
        self._evaluations.pop(name, None)
        self._cells.pop(name, None)

    def run(self, name: str):
        """The run bound to *name* by a fit in this session, or None."""
        return self._runs.get(name)

    def require_run(self, name: str):
        """The run bound to *name*, or a SynthnbError that lists the bound names and says how to fit one."""
        run = self._runs.get(name)
        if run is None:
            known = ", ".join(sorted(self._runs)) or "none yet"
            close = difflib.get_close_matches(name, list(self._runs), n=3)
            guess = f"did you mean {' or '.join(map(repr, close))}? If not, " if close else ""
            raise SynthnbError(
                f"{name!r} is not a synthetic table made by %synth fit in this kernel (bound: {known}); {guess}run "
                f"%synth fit DF --as {name} first, or call synthnb.evaluate(real_df, synthetic_df) directly."
            )
        return run

    def names(self) -> list[str]:
        """The names bound by fits, in the order they were (last) bound."""
        return list(self._runs)

    def runs(self) -> dict[str, Any]:
        """A copy of the name -> run mapping."""
        return dict(self._runs)

    def bound_table(self, name: str):
        """The table the fit bound to *name*, while it is still alive (the user may have rebound the name)."""
        ref = self._tables.get(name)
        return None if ref is None else ref()

    # evaluations ----------------------------------------------------------------------------------------

    def evaluation(self, key: EvaluationKey):
        """The cached evaluation for *key*, or None; a hit becomes the name's latest evaluation."""
        with self._lock:
            cache = self._evaluations.get(key.name, {})
            ev = cache.pop(key, None)
            if ev is not None:
                cache[key] = ev
            return ev

    def store_evaluation(self, key: EvaluationKey, evaluation) -> None:
        """Cache *evaluation* of the run now bound to ``key.name``; it becomes the name's latest."""
        with self._lock:
            if key.name not in self._runs:
                raise SynthnbError(f"{key.name!r} is not bound by a fit in this session; fit it before evaluating.")
            cache = self._evaluations.setdefault(key.name, {})
            cache.pop(key, None)
            cache[key] = evaluation

    def latest_evaluation(self, name: str):
        """The evaluation of *name*'s run used last (by ``%synth report`` or the fit's report), or None."""
        cache = self._evaluations.get(name)
        return next(reversed(cache.values())) if cache else None

    # cells ----------------------------------------------------------------------------------------------

    def set_cells(self, name: str, cells: RunCells) -> None:
        """Record where the cells of *name*'s run go (called when the fit cell appends them)."""
        with self._lock:
            if name not in self._runs:
                raise SynthnbError(f"{name!r} is not bound by a fit in this session; fit it before adding its cells.")
            self._cells[name] = cells

    def cells(self, name: str, run=None) -> RunCells | None:
        """Where *name*'s cells go; None when no fit cell appended them or (given *run*) it is no longer bound."""
        if run is not None and self._runs.get(name) is not run:
            return None
        return self._cells.get(name)


#: shell -> its session; weak, so a shell that goes away takes its session (and runs) with it
_SESSIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SESSIONS_LOCK = threading.Lock()


def session_for(shell) -> Session:
    """The session of *shell* (an IPython shell, or the magics holding one), made on first use.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell or SynthMagics

    Returns
    -------
    Session
    """
    shell = getattr(shell, "shell", None) or shell
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(shell)
        if session is None:
            session = _SESSIONS[shell] = Session(shell)
        return session


def _real_cache():
    from synthnb.evaluation._cache import RealSideCache

    return RealSideCache()


def _weak(table):
    try:
        return weakref.ref(table)
    except TypeError:  # not weak-referenceable: remember nothing rather than keep it alive
        return lambda: None


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold back SIGINT (a notebook's interrupt) for the few statements inside; re-raise it after them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    except ValueError:  # signals are not available here (embedded interpreter)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def rebind_note(name: str, previous, run) -> str | None:
    """One sentence when binding *run* to *name* replaced a fit made another way (None when nothing to say).

    A refit of the same source with the same generator, settings and seed (Run All) says nothing; any other
    earlier fit is named, with its table's digest, so a person sees which fit the name held and that the
    provenance cell of that fit is superseded.
    """
    if previous is None or previous is run:
        return None
    same = previous.spec.to_dict() == run.spec.to_dict() and previous.source.get("sha256") == run.source.get("sha256")
    if same:
        return None

    def how(r) -> str:
        spec = r.spec
        parts = [spec.model, f"seed {spec.seed}"]
        if spec.sensitive:
            parts.append("sensitive " + ",".join(spec.sensitive))
        if spec.target:
            parts.append(f"target {spec.target}")
        return ", ".join(parts)

    return (
        f"Note: {name} held another fit ({how(previous)}; table sha256 {previous.synthetic_sha256[:12]}…) and now "
        f"holds this one ({how(run)}). The earlier fit's provenance cell now reports itself superseded; pass "
        f"--as NEW_NAME (name=) to keep both."
    )
