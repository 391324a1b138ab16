"""``synthnb verify DIR [--key KEY]``: the console-script face of :func:`synthnb.verify`."""

from __future__ import annotations

import argparse

__all__ = ["HELP", "add_arguments", "run"]

HELP = "check an export folder against its signed manifest (exit 0 OK, 1 mismatch, 2 unusable input)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", help="the folder an export wrote")
    parser.add_argument(
        "--key",
        default=None,
        help="the publisher's key fingerprint (sha256:<hex>), public key, or a file holding one; without it the "
        "check proves integrity only, not who signed",
    )


def run(args: argparse.Namespace) -> int:
    """Print the verdict; the exit status is 0 when everything matches, 1 when not, 2 on bad input."""
    import sys

    from synthnb.errors import SynthnbError
    from synthnb.provenance.verify import verify

    try:
        result = verify(args.directory, key=args.key)
    except SynthnbError as exc:
        print(f"synthnb verify: {exc}", file=sys.stderr)
        return 2
    print(result.message, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1
