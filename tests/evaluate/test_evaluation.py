"""The Evaluation record: determinism, caching, failures kept apart, bad input, renderings."""

from __future__ import annotations

import json
import os

import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb.errors import SynthnbError


def test_scores_are_flat_named_numbers(ev_3k):
    assert ev_3k.section_names == ["fidelity", "diagnostic", "utility", "privacy", "fairness", "groups"]
    for key, value in ev_3k.scores.items():
        assert key.split("_")[0] in {"fidelity", "diagnostic", "utility", "privacy", "fairness", "groups"}
        assert isinstance(value, float)
    assert all(isinstance(f, str) and f for f in ev_3k.findings)


def test_two_runs_give_equal_numbers(run_3k, ev_3k):
    again = synthnb.evaluate(run_3k)
    assert again.scores == ev_3k.scores
    assert again.findings == ev_3k.findings
    assert again.to_markdown() == ev_3k.to_markdown()


def test_sections_are_computed_once(run_3k):
    ev = synthnb.evaluate(run_3k, sections=["diagnostic"], lazy=True)
    assert ev.computed("diagnostic") is None
    first = ev["diagnostic"]
    assert ev["diagnostic"] is first and ev.computed("diagnostic") is first


def test_user_frames_are_not_mutated(adult_3k, run_3k):
    real, syn = adult_3k.head(600), run_3k.synthetic.head(600)
    before = (frame_hash(real), frame_hash(syn))
    synthnb.evaluate(real, syn, sensitive=["sex"], target="income", sections=["privacy", "fairness"])
    assert (frame_hash(real), frame_hash(syn)) == before


def test_failing_section_does_not_hide_the_others(adult_3k, run_3k):
    real = adult_3k.head(600)
    syn = run_3k.synthetic.head(600).copy()
    syn["income"] = "<=50K"  # a generator that lost the target: no classifier can be trained on it
    ev = synthnb.evaluate(real, syn, sensitive="sex", target="income")
    assert ev["utility"].error and "single value of 'income'" in ev["utility"].error
    assert ev["utility"].score is None
    assert ev["fidelity"].ok and ev["privacy"].ok
    assert ev["fairness"].ok  # base rates stand on their own; the model part says why it is missing
    assert any("Model fairness not computed" in f for f in ev["fairness"].findings)
    assert any("Utility could not be computed" in f for f in ev.findings)
    page = ev.to_html()
    assert "Could not be computed" in page and "single value of &#39;income&#39;" in page  # the reason, escaped
    assert "utility_score" not in ev.scores and "fidelity_quality_score" in ev.scores


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sensitive": "gender"}, "sensitive column 'gender' is not in the real table"),
        ({"target": "incme"}, "Did you mean 'income'"),
        ({"target": "sex", "sensitive": "sex"}, "both the target and a sensitive column"),
        ({"sections": ["speed"]}, "unknown section"),
        ({"sections": ["fairness"], "target": "income", "propose": False}, "fairness needs sensitive columns"),
        ({"quasi_identifiers": ["age", "income"], "target": "income"}, "cannot also be a quasi-identifier"),
    ],
)
def test_bad_input_raises_synthnb_error(adult_3k, run_3k, kwargs, message):
    with pytest.raises(SynthnbError, match=message):
        synthnb.evaluate(adult_3k.head(300), run_3k.synthetic.head(300), **kwargs)


def test_bad_tables_raise_synthnb_error(adult_3k, run_3k):
    with pytest.raises(SynthnbError, match="columns differ"):
        synthnb.evaluate(adult_3k.head(50), run_3k.synthetic.head(50).drop(columns=["age"]))
    with pytest.raises(SynthnbError, match="must be a pandas DataFrame"):
        synthnb.evaluate(adult_3k.head(50), [1, 2])
    with pytest.raises(SynthnbError, match="needs the synthetic table"):
        synthnb.evaluate(adult_3k.head(50))
    with pytest.raises(SynthnbError, match="holdout"):
        synthnb.evaluate(run_3k, holdout=adult_3k.head(5))


def test_a_run_is_passed_alone(adult_3k, run_3k):
    with pytest.raises(SynthnbError, match=r"call evaluate\(run\), not evaluate\(real_df, run\)"):
        synthnb.evaluate(adult_3k.head(50), run_3k)
    with pytest.raises(SynthnbError, match=r"call evaluate\(run\)"):
        synthnb.evaluate(run_3k, run_3k.synthetic.head(50))


def test_evaluate_is_only_the_function():
    import types

    import synthnb.evaluation

    # importing the subpackage does not shadow the function, and no module pretends to be callable
    assert isinstance(synthnb.evaluate, types.FunctionType)
    assert synthnb.evaluate is synthnb.evaluation.evaluate
    assert type(synthnb.evaluation) is types.ModuleType
    from synthnb import Evaluation, evaluate

    assert evaluate is synthnb.evaluate and Evaluation is synthnb.evaluation.Evaluation


def test_run_settings_are_used_unless_overridden(run_3k):
    ev = synthnb.evaluate(run_3k, sensitive="race", sections=["diagnostic"], lazy=True)
    assert ev.context.sensitive == ("race",) and ev.context.target == "income"
    assert len(ev.context.holdout) == run_3k.n_holdout
    assert set(ev.context.quasi_identifiers) >= {"race", "age"} and "income" not in ev.context.quasi_identifiers


def test_json_markdown_html(ev_3k, tmp_path):
    data = json.loads(ev_3k.to_json(tmp_path / "ev.json"))
    assert data["scores"] == pytest.approx(ev_3k.scores)
    assert set(data["sections"]) == set(ev_3k.section_names)
    assert data["sections"]["fidelity"]["library"]["sdmetrics"]
    assert (tmp_path / "ev.json").read_text() == ev_3k.to_json()
    md = ev_3k.to_markdown()
    for title in ("Fidelity", "Utility", "Privacy", "Fairness"):
        assert f"| {title} |" in md
    assert ev_3k.findings[0].replace("|", "\\|") in md
    page = ev_3k.to_html()
    # every figure drawn once, as a PNG the page embeds (one drawing for widget, notebook and report)
    n_figures = sum(len(sec.figures) for sec in ev_3k.sections.values())
    assert page.startswith("<!DOCTYPE html>") and page.count("data:image/png;base64,") == n_figures >= 15
    assert "<svg" not in page
    for sec in ev_3k.sections.values():
        assert f"<b>{sec.title}</b>" in page


def test_profile_is_built_on_demand_and_real_side_cached(adult_3k, run_3k):
    from synthnb.evaluation import profile as profile_mod

    profile_mod.clear_cache()
    before = profile_mod.cache_info()["real_builds"]
    real, syn = adult_3k.head(300)[["age", "sex", "income"]], run_3k.synthetic.head(300)[["age", "sex", "income"]]
    ev = synthnb.evaluate(real, syn, sections=["diagnostic"])
    assert ev.timings.keys() == {"diagnostic"}
    sec, page = ev.profile()
    assert sec.ok and "ydata-profiling" in sec.library and "<html" in page.lower()
    info = profile_mod.cache_info()
    (key,) = info["keys"]
    assert key.startswith(ev.fingerprint) and key.endswith(":minimal")
    assert info["real_builds"] == before + 1
    assert info["pid"] != os.getpid()  # built in the profile worker, beside the kernel
    ev2 = synthnb.evaluate(real, syn.iloc[::-1].reset_index(drop=True), sections=["diagnostic"])
    ev2.profile()
    assert profile_mod.cache_info()["real_builds"] == before + 1  # same source: the real side is reused


def test_a_profile_started_with_the_evaluation_is_the_one_the_report_includes(adult_3k, run_3k):
    cols = ["age", "education", "sex", "income"]
    real, syn = adult_3k.head(400)[cols], run_3k.synthetic.head(400)[cols]
    ev = synthnb.evaluate(real, syn, sections=["fidelity"], profile="full")
    assert ev.built_profile() is False  # the full comparison is under way while the sections compute
    page = ev.to_html(include_profile=True)
    assert "profile_full" in ev.timings and "profile" not in ev.timings  # the report waited for it, built no other
    sec, html = ev.profile(minimal=False)
    assert sec.ok and "Correlations" in html and len(page) > len(html) / 2
    with pytest.raises(SynthnbError, match="include_profile='yes'"):
        ev.to_html(include_profile="yes")
    with pytest.raises(SynthnbError, match="profile='all'"):
        synthnb.evaluate(real, syn, profile="all")


def test_without_a_second_process_the_profile_is_built_here(adult_3k, run_3k, monkeypatch):
    from synthnb.evaluation import profile as profile_mod

    monkeypatch.setattr(profile_mod, "_worker", lambda: None)
    cols = ["age", "sex", "income"]
    ev = synthnb.evaluate(adult_3k.head(200)[cols], run_3k.synthetic.head(200)[cols], sections=["diagnostic"])
    sec, page = ev.profile()
    assert sec.ok and "<html" in page.lower()
    assert profile_mod.cache_info()["pid"] == os.getpid()


def test_direct_identifiers_are_not_data(adult_3k, run_3k):
    """An identifier column (unique per person) is left out of fidelity, diagnostic, utility and fairness."""
    real = adult_3k.head(600).assign(case_no=[f"K{k:05d}" for k in range(600)])
    syn = run_3k.synthetic.head(600).assign(case_no=[f"K{k:05d}" for k in range(600, 1200)])
    before = (frame_hash(real), frame_hash(syn))
    ev = synthnb.evaluate(
        real,
        syn,
        sensitive="sex",
        target="income",
        direct_identifiers="case_no",
        sections=["fidelity", "diagnostic", "utility", "fairness"],
    )
    assert ev.context.direct_identifiers == ("case_no",)
    assert "case_no" not in set(ev["fidelity"].tables["column_shapes"]["Column"])
    assert "case_no" not in set(ev["diagnostic"].tables["data_validity"]["Column"])
    assert "case_no" not in {f.get("column") for f in ev["fidelity"].figures}
    from synthnb.evaluation._models import fitted_models

    assert "case_no" not in fitted_models(ev.context).features
    assert ev["fairness"].ok and ev["utility"].ok
    # the same evaluation without the identifier column gives the same data figures
    plain = synthnb.evaluate(
        real.drop(columns="case_no"),
        syn.drop(columns="case_no"),
        sensitive="sex",
        target="income",
        sections=["fidelity", "utility"],
    )
    assert ev["fidelity"].score == pytest.approx(plain["fidelity"].score, abs=1e-12)
    assert ev["utility"].score == pytest.approx(plain["utility"].score, abs=1e-12)
    assert (frame_hash(real), frame_hash(syn)) == before


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"direct_identifiers": "case", "target": "income"}, "direct identifier column 'case' is not in the real"),
        ({"direct_identifiers": "sex", "sensitive": "sex", "target": "income"}, "'sex' is a direct identifier"),
        ({"direct_identifiers": "income", "target": "income"}, "'income' is a direct identifier"),
    ],
)
def test_identifier_roles_are_checked(adult_3k, run_3k, kwargs, message):
    with pytest.raises(SynthnbError, match=message):
        synthnb.evaluate(adult_3k.head(100), run_3k.synthetic.head(100), sections=["diagnostic"], **kwargs)


def test_sections_may_be_named_in_one_comma_separated_string(adult_3k, run_3k):
    ev = synthnb.evaluate(adult_3k.head(300), run_3k.synthetic.head(300), sections="fidelity, diagnostic")
    assert ev.section_names == ["fidelity", "diagnostic"]
    with pytest.raises(SynthnbError, match=r"unknown section\(s\) \['speed'\]"):
        synthnb.evaluate(adult_3k.head(300), run_3k.synthetic.head(300), sections="fidelity,speed")


def test_an_evaluation_of_a_run_keeps_no_second_copy_of_its_real_table(run_3k):
    before = frame_hash(run_3k.real)
    ev = synthnb.evaluate(run_3k, sections="fidelity, utility, privacy, fairness, groups")
    assert ev.context.real is run_3k.real  # no column was dropped: the Run's own table, not a copy
    ev.compute_all()
    assert frame_hash(run_3k.real) == before  # and the sections only read it


def test_a_fit_can_profile_the_real_table_while_the_generator_fits(adult_3k):
    from synthnb.evaluation import profile as profile_mod

    df = adult_3k.head(400)[["age", "education", "sex", "income"]].assign(
        email=[f"person{k}@example.org" for k in range(400)]  # a direct identifier: the fit replaces it
    )
    before = frame_hash(df)
    plain = synthnb.fit(df, seed=3)
    run = synthnb.fit(df, seed=3, profile="full")
    assert run.synthetic_sha256 == plain.synthetic_sha256 and frame_hash(df) == before  # the bytes do not change
    builds = profile_mod.cache_info()["real_builds"]
    ev = synthnb.evaluate(run, sections=["diagnostic"], profile="full")
    sec, html = ev.profile(minimal=False)
    assert sec.ok and all(f">{c}<" in html for c in ev.context.real.columns)
    assert profile_mod.cache_info()["real_builds"] == builds  # the fit's real profile was the one reused
    with pytest.raises(SynthnbError, match="profile='yes'"):
        synthnb.fit(df, profile="yes")


def test_a_script_without_a_main_guard_gets_its_profile_from_the_worker(tmp_path, adult_3k):
    """Spawning the worker must not run the user's script again (it has no ``if __name__ == "__main__":``)."""
    import subprocess
    import sys

    adult_3k.head(300)[["age", "sex", "income"]].to_csv(tmp_path / "real.csv", index=False)
    script = tmp_path / "evaluate_it.py"
    script.write_text(
        "import os, pandas as pd, synthnb\n"
        "from synthnb.evaluation import profile\n"
        f"real = pd.read_csv({str(tmp_path / 'real.csv')!r})\n"
        "ev = synthnb.evaluate(real, real.sample(frac=1, random_state=1), sections=['diagnostic'], profile=True)\n"
        "sec, html = ev.profile()\n"
        "print('RAN', sec.ok, profile.cache_info()['pid'] != os.getpid())\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("RAN") == 1 and "RAN True True" in done.stdout
    assert "bootstrapping" not in done.stderr and "Traceback" not in done.stderr


def test_interrupting_the_kernel_does_not_kill_the_profile_worker(adult_3k, run_3k):
    """ "Interrupt the kernel" signals its whole process group; the worker keeps running and keeps its profiles."""
    import signal
    import time

    from synthnb.evaluation import profile as profile_mod

    pid = profile_mod.cache_info()["pid"]
    assert pid != os.getpid()
    os.kill(pid, signal.SIGINT)
    time.sleep(0.5)
    cols = ["age", "sex", "income"]
    ev = synthnb.evaluate(adult_3k.head(200)[cols], run_3k.synthetic.head(200)[cols], sections=["diagnostic"])
    sec, _ = ev.profile()
    assert sec.ok and profile_mod.cache_info()["pid"] == pid
