"""Profiling: ydata-profiling's side-by-side comparison of the real and synthetic tables, on demand.

The real table's profile is the slow half and never changes for a given source, so it is kept per source
fingerprint for the life of the process and reused by every later comparison.
"""

from __future__ import annotations

import threading
import warnings

from synthnb.evaluation._section import Section, versions

__all__ = ["clear_cache", "profile", "profile_html"]

_REAL_PROFILES: dict[str, object] = {}
_LOCK = threading.Lock()
_MAX_CACHED = 4


def clear_cache() -> None:
    """Forget the cached real-table profiles."""
    with _LOCK:
        _REAL_PROFILES.clear()


def _report(frame, title: str, minimal: bool):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ydata_profiling import ProfileReport

        return ProfileReport(frame, title=title, minimal=minimal, progress_bar=False)


def _real_profile(real, fingerprint: str, minimal: bool):
    key = f"{fingerprint}:{'minimal' if minimal else 'full'}"
    with _LOCK:
        cached = _REAL_PROFILES.get(key)
        if cached is None:
            cached = _report(real, "real", minimal)
            if len(_REAL_PROFILES) >= _MAX_CACHED:
                _REAL_PROFILES.pop(next(iter(_REAL_PROFILES)))
            _REAL_PROFILES[key] = cached
        return cached


def profile_html(ctx, fingerprint: str, minimal: bool = True) -> str:
    """The standalone HTML of the real-vs-synthetic comparison report."""
    from synthnb.evaluation.figures import REAL, SYNTHETIC

    real_report = _real_profile(ctx.real, fingerprint, minimal)
    syn_report = _report(ctx.synthetic, "synthetic", minimal)
    # compare() gives report i the i-th colour and narrows each list to it: set the pair every time,
    # so the cached real report stays blue and the synthetic one orange, as in every other chart
    for report in (real_report, syn_report):
        report.config.html.style.primary_colors = [REAL, SYNTHETIC]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return real_report.compare(syn_report).to_html()


def profile(ctx, fingerprint: str, minimal: bool = True) -> tuple[Section, str]:
    """Build the comparison; returns the section record and the report's HTML."""
    html = profile_html(ctx, fingerprint, minimal)
    return Section(
        name="profile",
        title="Profile",
        score=None,
        headline=f"ydata-profiling comparison of real and synthetic ({len(html) / 1e6:.1f} MB of HTML).",
        scores={},
        findings=[],
        thresholds="A descriptive report: no score.",
        library=versions("ydata-profiling"),
    ), html
