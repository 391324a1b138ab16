"""The ``synthnb`` command line: one subcommand per module, registered in ``_SUBCOMMANDS``."""

from __future__ import annotations

import argparse
import importlib
import sys

from synthnb.errors import SynthnbError

__all__ = ["main"]

#: subcommand -> module providing ``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``
_SUBCOMMANDS = {
    "materialize": "synthnb.notebook._materialize_cli",
    "verify": "synthnb.provenance.verify_cli",
}


def build_parser() -> argparse.ArgumentParser:
    from synthnb._version import __version__

    parser = argparse.ArgumentParser(prog="synthnb", description="synthnb: synthetic tabular data, from notebooks.")
    parser.add_argument("--version", action="version", version=f"synthnb {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in _SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``synthnb COMMAND ...``; errors a user can cause print one line and exit with status 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except SynthnbError as exc:
        print(f"synthnb {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
