"""The Evaluation record and :func:`evaluate`: sections computed once, cached, failures kept apart."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from synthnb._threads import leave_cpus
from synthnb.evaluation._registry import NEEDS, section_names, section_spec
from synthnb.evaluation._section import Section

__all__ = ["Evaluation", "evaluate"]


class Evaluation:
    """How faithful, useful, private and fair a synthetic table is; made by :func:`synthnb.evaluate`.

    Sections are computed on first access (``ev["privacy"]`` or ``ev.section("privacy")``) and cached;
    a section that fails becomes a :class:`Section` with ``error`` set and the others are unaffected.
    Thread-safe: the live dashboard computes sections in a background thread.
    """

    def __init__(
        self,
        ctx,
        *,
        sections: Iterable[str],
        fingerprint: str,
        run_name: str | None = None,
        spec: dict | None = None,
        notes: Iterable[str] = (),
    ):
        self._ctx = ctx
        #: evaluation-wide findings that belong to no one section (the roles proposed, or why none was)
        self._notes = list(notes)
        self._names = [s for s in section_names() if s in set(sections)]
        self._done: dict[str, Section] = {}
        self._lock = threading.RLock()
        self._locks = {name: threading.Lock() for name in self._names}
        #: minimal? -> (section, html) of the ydata-profiling comparison, built on demand
        self._profiles: dict[bool, tuple[Section, str]] = {}
        #: minimal? -> (the comparison under way in the profile worker, when it started)
        self._pending: dict[bool, tuple[Any, float]] = {}
        self.fingerprint = fingerprint
        self.run_name = run_name
        self.spec = spec
        #: section -> its latest progress event while it computes
        self._progress: dict[str, Any] = {}
        ctx.listeners.append(self._note_progress)

    def __getstate__(self):
        # locks belong to one process: an evaluation computed in a worker (synthnb.compare) travels without them
        from dataclasses import replace

        state = self.__dict__.copy()
        del state["_lock"], state["_locks"]
        state["_pending"] = {}  # a comparison under way belongs to this process's worker
        state["_ctx"] = replace(self._ctx, listeners=[])  # listeners (widgets, closures) belong to this process
        state["_progress"] = {}
        return state

    def __setstate__(self, state):
        state.setdefault("_pending", {})
        state.setdefault("_notes", [])
        state.setdefault("_progress", {})
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self._locks = {name: threading.Lock() for name in self._names}
        self._ctx.listeners.append(self._note_progress)

    def _note_progress(self, event) -> None:
        self._progress[event.stage] = event

    def watch(self, callback) -> Evaluation:
        """Call *callback* with a :class:`synthnb.progress.ProgressEvent` as long sections advance.

        The event's ``stage`` is the section's name, ``done``/``total`` its steps (column pairs, columns) and
        ``message`` what they are. Returns the evaluation.
        """
        self._ctx.listeners.append(callback)
        return self

    def progress_of(self, name: str):
        """The latest progress event of section *name* while it computes; None once done or before it starts."""
        return None if name in self._done else self._progress.get(name)

    # --- computing -------------------------------------------------------------------------------------
    @property
    def context(self):
        """The frames and column roles (sensitive, target, quasi-identifiers, secret) used."""
        return self._ctx

    @property
    def section_names(self) -> list[str]:
        return list(self._names)

    def section(self, name: str) -> Section:
        """The section *name*, computed now if needed."""
        from synthnb.errors import SynthnbError

        if name == "profile":
            return self.profile()[0]
        if name not in self._names:
            raise SynthnbError(f"no section {name!r} in this evaluation; it has: {', '.join(self._names)}.")
        with self._locks[name]:
            if name not in self._done:
                self._done[name] = _compute(name, self._ctx)
        return self._done[name]

    __getitem__ = section

    def computed(self, name: str) -> Section | None:
        """The section if it is already computed, else None (never computes)."""
        return self._done.get(name)

    def compute_all(self, callback: Callable[[Section], None] | None = None) -> Evaluation:
        """Compute every section in order, calling *callback* with each as it finishes."""
        for name in self._names:
            sec = self.section(name)
            if callback is not None:
                callback(sec)
        return self

    @property
    def sections(self) -> dict[str, Section]:
        """Every section, computed."""
        return {name: self.section(name) for name in self._names}

    def start_profile(self, minimal: bool = True) -> Evaluation:
        """Start building the ydata-profiling comparison now, in a second process, and return at once.

        The sections computed meanwhile run beside it on another core; :meth:`profile` (or a report that
        includes the profile) then waits only for what is left of it."""
        minimal = bool(minimal)
        with self._lock:
            if minimal not in self._profiles and minimal not in self._pending:
                from synthnb.evaluation.profile import start

                self._pending[minimal] = (start(self._ctx, self.fingerprint, minimal), time.perf_counter())
        return self

    def profile(self, minimal: bool = True) -> tuple[Section, str]:
        """Build (once per *minimal*) the ydata-profiling comparison; returns its section record and HTML."""
        minimal = bool(minimal)
        with self._lock:
            if minimal not in self._profiles:
                from synthnb.evaluation.profile import section

                self.start_profile(minimal)
                pending, t0 = self._pending.pop(minimal)
                try:
                    html = pending.result()
                    sec = _timed(section(html), time.perf_counter() - t0)
                except Exception as exc:
                    sec, html = _failed("profile", "Profile", exc, time.perf_counter() - t0), ""
                self._profiles[minimal] = (sec, html)
            return self._profiles[minimal]

    def built_profile(self) -> bool | None:
        """Which comparison is built or under way: False for the full one, True for the minimal one, None if
        neither (the full one first when both are)."""
        have = {*self._profiles, *self._pending}
        return False if False in have else (True if True in have else None)

    # --- summaries -------------------------------------------------------------------------------------
    @property
    def scores(self) -> dict[str, float]:
        """Every headline number, flat, with names that say what they are."""
        from synthnb.evaluation._registry import finite_scores

        out: dict[str, float] = {}
        for sec in self.sections.values():
            out.update(finite_scores(sec.scores)[0])  # never a NaN, whichever way a section was built
        return out

    @property
    def absent(self) -> dict[str, str]:
        """Every figure a section could not compute -> why (it is not in :attr:`scores`)."""
        from synthnb.evaluation._registry import finite_scores

        out: dict[str, str] = {}
        for sec in self.sections.values():
            out.update(sec.absent)
            out.update(finite_scores(sec.scores)[1])
        return out

    @property
    def findings(self) -> list[str]:
        """Plain-language conclusions of every section (failures included)."""
        out = []
        if self._ctx.optimistic:
            out.append("No real rows were held out from fitting: utility and privacy figures are optimistic.")
        out.extend(self._notes)
        for sec in self.sections.values():
            if sec.error:
                out.append(f"{sec.title} could not be computed: {sec.error}")
            out.extend(sec.findings)
        return out

    @property
    def timings(self) -> dict[str, float]:
        """Seconds per computed section."""
        t = {name: sec.seconds for name, sec in self._done.items()}
        for minimal, (sec, _) in self._profiles.items():
            t["profile" if minimal else "profile_full"] = sec.seconds
        return t

    def to_dict(self) -> dict[str, Any]:
        from synthnb._version import __version__

        ctx = self._ctx
        return {
            "synthnb": __version__,
            "run": self.run_name,
            "spec": self.spec,
            "source_sha256": self.fingerprint,
            "rows": {
                "real": len(ctx.real),
                "fitted": len(ctx.train),
                "holdout": 0 if ctx.holdout is None else len(ctx.holdout),
                "synthetic": len(ctx.synthetic),
            },
            "sensitive": list(ctx.sensitive),
            "target": ctx.target,
            "quasi_identifiers": list(ctx.quasi_identifiers),
            "secret": ctx.secret,
            "proposed": {
                role: {"value": list(v) if isinstance(v, tuple) else v, "why": why}
                for role, (v, why) in ctx.proposed.items()
            },
            "scores": self.scores,
            "findings": self.findings,
            "sections": {name: sec.to_dict() for name, sec in self.sections.items()},
        }

    def to_json(self, path=None, indent: int | None = 1) -> str:
        """The whole evaluation as JSON (written to *path* too when given)."""
        from synthnb.evaluation.render import to_json

        return _maybe_write(to_json(self, indent=indent), path)

    def to_markdown(self, path=None) -> str:
        """Headline scores, findings and per-section tables as Markdown."""
        from synthnb.evaluation.render import to_markdown

        return _maybe_write(to_markdown(self), path)

    def to_html(self, path=None, include_profile: bool | str = False) -> str:
        """A standalone HTML report with every section and its plots.

        *include_profile*: True adds the ydata-profiling comparison already built or under way (the full one
        when there is one), else the minimal one; ``"full"`` or ``"minimal"`` asks for that one."""
        from synthnb.evaluation.render import to_html

        return _maybe_write(to_html(self, include_profile=include_profile), path)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from synthnb.evaluation.render import summary_html, to_markdown

        return {
            "text/html": summary_html(self),
            "text/markdown": to_markdown(self, tables=False),
            "text/plain": repr(self),
        }

    def __repr__(self) -> str:
        done = ", ".join(f"{n}={'…' if n not in self._done else _fmt(self._done[n])}" for n in self._names)
        return f"<synthnb.Evaluation {done}>"


def _fmt(sec: Section) -> str:
    if sec.error:
        return "error"
    return "n/a" if sec.score is None else f"{sec.score:.3f}"  # n/a: cannot be judged (the headline says why)


def _maybe_write(text: str, path) -> str:
    if path is not None:
        from pathlib import Path

        Path(path).write_text(text, encoding="utf-8")
    return text


def _timed(sec: Section, seconds: float) -> Section:
    from dataclasses import replace

    return replace(sec, seconds=round(seconds, 3))


def _failed(name: str, title: str, exc: BaseException, seconds: float) -> Section:
    from synthnb.errors import SynthnbError

    if isinstance(exc, SynthnbError):
        message = str(exc)
    else:
        last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        where = f" (in {last[0].name})" if last else ""
        message = f"{type(exc).__name__}: {exc}{where}"
    return Section(name=name, title=title, error=message, seconds=round(seconds, 3))


def _compute(name: str, ctx) -> Section:
    spec = section_spec(name)
    t0 = time.perf_counter()
    profile = sys.modules.get("synthnb.evaluation.profile")
    # in the computing thread (numba's and OpenMP's settings are per thread); a core left to the profile worker
    # while it builds, so that the two processes do not take turns on the same cores
    with leave_cpus(1 if profile is not None and profile.busy() else 0):
        try:
            sec = spec.compute(ctx)
        except Exception as exc:  # one failing section must not hide the others
            return _failed(name, spec.title, exc, time.perf_counter() - t0)
    return _timed(sec, time.perf_counter() - t0)


def evaluate(
    real,
    synthetic=None,
    *,
    sensitive=None,
    target=None,
    quasi_identifiers=None,
    secret=None,
    holdout=None,
    sections: Iterable[str] | None = None,
    lazy: bool = False,
    seed: int | None = None,
    name: str | None = None,
    direct_identifiers=None,
    cache=None,
    profile: bool | str | None = None,
    propose: bool = True,
    progress=None,
) -> Evaluation:
    """Evaluate a synthetic table against the real one: fidelity, utility, privacy and fairness.

    Call it as ``evaluate(run)`` or ``evaluate(real_df, synthetic_df)``.

    Parameters
    ----------
    real : Run or pandas.DataFrame
        A :class:`synthnb.Run` (its real, synthetic and held-out rows and its sensitive/target columns are
        used unless given here), or the real table.
    synthetic : pandas.DataFrame, optional
        The synthetic table, when *real* is a table; leave it out when *real* is a Run.
    sensitive : str or list of str, optional
        Columns that define groups for fairness (also known to the attacker in the privacy section).
    target : str, optional
        The column a downstream model predicts (utility, fairness; default secret of the privacy attack).
    quasi_identifiers : list of str, optional
        Columns an attacker knows about a real person. Default: the sensitive columns plus columns whose
        names look demographic (age, sex, race, marital status, country, ...).
    secret : str, optional
        The column the attacker tries to infer (default: the target).
    holdout : pandas.DataFrame, optional
        Real rows the generator never saw, when *real* is a table (for a Run they are known).
    sections : str or list of str, optional
        Subset of :func:`synthnb.evaluation.section_names` (fidelity, diagnostic, utility, privacy, fairness;
        default: all that the inputs allow).
    lazy : bool
        Return at once and compute sections when first asked for (the live dashboard does this).
    seed : int, optional
        Seed of the models and baselines (default: the run's seed, else 0).
    name : str, optional
        A label for reports (the variable name of the synthetic table).
    direct_identifiers : str or list of str, optional
        Columns that identify a person on their own (names, e-mails, case numbers). They are left out of
        fidelity, diagnostic, utility and fairness (they are not data) and checked by the privacy section.
    profile : bool or {"minimal", "full"}, optional
        Start building the ydata-profiling comparison at once (True or "minimal": the minimal one; "full": the
        full one), in a second process beside the sections; ``ev.profile()`` and ``ev.to_html(...,
        include_profile=True)`` then wait only for what is left. Default: built when first asked for.
    propose : bool
        When no target (or no sensitive column) is given, propose one the way the Workbench presets its form
        (a binary column such as ``income``; columns named sex, gender, race, ethnicity or age group), use it for
        utility, fairness and the by-group figures, and say so in the findings; when none qualifies, the findings
        say why and how to add it. A proposed target is not the privacy attack's secret, so privacy figures and
        export decisions do not change. The rules: :mod:`synthnb.evaluation._context`. False: propose nothing.
    progress : callable, optional
        Called with a :class:`synthnb.progress.ProgressEvent` (stage: the section's name) as long sections
        advance; ``ev.watch(callback)`` adds one later.
    cache : synthnb.evaluation._cache.RealSideCache, optional
        Where real-side work (the real-trained model, the real rows' encodings) is kept per source and reused
        by the next evaluation of the same source; default the process-wide one (two sources). A session
        passes its own.

    Returns
    -------
    Evaluation
    """
    from synthnb.errors import SynthnbError
    from synthnb.evaluation._cache import PROCESS_CACHE
    from synthnb.evaluation._context import make_context
    from synthnb.fingerprint import source_fingerprint
    from synthnb.generators.sdv_adapter import table_metadata
    from synthnb.run import Run
    from synthnb.spec import split_columns

    if profile not in (None, False, True, "minimal", "full"):
        raise SynthnbError(f"profile={profile!r}: use True (or 'minimal') or 'full'.")
    if isinstance(synthetic, Run):
        raise SynthnbError("a Run knows its real and synthetic rows: call evaluate(run), not evaluate(real_df, run).")
    run = real if isinstance(real, Run) else None
    if run is not None:
        if synthetic is not None:
            raise SynthnbError(
                "a Run already holds its synthetic table: call evaluate(run), or "
                "evaluate(real_df, synthetic_df) for two tables."
            )
        if holdout is not None:
            raise SynthnbError("a Run already knows its held-out rows; drop holdout=... when passing a Run.")
        # dropped identifier columns (free text) are not in the synthetic table: compare only what it has
        # selected (a copy) only when a column was dropped: otherwise the evaluation reads the Run's own real table
        # rather than holding a second copy of it (no section writes to its frames; a test checks)
        kept_cols = list(run.synthetic.columns)
        dropped = list(run.real.columns) != kept_cols
        real_df, synthetic = (run.real[kept_cols] if dropped else run.real), run.synthetic
        train = run.train[kept_cols] if dropped else run.train
        held = (run.holdout[kept_cols] if dropped else run.holdout) if run.n_holdout else None
        sensitive = run.spec.sensitive if sensitive is None else sensitive
        target = run.spec.target if target is None else target
        found = [r.column for r in run.identifiers if r.role == "direct" and r.action != "drop"]
        direct_identifiers = [*dict.fromkeys([*found, *split_columns(direct_identifiers)])]
        faked = [r.column for r in run.identifiers if r.role == "direct" and r.action == "replace"]
        if quasi_identifiers is None and any(r.role == "quasi" for r in run.identifiers):
            secret_col = secret if secret is not None else target
            detected = [*(r.column for r in run.identifiers if r.role == "quasi"), *split_columns(sensitive)]
            quasi_identifiers = [c for c in dict.fromkeys(detected) if c != secret_col]
        seed = run.spec.seed if seed is None else seed
        fingerprint = run.source["sha256"]
        spec = run.spec.to_dict()
        metadata = table_metadata(run)  # the metadata its generator learned with: scores equal SDV's report
    else:
        if synthetic is None:
            raise SynthnbError(
                "evaluate needs the synthetic table: evaluate(real_df, synthetic_df, ...) or evaluate(run)."
            )
        real_df, train, held, spec = real, None, holdout, None
        faked = None  # two tables: every direct identifier (nobody can tell whether it was learned)
        fingerprint = None
        metadata = None  # SDV's detection on the real table
        if direct_identifiers is None:  # the same content-based detection a fit uses
            from synthnb._frames import check_frame
            from synthnb.identifiers import detect_identifiers

            check_frame(real_df, "the real table")
            roles = {*split_columns(sensitive), target, secret}
            direct_identifiers = [
                r.column for r in detect_identifiers(real_df) if r.role == "direct" and r.column not in roles
            ]
    ctx = make_context(
        real_df,
        synthetic,
        train=train,
        holdout=held,
        sensitive=sensitive,
        target=target,
        quasi_identifiers=quasi_identifiers,
        secret=secret,
        seed=0 if seed is None else seed,
        direct_identifiers=direct_identifiers,
        faked=faked,
        metadata=metadata,
        cache=PROCESS_CACHE if cache is None else cache,
        propose=bool(propose),
    )
    if fingerprint is None:
        fingerprint = source_fingerprint(ctx.real)["sha256"]
    wanted = _wanted(ctx, sections)
    notes = _role_notes(ctx, wanted, by_default=sections is None)
    ev = Evaluation(ctx, sections=wanted, fingerprint=fingerprint, run_name=name, spec=spec, notes=notes)
    if progress is not None:
        ev.watch(progress)
    if profile:
        ev.start_profile(minimal=profile != "full")
    if not lazy:
        ev.compute_all()
    return ev


def _wanted(ctx, sections: Iterable[str] | None) -> list[str]:
    """The sections asked for, checked; by default every section whose inputs (``needs``) are given."""
    from synthnb.errors import SynthnbError

    names = section_names()
    if sections is None:
        return [n for n in names if all(getattr(ctx, need) for need in section_spec(n).needs)]
    from synthnb.spec import split_columns

    wanted = list(split_columns(sections))  # "fidelity,privacy" as well as ["fidelity", "privacy"]
    unknown = [s for s in wanted if s not in names]
    if unknown:
        raise SynthnbError(f"unknown section(s) {unknown}; choose from {', '.join(names)}.")
    for need, (missing, fix) in NEEDS.items():  # a need is the context attribute it names
        lacking = [n for n in wanted if need in section_spec(n).needs]
        if lacking and not getattr(ctx, need):
            verb = "needs" if len(lacking) == 1 else "need"
            raise SynthnbError(f"{' and '.join(lacking)} {verb} {missing}; {fix}.")
    return wanted


#: role -> (argument, the ``%synth`` flag, what uses it)
_ROLE_WORDS = {
    "target": ("target='COLUMN'", "--target COLUMN", "utility and the fairness of a trained model"),
    "sensitive": ("sensitive=['COLUMN', ...]", "--sensitive COL1,COL2", "fairness and the by-group figures"),
}


def _role_notes(ctx, wanted: list[str], *, by_default: bool) -> list[str]:
    """What was proposed for the roles not given, or why nothing was and how to add it (one finding each).

    A proposal is said when a section asked for uses it; a role none could be proposed for is said only when
    the sections were left to the defaults (a user who named the sections asked for what they got)."""
    notes = []
    for role in ("target", "sensitive"):
        if role not in ctx.proposed:
            continue
        value, why = ctx.proposed[role]
        arg, flag, uses = _ROLE_WORDS[role]
        used = [n for n in wanted if role in section_spec(n).needs]
        name = "target" if role == "target" else "sensitive column"
        if value:
            if not used:
                continue
            many = isinstance(value, tuple) and len(value) > 1
            shown = ", ".join(value) if isinstance(value, tuple) else value
            head = f"{name.capitalize()}{'s' if many else ''} proposed"
            verb = "uses" if len(used) == 1 else "use"
            notes.append(
                f"{head}: {shown} ({why}); {' and '.join(used)} {verb} {'them' if many else 'it'}. Pass {arg} "
                f"(%synth: {flag}) to choose, or propose=False for none."
            )
        elif by_default:
            notes.append(
                f"No {name} given and none proposed ({why}): {uses} are not computed. Pass {arg} "
                f"(%synth: {flag}) to add them."
            )
    return notes
