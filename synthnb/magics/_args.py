"""What every ``%synth`` subcommand does with its text before the API call: parse, look up the frame, explain.

- :func:`parse` reads the text after ``%synth SUB`` with that subcommand's own argparse parser (the
  ``@magic_arguments`` of its module). Any problem is one :class:`SynthnbError`: argparse's sentence, a
  "did you mean" for a misspelt option (``--sensitve`` -> ``--sensitive``), and the usage line generated
  from the same parser, so it always lists every option the subcommand has.
- :func:`require_frame` looks a DataFrame up in the notebook by name, with a "did you mean" over the
  notebook's DataFrames.
- :class:`HelpFormatter` is how ``%synth help`` and the usage lines print: a plain ``usage: %synth ...``
  line at a fixed width.
"""

from __future__ import annotations

import argparse
import difflib
import inspect
import re

from synthnb.errors import SynthnbError

__all__ = ["HelpFormatter", "parse", "require_frame", "usage"]


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse help as a notebook user reads it: a plain ``usage: %synth ...`` line and a fixed width.

    IPython's own formatter writes reST (a ``::`` block, ``<...>`` around choices) for its docs build; here
    the text is printed as is.
    """

    def __init__(self, prog: str):
        # a fixed width, not the terminal's: the help is the same in every kernel and saved notebook
        super().__init__(prog, max_help_position=26, width=100)

    def _fill_text(self, text, width, indent):
        return super()._fill_text(inspect.cleandoc(text), width, indent)

    def _split_lines(self, text, width):
        # never at a hyphen: "comma-separated" split over two lines reads as two words
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="usage: %")

    def _get_help_string(self, action):
        # argparse %-formats every help text; ours mention %synth and %config, so a lone % is literal
        # (a doubled %% and a %(name)s code keep their argparse meaning)
        return re.sub(r"%%|%\(|%", lambda m: m.group() if len(m.group()) == 2 else "%%", action.help or "")


def usage(command) -> str:
    """The usage line of a subcommand, generated from its parser: the arguments first, then every option.

    ``usage: %synth fit DF [--model MODEL] [--rows ROWS] ...``; an option that takes no value is ``[--flag]``,
    a required one has no brackets.
    """
    parser = command.parser
    words = [f"%{parser.prog}"]
    words += [(a.metavar or a.dest).upper() for a in parser._actions if not a.option_strings]
    for action in parser._actions:
        if not action.option_strings or isinstance(action, argparse._HelpAction):
            continue
        flag = next((s for s in action.option_strings if s.startswith("--")), action.option_strings[0])
        word = flag if action.nargs == 0 else f"{flag} {action.metavar or action.dest.upper()}"
        words.append(word if action.required else f"[{word}]")
    return "usage: " + " ".join(words)


def parse(command, text: str):
    """Parse *text* (what follows ``%synth SUB``) with *command*'s parser; a problem is one SynthnbError.

    The message is argparse's own sentence, then "did you mean --x?" for each unknown option spelt like
    one the subcommand has, then the generated usage line, then where the full help is.
    """
    from IPython.core.magic_arguments import parse_argstring

    try:
        return parse_argstring(command, text)
    except (Exception, SystemExit) as exc:  # argparse reports bad flags through UsageError / SystemExit
        message = str(exc).strip() or "could not read the options"
    sub = command.parser.prog.split()[-1]
    hints = _option_hints(command.parser, message)
    raise SynthnbError(
        f"%synth {sub}: {message}.{hints} {usage(command).replace('usage: ', 'Usage: ', 1)} "
        f"(all options: %synth help {sub})"
    ) from None


def _option_hints(parser, message: str) -> str:
    known = [s for action in parser._actions for s in action.option_strings if s.startswith("--")]
    unknown = [w for w in re.findall(r"(?<!\S)(--?[A-Za-z][\w-]*)", message) if w not in known]
    out = []
    for word in dict.fromkeys(unknown):
        close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
        if close:
            out.append(f" Did you mean {close[0]} (not {word})?")
    return "".join(out)


def require_frame(ns: dict, name: str, sub: str):
    """The DataFrame the notebook calls *name*; a SynthnbError with "did you mean" when there is none."""
    import pandas as pd

    if name in ns and isinstance(ns[name], pd.DataFrame):
        return ns[name]
    if name in ns:
        raise SynthnbError(
            f"{name} holds a {type(ns[name]).__name__}, not a DataFrame; %synth {sub} needs a table "
            f"(e.g. {name} = pd.read_csv(...))."
        )
    frames = [key for key, value in ns.items() if not key.startswith("_") and isinstance(value, pd.DataFrame)]
    close = difflib.get_close_matches(name, frames, n=3)
    if close:
        hint = f"did you mean {' or '.join(map(repr, close))}? (%synth {sub} {close[0]})"
    else:
        hint = f"create the DataFrame first, e.g. {name} = synthnb.datasets.load_adult()."
    raise SynthnbError(f"no variable named {name!r} in the notebook; {hint}")
