"""``%synth verify``: check an export folder against its signed manifest."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.magics._args import parse

__all__ = ["execute", "verify_command"]


@magic_arguments(name="synth verify")
@argument("directory", help="the export folder")
@argument(
    "--key",
    default=None,
    help="the publisher's key fingerprint (sha256:...) or public key; without it only integrity is checked",
)
def verify_command(line):
    """Check every file of an export against its signed manifest.json; names what changed, is missing or extra.

    Example: %synth verify exports/adult_syn --key sha256:3f5a...
    """


command = verify_command


def execute(magics, rest: str):
    """Return the :class:`VerifyResult` of :func:`synthnb.verify` (shown as its verdict; falsy on failure).

    A failed check is a result, not an exception, so a notebook can show it and go on.
    """
    from synthnb.provenance.verify import verify

    args = parse(verify_command, rest)
    return verify(args.directory, key=args.key)
