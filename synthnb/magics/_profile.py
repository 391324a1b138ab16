"""``%synth profile NAME``: the ydata-profiling comparison of a bound table, kept as a file beside the notebook."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.errors import SynthnbError
from synthnb.magics._args import parse
from synthnb.spec import check_identifier

__all__ = ["execute", "profile_command"]


@magic_arguments(name="synth profile")
@argument("name", help="the synthetic table, as bound by %synth fit")
@argument("--full", action="store_true", help="the full profile (correlations, interactions; slower)")
@argument(
    "--to",
    dest="path",
    default=None,
    metavar="FILE",
    help="where to keep the HTML (default NAME-profile.html beside the notebook)",
)
@argument("--height", type=int, default=600, metavar="PX", help="height of the frame in the notebook (default 600)")
def profile_command(line):
    """Compare the real and synthetic tables with ydata-profiling, at any time after %synth fit.

    The profile is written to an HTML file beside the notebook and shown in a frame that fits the page,
    with a link to open it whole; the notebook keeps only the frame, not the megabytes of the profile.

    Example: %synth profile adult_syn
    """


command = profile_command


def execute(magics, rest: str):
    """Build (or reuse) the profile of NAME's evaluation, write it to a file and show it in a frame."""
    from pathlib import Path

    from IPython.display import display

    from synthnb.evaluation.html import profile_frame_html
    from synthnb.magics._report import report_evaluation

    args = parse(profile_command, rest)
    check_identifier(args.name, "the synthetic table's name")
    if args.height < 100:
        raise SynthnbError(f"--height {args.height} is too small to read a profile; use 300 or more (default 600).")
    session = magics.session
    session.require_run(args.name)
    evaluation = session.latest_evaluation(args.name) or report_evaluation(session, args.name)
    minimal = not args.full
    section, page = evaluation.profile(minimal=minimal)
    if section.error:
        raise SynthnbError(f"the profile of {args.name} could not be built: {section.error}")
    path = Path(args.path or f"{args.name}-profile.html")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise SynthnbError(f"cannot write the profile to {path}: {exc.strerror}; pass --to FILE elsewhere.") from None
    size = path.stat().st_size
    href = path.as_posix() if not path.is_absolute() else path.name if path.parent == Path.cwd() else path.as_uri()
    display(
        {
            "text/plain": f"The ydata-profiling comparison of {args.name} is in {path.resolve()} ({size:,} bytes); "
            "open it in a browser.",
            "text/html": profile_frame_html(args.name, href, size, minimal, height=args.height),
        },
        raw=True,
    )
