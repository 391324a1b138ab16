"""The Workbench panel: an anywidget for the controls, with the evaluation dashboard below it.

A click arrives as a comm message, which has no cell of its own: the cell that showed the panel is
remembered (when the panel is made and when it is displayed) and the cells a click writes go below it.
Clicks run in the kernel, one at a time; progress reaches the panel at once because widget updates
go out on IOPub while the handler runs.
"""

from __future__ import annotations

import logging

import anywidget
import ipywidgets
import traitlets

from synthnb.errors import SynthnbError
from synthnb.magics._progress_view import ProgressView

__all__ = ["Workbench", "WorkbenchView"]

_log = logging.getLogger("synthnb.workbench")


def asset_dir():
    """Where workbench.js/.css are: the installed wheel's copy, else the repository's widgets/ folder."""
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_static" / "workbench", here.parent / "widgets" / "workbench"):
        if (candidate / "workbench.js").is_file():
            return candidate
    raise FileNotFoundError("synthnb's Workbench front end (workbench.js) is missing; reinstall synthnb.")


class WorkbenchView(anywidget.AnyWidget):
    """The panel's controls and messages; the :class:`Workbench` decides what a click does."""

    _esm = asset_dir() / "workbench.js"
    _css = asset_dir() / "workbench.css"

    #: {"title", "columns", "models": [[key, label]], "neural": [...], "n_rows"}: the choices, from the frame
    options = traitlets.Dict().tag(sync=True)
    #: {"model", "rows", "seed", "epochs", "sensitive": [...], "target", "path", "reason"}: what is chosen
    values = traitlets.Dict().tag(sync=True)
    #: "idle" | "fitting" | "evaluating" | "exporting"
    status = traitlets.Unicode("idle").tag(sync=True)
    identifiers_html = traitlets.Unicode("").tag(sync=True)
    progress_html = traitlets.Unicode("").tag(sync=True)
    summary_html = traitlets.Unicode("").tag(sync=True)
    #: {"kind": "error" | "info", "text": one line} or {}
    message = traitlets.Dict().tag(sync=True)
    #: the export gate's refusal (empty when none stands)
    refusal = traitlets.Unicode("").tag(sync=True)
    #: {"fit": "%synth fit ...", "export": "%synth export ..."}: the lines the summary cells hold
    lines = traitlets.Dict().tag(sync=True)


class _PanelProgress(ProgressView):
    """The magic's progress bars (same stages, throttling and timer), drawn into the panel."""

    def __init__(self, view: WorkbenchView, title: str):
        super().__init__(title)
        self._view = view

    def __call__(self, event) -> None:
        if event.message == "identifiers":
            from synthnb.magics._display import identifiers_bundle

            self._view.identifiers_html = identifiers_bundle(event.identifiers)["text/html"]
            return
        super().__call__(event)

    def _show(self, now: float) -> None:
        self._last = now
        self._view.progress_html = self._bundle(now)["text/html"]


class Workbench:
    """A no-code panel over :func:`synthnb.fit`, :func:`synthnb.evaluate` and :func:`synthnb.export`.

    Displaying it shows controls whose choices come from *df* (model, rows, seed, epochs, sensitive
    columns, target), Fit / Evaluate / Export buttons, live progress, the identifiers found and the
    evaluation dashboard. A fit binds *name* in the notebook like ``%synth fit`` and writes, below the
    cell that showed the panel, a summary cell holding the equivalent ``%synth fit`` line, the provenance
    cell and (at the end) the datasheet, so Run All after a restart re-creates everything without clicks.

    Parameters
    ----------
    df : pandas.DataFrame
        The real table; never modified.
    name : str, optional
        Variable to bind the synthetic table to (default ``<df_name>_syn``).
    df_name : str, optional
        The notebook variable holding *df* (default: found in the notebook by identity).

    Attributes
    ----------
    run : synthnb.Run or None
        The latest fit.
    evaluation : synthnb.Evaluation or None
        The latest evaluation.

    Examples
    --------
    >>> wb = synthnb.Workbench(adult)          # doctest: +SKIP
    >>> wb                                     # shows the panel  # doctest: +SKIP
    >>> run = wb.fit(seed=1, target="income")  # doctest: +SKIP
    """

    def __init__(self, df, name: str | None = None, df_name: str | None = None):
        from synthnb._frames import check_frame
        from synthnb.generators import MODELS, NEURAL_MODELS
        from synthnb.identifiers import detect_identifiers
        from synthnb.magics._display import identifiers_bundle
        from synthnb.spec import check_identifier
        from synthnb.workbench.actions import default_sensitive, default_target

        check_frame(df, "df")
        self._df = df
        self._shell = _shell()
        self.df_name = df_name if df_name is not None else _find_name(self._shell, df)
        if self.df_name is not None:
            check_identifier(self.df_name, "df_name")
        if name is None and self._shell is not None:
            from synthnb.session import session_for

            name = session_for(self._shell).workbench_name(self.df_name)  # never a name the notebook bound
        self.name = name if name is not None else f"{self.df_name or 'df'}_syn"
        check_identifier(self.name, "name")
        self.run = None
        self.evaluation = None
        self._anchor, self._frontend = None, False
        self._capture_cell()
        if self._shell is not None and "synth" not in self._shell.magics_manager.magics["line"]:
            # the summary cell's %synth line must run after a restart: the panel's cell (above it) loads the magics
            self._shell.extension_manager.load_extension("synthnb")
        roles = detect_identifiers(df)
        target = default_target(df, roles)
        self._clicked = False
        self.view = WorkbenchView(
            options={
                "title": f"synthnb Workbench · {self.df_name or 'a table'} → {self.name}",
                "columns": [str(c) for c in df.columns],
                "models": [[key, label] for key, label in MODELS.items()],
                "neural": sorted(NEURAL_MODELS),
                "n_rows": len(df),
            },
            values={
                "model": "gaussian_copula",
                "rows": None,
                "seed": 0,
                "epochs": None,
                "sensitive": default_sensitive(df, roles, target),
                "target": target,
                "path": f"exports/{self.name}",
                "reason": "",
            },
            identifiers_html=identifiers_bundle(roles)["text/html"],
        )
        self.view.on_msg(self._on_message)
        self._dashboard = ipywidgets.VBox()
        self.widget = ipywidgets.VBox([self.view, self._dashboard])

    # display ------------------------------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        self._capture_cell()
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        # short and stable where no widget is drawn (a saved notebook, nbval, a terminal)
        data["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        fitted = "not fitted yet" if self.run is None else f"fitted: {self.name} ({len(self.run.synthetic):,} rows)"
        return f"synthnb Workbench · {self.df_name or 'a table'} → {self.name} · {fitted}"

    def _capture_cell(self) -> None:
        """Remember the executing cell (the panel's): a click has no cell, its cells go below this one."""
        from synthnb.notebook._frontend import executing_cell_id, frontend_present

        if self._shell is None:
            return
        anchor = executing_cell_id(self._shell)
        if anchor is not None:
            self._anchor, self._frontend = anchor, frontend_present(self._shell)

    # actions ------------------------------------------------------------------------------------------

    def fit(self, model=None, rows=None, seed=None, epochs=None, sensitive=None, target=None):
        """Fit with the panel's choices; arguments given override them (and are shown in the controls).

        Binds ``self.name`` in the notebook and writes the summary, provenance and datasheet cells.

        Returns
        -------
        synthnb.Run
        """
        given = {"model": model, "rows": rows, "seed": seed, "epochs": epochs, "sensitive": sensitive, "target": target}
        changes = {k: v for k, v in given.items() if v is not None}
        if "sensitive" in changes:
            changes["sensitive"] = _columns(changes["sensitive"])
        self.view.values = {**self.view.values, **changes}
        return self._act("fitting", self._fit)

    def evaluate(self):
        """Evaluate the latest fit and show the dashboard (the same as ``%synth report``) in the panel.

        Returns
        -------
        synthnb.Evaluation
        """
        return self._act("evaluating", self._evaluate)

    def export(self, path, allow_risk=None):
        """Export the table the name holds through the export gate; a refusal shows in the panel and raises.

        Parameters
        ----------
        path : str or path-like
            Folder to write into (an earlier export there is replaced).
        allow_risk : str, optional
            A person's reason to export although the gate found a privacy risk (recorded with the export).

        Returns
        -------
        synthnb.provenance.export.ExportResult
        """
        self.view.values = {**self.view.values, "path": str(path), "reason": allow_risk or ""}
        return self._act("exporting", lambda: self._export(str(path), allow_risk))

    def _act(self, status: str, work):
        """Run *work* with the panel showing *status*; its error shows as one line (and is raised from a method)."""
        view = self.view
        view.status, view.message = status, {}
        try:
            return work()
        except SynthnbError as exc:
            text = str(exc)
            if text.startswith("The export gate refused"):
                # the findings are listed in the refusal box, beside the reason to override it
                view.refusal = text
                text = text.splitlines()[0].rstrip(":") + ": see the findings below."
            view.message = {"kind": "error", "text": " ".join(text.split())}
            if not self._clicked:
                raise
        except KeyboardInterrupt:
            view.message = {"kind": "error", "text": "Interrupted."}
            raise
        except Exception as exc:  # shown briefly, logged whole; a method call still raises it
            _log.exception("synthnb Workbench: %s failed", status)
            view.message = {"kind": "error", "text": f"{type(exc).__name__}: {exc} (details in the kernel log)"}
            if not self._clicked:
                raise
        finally:
            view.status = "idle"
        return None

    def _on_message(self, widget, content, buffers) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        actions = {
            "fit": lambda: self._act("fitting", self._fit_and_evaluate),
            "evaluate": lambda: self._act("evaluating", self._evaluate),
            "export": lambda: self._act("exporting", self._export_clicked),
        }
        if kind not in actions or self.view.status != "idle":
            return
        self._clicked = True
        try:
            actions[kind]()
        finally:
            self._clicked = False

    def _fit_and_evaluate(self):
        run = self._fit()
        self._evaluate()
        return run

    def _fit(self):
        from synthnb.api import fit
        from synthnb.generators import NEURAL_MODELS, canonical_model
        from synthnb.magics._display import run_summary_bundle
        from synthnb.session import rebind_note, session_for
        from synthnb.workbench.actions import fit_line, put_fit_cells, summary_source

        values = self.view.values
        model = canonical_model(values.get("model") or "gaussian_copula")
        rows = _int_or_none(values.get("rows"), "rows")
        seed = _int_or_none(values.get("seed"), "seed") or 0
        epochs = _int_or_none(values.get("epochs"), "epochs") if model in NEURAL_MODELS else None
        target = values.get("target") or None
        # the target is what a model predicts, not a group to compare: never both (the panel greys it out)
        sensitive = [c for c in _columns(values.get("sensitive") or []) if c != target]
        # a fit that fails keeps the previous run (still bound), its summary and its dashboard
        self.view.refusal, self.view.progress_html = "", ""
        progress = _PanelProgress(self.view, f"fitting {model} on {self.df_name or 'the table'}")
        try:
            run = fit(
                self._df,
                model=model,
                rows=rows,
                seed=seed,
                holdout=0.2,
                sensitive=sensitive or None,
                target=target,
                progress=progress,
                **({"epochs": epochs} if epochs is not None else {}),
            )
        finally:
            progress.close()
        session = session_for(self._shell) if self._shell is not None else None
        own, self.run, self.evaluation = self.run, run, None
        self._dashboard.children = ()
        self.view.summary_html = run_summary_bundle(run, self.name)["text/html"]
        if session is None:  # plain Python: nothing to bind or write into
            return run
        previous = session.bind(self.name, run)
        # refitting its own name is what the panel is for (its cells are updated); only another's fit is noted
        note = rebind_note(self.name, previous, run) if previous is not own else None
        if note:
            import html

            self.view.summary_html = f"<p class='sn-wb-note'>{html.escape(note)}</p>" + self.view.summary_html
        summary = None
        if self.df_name is not None:
            line = fit_line(self.df_name, self.name, model, rows, seed, epochs, sensitive, target)
            self.view.lines = {"fit": line}
            summary = summary_source(f"Fit of {self.name}", line)
        put_fit_cells(
            session,
            self.name,
            self.df_name or "df",
            self._anchor,
            self._frontend,
            show=not self._clicked,
            summary=summary,
        )
        return run

    def _evaluate(self):
        from synthnb.dashboard.widget import Dashboard
        from synthnb.evaluation import evaluate
        from synthnb.magics._report import report_evaluation
        from synthnb.notebook.fit_cells import update_datasheet
        from synthnb.session import session_for

        if self.run is None:
            raise SynthnbError("nothing to evaluate yet; click Fit (or call wb.fit()) first.")
        if self._shell is None:
            ev = evaluate(self.run, lazy=True, name=self.name)
        else:
            session = session_for(self._shell)
            if session.run(self.name) is not self.run:
                raise SynthnbError(f"{self.name} was fitted again outside this panel; click Fit to fit it here.")
            ev = report_evaluation(session, self.name)
        dashboard = Dashboard(ev)
        self._dashboard.children = (dashboard,)
        for section in ev.section_names:  # the dashboard fills in as each section finishes
            dashboard.refresh(running=section)
            ev.section(section)
            dashboard.refresh()
        self.evaluation = ev
        if self._shell is not None and session_for(self._shell).cells(self.name, self.run) is not None:
            update_datasheet(self._shell, self.name, ev)
        return ev

    def _export_clicked(self):
        values = self.view.values
        reason = (values.get("reason") or "").strip() or None
        return self._export(str(values.get("path") or f"exports/{self.name}"), reason)

    def _export(self, path: str, allow_risk):
        from synthnb.notebook._cells import CellRequest
        from synthnb.provenance.export import export
        from synthnb.session import session_for
        from synthnb.workbench.actions import bound_table, export_line, export_summary_key, put_cell, summary_source

        if self.run is None:
            raise SynthnbError("nothing to export yet; click Fit (or call wb.fit()) first.")
        line = export_line(self.name, path, allow_risk)
        session = session_for(self._shell) if self._shell is not None else None
        data = self.run.synthetic if session is None else bound_table(self._shell, self.name)
        evaluation = self.evaluation if session is None else session.latest_evaluation(self.name)
        result = export(
            self.run,
            path,
            evaluation,
            name=self.name,
            data=data,
            overwrite=True,
            allow_risk=allow_risk or None,
            via="workbench",  # the refusal names the panel's override and the magics' options, not Python's
        )
        # a reason overrides one refusal: a later export of another table is checked afresh
        self.view.refusal, self.view.values = "", {**self.view.values, "reason": ""}
        self.view.message = {"kind": "info", "text": result.summary}  # one line each; the digests are in the manifest
        self.view.lines = {**self.view.lines, "export": line}
        if session is not None:
            request = CellRequest(
                export_summary_key(self.name), summary_source(f"Export of {self.name}", line), "code", self._anchor
            )
            put_cell(request, self._frontend, show=not self._clicked)
        return result


def _shell():
    from IPython import get_ipython

    return get_ipython()


def _find_name(shell, df) -> str | None:
    """The notebook variable that holds *df* itself (the first, skipping IPython's ``_``, ``_3``)."""
    if shell is None:
        return None
    return next((k for k, v in shell.user_ns.items() if v is df and not k.startswith("_")), None)


def _columns(value) -> list[str]:
    if isinstance(value, str):
        return [c.strip() for c in value.split(",") if c.strip()]
    return [str(c) for c in value]


def _int_or_none(value, what: str):
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SynthnbError(f"{what} must be a whole number, not {value!r}.") from None
    if number != value and not isinstance(value, str):
        raise SynthnbError(f"{what} must be a whole number, not {value!r}.")
    return number
