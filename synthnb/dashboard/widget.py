"""The dashboard widget: the dashboard HTML filling in while sections are computed, plus the Profile button.

The widget draws nothing itself: ``state["html"]`` is the same template output (:mod:`synthnb.evaluation.html`)
that replaces the widget once the evaluation is complete, so live and saved views are one picture.
The ESM/CSS live in ``widgets/dashboard/`` in a checkout and in ``synthnb/_static/dashboard/`` in a wheel.
Every display also carries the static HTML as its fallback.
"""

from __future__ import annotations

import threading
from pathlib import Path

import anywidget
import traitlets

__all__ = ["Dashboard", "asset_dir"]

#: rows of each section table the synced state carries (worst first); the page draws from ``state.html``, which
#: lists what a person reads, and the whole tables stay in Python (``ev.section(name).tables``)
_SYNCED_ROWS = 200


def asset_dir() -> Path:
    """Where dashboard.js/.css are: the installed wheel's copy, else the repository's widgets/ folder."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_static" / "dashboard", here.parent / "widgets" / "dashboard"):
        if (candidate / "dashboard.js").is_file():
            return candidate
    raise FileNotFoundError("synthnb's dashboard front end (dashboard.js) is missing; reinstall synthnb.")


class Dashboard(anywidget.AnyWidget):
    """Shows one :class:`synthnb.evaluation.Evaluation`; call :meth:`refresh` after sections finish."""

    _esm = asset_dir() / "dashboard.js"
    _css = asset_dir() / "dashboard.css"

    #: {"title", "cards": [...], "sections": [{"name", "title", "status", "section"}], "findings": [...],
    #:  "html": the dashboard drawn from what is computed so far}
    state = traitlets.Dict().tag(sync=True)
    #: "idle" | "building" | "ready" | "error: ..."
    profile_status = traitlets.Unicode("idle").tag(sync=True)
    #: where the built profile is kept beside the notebook ("" when it could not be written). The profile's
    #: HTML itself goes to the page in one message, never into the synced state a saved notebook keeps.
    profile_file = traitlets.Unicode("").tag(sync=True)

    def __init__(self, evaluation, **kwargs):
        super().__init__(**kwargs)
        self._ev = evaluation
        self._failed: dict[str, str] = {}
        self.on_msg(self._on_message)
        self.refresh()

    @property
    def evaluation(self):
        return self._ev

    def refresh(self, running: str | None = None) -> None:
        """Push what is computed so far to the front end (*running* names the section in progress)."""
        from synthnb.evaluation._registry import section_spec
        from synthnb.evaluation.html import dashboard_html
        from synthnb.evaluation.render import _clean, cards

        ev = self._ev
        sections = []
        for name in ev.section_names:
            sec = ev.computed(name)
            status = (
                "done"
                if sec is not None and sec.ok
                else "error"
                if sec is not None
                else ("running" if name == running else "pending")
            )
            sections.append(
                {
                    "name": name,
                    "title": section_spec(name).title,
                    "status": status,
                    "section": None if sec is None else sec.to_dict(max_rows=_SYNCED_ROWS),
                }
            )
        findings = [f for name in ev.section_names if ev.computed(name) is not None for f in ev.computed(name).findings]
        self.state = _clean(
            {
                "title": f"synthnb evaluation{f' of {ev.run_name}' if ev.run_name else ''}",
                "cards": cards(ev, computed_only=True),
                "sections": sections,
                "findings": findings,
                "html": dashboard_html(ev, computed_only=True, running=running, live=True),
            }
        )

    def static_html(self) -> str:
        """The dashboard of what is computed so far, as the HTML a notebook keeps beside the widget."""
        from synthnb.evaluation.html import dashboard_html

        return dashboard_html(self._ev, computed_only=True)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/html"] = self.static_html()
        return bundle

    def _on_message(self, widget, content, buffers) -> None:
        if not isinstance(content, dict) or content.get("type") != "profile":
            return
        if self.profile_status == "idle":
            self.profile_status = "building"
            threading.Thread(target=self._build_profile, name="synthnb-profile", daemon=True).start()
        elif self.profile_status == "ready":  # a reloaded page asks again: the evaluation keeps what it built
            self._send_profile(self._ev.profile()[1])

    @property
    def profile_html(self) -> str:
        """The built profile's HTML ("" before it is built)."""
        return self._ev.profile()[1] if self.profile_status == "ready" else ""

    def _build_profile(self) -> None:
        sec, page = self._ev.profile()
        if sec.error:
            self.profile_status = f"error: {sec.error}"
            return
        name = f"{self._ev.run_name or 'evaluation'}-profile.html"
        try:
            Path(name).write_text(page, encoding="utf-8")
            self.profile_file = str(Path(name).resolve())
        except OSError:
            self.profile_file = ""
        self._send_profile(page)
        self.profile_status = "ready"

    def _send_profile(self, page: str) -> None:
        self.send({"type": "profile_html", "html": page})
