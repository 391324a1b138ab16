"""The ``%synth`` magics: parse text into a spec, call the API, display. Nothing else lives here."""

from __future__ import annotations

import importlib
import re
import shlex
import textwrap

from IPython.core.magic import Magics, line_cell_magic, magics_class
from traitlets import Bool, Enum, Float, Int, Unicode

from synthnb.errors import SynthnbError
from synthnb.magics._args import HelpFormatter

__all__ = ["SynthMagics"]

#: subcommand -> module with ``execute(magics, rest)`` and a ``command`` whose __doc__ is its help
_SUBCOMMANDS = {
    "fit": "synthnb.magics._fit",
    "report": "synthnb.magics._report",
    "datasheet": "synthnb.magics._datasheet",
    "export": "synthnb.magics._export",
    "verify": "synthnb.magics._verify",
    "augment": "synthnb.magics._augment",
    "collapse": "synthnb.magics._collapse",
    "scope": "synthnb.magics._scope",
    "workbench": "synthnb.magics._workbench",
    "compare": "synthnb.magics._compare",
    "profile": "synthnb.magics._profile",
}


@magics_class
class SynthMagics(Magics):
    """``%synth SUBCOMMAND ...``; defaults are configurable with ``%config SynthMagics.x = ...``."""

    model = Unicode("gaussian_copula", help="Generator used when --model is not given.").tag(config=True)
    seed = Int(0, help="Seed used when --seed is not given.").tag(config=True)
    holdout = Float(0.2, help="Fraction of real rows kept out of fitting when --holdout is not given.").tag(config=True)
    epochs = Int(
        None,
        allow_none=True,
        help="Epochs for neural generators when --epochs is not given (None: SDV's default of 300).",
    ).tag(config=True)
    progress = Bool(True, help="Show live progress while fitting.").tag(config=True)
    suffix = Unicode("_syn", help="Suffix of the default name bound to the synthetic table.").tag(config=True)
    report_mode = Enum(
        ["auto", "live", "static"],
        "auto",
        help="How %synth report shows an evaluation: 'live' "
        "(widget filled in the background), 'static' (computed now, plain HTML; deterministic), "
        "'auto' (live when JupyterLab started the kernel, else static).",
    ).tag(config=True)

    @property
    def session(self):
        """This kernel's :class:`synthnb.session.Session`: the runs, their evaluations and their cells."""
        from synthnb.session import session_for

        return session_for(self.shell)

    @property
    def runs(self) -> dict:
        """A copy of the session's name -> Run mapping (changing it changes nothing; for notebooks that read it)."""
        return self.session.runs()

    @line_cell_magic
    def synth(self, line: str, cell: str | None = None):
        commands = [line] if cell is None else [line, *cell.splitlines()]
        commands = [text for text in commands if text.strip() and not text.lstrip().startswith("#")]
        if not commands:  # a bare %synth (or an empty %%synth) asks what it can do
            print(_HELP)
            return None
        result = None
        for text in commands:
            result = self._dispatch(text)
        return result

    def _dispatch(self, text: str):
        try:
            words = shlex.split(text)
        except ValueError as exc:
            raise SynthnbError(f"could not read {text!r}: {exc}; check the quotes.") from None
        sub, rest = words[0], text.strip()[len(words[0]) :].strip()
        if sub in _HELP_WORDS:  # %synth help [SUBCOMMAND]
            topic = words[1] if len(words) > 1 else None
            if topic is not None and topic not in _SUBCOMMANDS:
                raise SynthnbError(f"no help on {topic!r}; use one of: {', '.join(_SUBCOMMANDS)} (or %synth help).")
            print(_HELP if topic is None else subcommand_help(topic))
            return None
        if sub not in _SUBCOMMANDS:
            raise SynthnbError(f"unknown subcommand {sub!r}; use one of: {', '.join(_SUBCOMMANDS)} (see %synth?).")
        if any(word in ("-h", "--help") for word in words[1:]):  # %synth fit --help
            print(subcommand_help(sub))
            return None
        return importlib.import_module(_SUBCOMMANDS[sub]).execute(self, rest)

    def after_fit(self, name: str, run, args) -> None:
        """What the notebook shows after a fit: summary, provenance and datasheet cells, the report.

        Headless (static report) the evaluation is computed first, so the datasheet carries its figures
        when the cell ends; live, the datasheet is updated from the dashboard's thread when it finishes.
        """
        from IPython.display import display

        from synthnb.magics._display import run_summary_bundle
        from synthnb.magics._report import report_evaluation, resolve_mode, show_report
        from synthnb.notebook.fit_cells import append_fit_cells

        session = self.session
        display(run_summary_bundle(run, name), raw=True)
        report = not getattr(args, "no_report", False)
        mode = resolve_mode(self.report_mode) if report else None
        evaluation = None
        if mode == "static":
            evaluation = report_evaluation(session, name).compute_all()
        append_fit_cells(session, name, args.df, evaluation=evaluation)
        if report:
            show_report(session, name, mode=mode or self.report_mode, datasheet=mode != "static")


_HELP_WORDS = ("help", "-h", "--help")

#: ``%synth fit?`` (or ``??``, or ``%%synth fit?``) alone on a line: IPython would look up an object named ``fit``
_SUB_HELP = re.compile(r"^(\s*)%{1,2}synth\s+([A-Za-z_]+)\s*\?{1,2}\s*$")


def help_lines(lines: list[str]) -> list[str]:
    """An input transformer: ``%synth SUB?`` becomes ``%synth help SUB`` (the subcommand's help alone).

    IPython reads a trailing ``?`` as "show the docstring of the name before it", and for ``%synth fit?`` that
    name is ``fit``. Registered by ``%load_ext synthnb`` in ``input_transformers_cleanup``, which runs before
    IPython's own help syntax; other lines pass unchanged.
    """
    out = []
    for line in lines:
        m = _SUB_HELP.match(line)
        out.append(f"{m.group(1)}%synth help {m.group(2)}\n" if m and m.group(2) not in _HELP_WORDS else line)
    return out


def subcommand_help(sub: str) -> str:
    """The help of ``%synth SUB``: usage, what it does, every argument and option."""
    parser = importlib.import_module(_SUBCOMMANDS[sub]).command.parser
    formatter = HelpFormatter(parser.prog)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    formatter.add_text(parser.description)
    for group in parser._action_groups:
        formatter.start_section(group.title)
        formatter.add_text(group.description)
        formatter.add_arguments(group._group_actions)
        formatter.end_section()
    return formatter.format_help().strip()


def _build_help() -> str:
    """The help of ``%synth``: the subcommands in a line each, the configurable defaults, then each subcommand."""
    summaries = []
    for sub in _SUBCOMMANDS:
        description = importlib.import_module(_SUBCOMMANDS[sub]).command.parser.description or ""
        summary = description.strip().splitlines()[0]
        summaries.append(textwrap.fill(summary, 100, initial_indent=f"  {sub:<10} ", subsequent_indent=" " * 13))
    defaults = []
    for name, trait in SynthMagics.class_own_traits(config=True).items():
        head = f"  {name:<12} {trait.default_value!r:<18} "
        defaults.append(textwrap.fill(trait.help, 100, initial_indent=head, subsequent_indent=" " * len(head)))
    parts = [
        "%synth SUBCOMMAND [options]       run one subcommand (%%synth: one subcommand per line)\n"
        "%synth help [SUBCOMMAND]          this help (also %synth?, a bare %synth, %synth SUBCOMMAND --help)",
        "Subcommands:\n" + "\n".join(summaries),
        "Defaults, set with %config SynthMagics.NAME = value (e.g. %config SynthMagics.model = 'ctgan'):\n"
        + "\n".join(defaults),
    ]
    parts += [f"--- %synth {sub} ---\n{subcommand_help(sub)}" for sub in _SUBCOMMANDS]
    return "\n\n".join(parts)


_HELP = _build_help()
SynthMagics.synth.__doc__ = _HELP
