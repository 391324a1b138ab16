"""The section registry: each section declared once; the cut-offs a user reads are the ones the cards apply."""

from __future__ import annotations

import re
import sys
import types

import numpy as np
import pandas as pd
import pytest

import synthnb
from synthnb.errors import SynthnbError
from synthnb.evaluation import _registry, render
from synthnb.evaluation._registry import Levels, SectionSpec, card_specs, section_names, section_specs
from synthnb.evaluation._section import Section


def test_the_registry_lists_every_section_once_in_tab_order():
    specs = section_specs()
    names = ["fidelity", "diagnostic", "utility", "privacy", "fairness", "groups"]
    assert list(specs) == list(section_names()) == names
    assert [s.title for s in card_specs()] == ["Fidelity", "Utility", "Privacy", "Fairness"]
    for name, spec in specs.items():
        assert spec.name == name and spec.compute.__module__ == f"synthnb.evaluation.{name}"
        assert spec.compute.__name__ == name


@pytest.mark.parametrize("spec", [s for s in section_specs().values() if s.card], ids=lambda s: s.name)
def test_the_cut_offs_in_the_sentence_are_the_ones_the_card_applies(spec):
    # read the numbers from the words the user sees, then check the card's colour on either side of each
    text = spec.thresholds
    good = float(re.search(r"≥ (\d\.\d+) good", text).group(1))
    fair = float(re.search(r"(\d\.\d+)–(\d\.\d+) fair", text).group(1))
    assert re.search(rf"(\d\.\d+)–{good:.2f} fair", text) and f"< {fair:.2f} poor" in text
    assert (good, fair) == (spec.levels.good, spec.levels.fair)
    for score, level in [
        (1.0, "good"),
        (good, "good"),
        (good - 1e-9, "fair"),
        (fair, "fair"),
        (fair - 1e-9, "poor"),
        (0.0, "poor"),
    ]:
        sec = Section(name=spec.name, title=spec.title, score=score, thresholds=spec.thresholds)
        c = render.card(spec.title, sec)
        assert c["level"] == level, (spec.name, score)
        assert c["thresholds"] == text and c["section"] == spec.name


def test_a_computed_section_carries_its_specs_sentence(ev_3k):
    for name, sec in ev_3k.sections.items():
        assert sec.title == section_specs()[name].title
        assert sec.thresholds == section_specs()[name].thresholds


def test_levels_and_specs_refuse_what_cannot_be_judged():
    with pytest.raises(ValueError, match="fair < good"):
        Levels(good=0.5, fair=0.7)
    with pytest.raises(ValueError, match="no cut-offs"):
        SectionSpec(name="x", title="X", compute=len, method="m", card=True)
    with pytest.raises(ValueError, match="unknown inputs"):
        SectionSpec(name="x", title="X", compute=len, method="m", needs=("weights",))


def test_sections_that_lack_an_input_say_which(adult_3k):
    real, syn = adult_3k.head(200), adult_3k.tail(200).reset_index(drop=True)
    # propose=False: nothing is proposed for the roles not given (by default a target and sensitive columns are)
    with pytest.raises(SynthnbError, match=r"^utility needs a target column; pass target='COLUMN'\.$"):
        synthnb.evaluate(real, syn, sections=["utility"], direct_identifiers=[], propose=False)
    with pytest.raises(SynthnbError, match=r"^utility and fairness need a target column"):
        synthnb.evaluate(real, syn, sections=["fidelity", "utility", "fairness"], direct_identifiers=[], propose=False)
    ev = synthnb.evaluate(real, syn, target="income", lazy=True, direct_identifiers=[], propose=False)
    assert ev.section_names == ["fidelity", "diagnostic", "utility", "privacy"]  # fairness needs sensitive


def _row_share(ctx) -> Section:
    """Synthetic rows ÷ real rows, capped at 1: a section small enough to add in a test."""
    share = min(len(ctx.synthetic) / len(ctx.real), 1.0)
    return Section(
        name=SPEC.name,
        title=SPEC.title,
        score=share,
        headline=f"{share:.2f} rows per real row.",
        thresholds=SPEC.thresholds,
    )


SPEC = SectionSpec(
    name="rowshare",
    title="Row share",
    compute=_row_share,
    method="Synthetic ÷ real rows.",
    levels=Levels(good=0.9, fair=0.5),
    card=True,
)


@pytest.fixture
def rowshare_registered(monkeypatch):
    """Adding a section: one module that declares SPEC, and one entry in SECTION_MODULES."""
    module = types.ModuleType("synthnb.evaluation.rowshare")
    module.SPEC = SPEC
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(_registry, "SECTION_MODULES", (*_registry.SECTION_MODULES, module.__name__))
    monkeypatch.setattr(_registry, "_SPECS", None)  # read again with the new entry; the old cache comes back after


def test_a_section_is_added_by_one_module_and_one_entry(rowshare_registered):
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=40), "c": rng.choice(["a", "b"], 40)})
    synthetic = real.sample(30, random_state=1).reset_index(drop=True)
    ev = synthnb.evaluate(real, synthetic, sections=["rowshare"], direct_identifiers=[])
    assert ev.section_names == ["rowshare"] and ev["rowshare"].score == pytest.approx(30 / 40)
    [c] = render.cards(ev)
    assert (c["title"], c["level"], c["score"]) == ("Row share", "fair", pytest.approx(0.75))
    assert "≥ 0.90 good; 0.50–0.90 fair; < 0.50 poor." in c["thresholds"]
    # the level comes with its own cut-offs, so two cards on different scales read right side by side
    assert c["scale"] == "good ≥ 0.90, fair ≥ 0.50"
    assert "| Row share | 0.750 | fair (good ≥ 0.90, fair ≥ 0.50) |" in ev.to_markdown()
    assert "· good ≥ 0.90, fair ≥ 0.50" in ev.to_html()
    assert "rowshare" in section_names()
    with pytest.raises(SynthnbError, match="unknown section"):
        synthnb.evaluate(real, synthetic, sections=["rowshares"], direct_identifiers=[])
