"""The kernel's session: one store of runs, evaluations and cell places, released when a name is fitted again."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from IPython.utils.capture import capture_output

from synthnb import SynthnbError, SynthnbWarning
from synthnb.fingerprint import frame_digest
from synthnb.session import EvaluationKey, RunCells, Session, session_for


@pytest.fixture
def ns(ip, adult):
    ip.user_ns["df"] = adult.head(600).copy()
    return ip.user_ns


def _fit(ip, line: str):
    with capture_output():
        result = ip.run_cell(line)
    return result


def test_one_session_per_shell_and_it_is_the_magics_session(ip):
    magics = ip.magics_manager.registry["SynthMagics"]
    assert session_for(ip) is session_for(ip) is magics.session is session_for(magics)
    assert session_for(object.__new__(type("OtherShell", (), {}))) is not session_for(ip)


def test_refit_releases_the_previous_run_its_evaluations_and_cells(ip, ns):
    session = session_for(ip)
    ip.run_line_magic("config", "SynthMagics.report_mode = 'static'")
    assert _fit(ip, "%synth fit df --as a_syn").success
    first = session.run("a_syn")
    first_ev = session.latest_evaluation("a_syn")
    assert first_ev is not None and first_ev.computed("fidelity") is not None  # static: computed in the cell
    assert session.cells("a_syn", first).datasheet_evaluation is first_ev
    refs = [weakref.ref(first), weakref.ref(first_ev), weakref.ref(first.synthetic)]
    del first, first_ev

    assert _fit(ip, "%synth fit df --as a_syn --seed 1").success
    gc.collect()
    assert [r() for r in refs] == [None, None, None]  # nothing of the first fit is held any more
    second = session.run("a_syn")
    assert second.spec.seed == 1 and ns["a_syn"] is session.bound_table("a_syn")
    assert ns["a_syn"] is not second.synthetic and ns["a_syn"].equals(second.synthetic)  # the notebook's own copy
    assert session.latest_evaluation("a_syn").context is not None
    assert session.cells("a_syn", second).datasheet_evaluation is session.latest_evaluation("a_syn")
    assert session.names() == ["a_syn"]


def test_report_options_are_explicit_keys_and_the_datasheet_uses_the_one_seen_last(ip, ns):
    session = session_for(ip)
    assert _fit(ip, "%synth fit df --as a_syn --no-report").success
    assert session.latest_evaluation("a_syn") is None
    with capture_output():
        ip.run_cell("%synth report a_syn --sections fidelity --quiet --as ev1")
        ip.run_cell("%synth report a_syn --sections privacy --quiet --as ev2")
        ip.run_cell("%synth report a_syn --sections fidelity --quiet --as ev3")
    assert ns["ev1"] is ns["ev3"] is session.evaluation(EvaluationKey("a_syn", sections="fidelity"))
    assert session.evaluation(EvaluationKey("a_syn", sections="privacy")) is ns["ev2"]
    assert session.evaluation(EvaluationKey("a_syn", sections="utility")) is None
    assert session.latest_evaluation("a_syn") is ns["ev2"]  # the lookup above made it the latest


def test_session_methods_say_what_is_missing():
    session = Session()
    with pytest.raises(SynthnbError, match="'x' is not a synthetic table made by %synth fit"):
        session.require_run("x")
    with pytest.raises(SynthnbError, match="fit it before evaluating"):
        session.store_evaluation(EvaluationKey("x"), object())
    with pytest.raises(SynthnbError, match="fit it before adding its cells"):
        session.set_cells("x", RunCells(anchor=None, frontend=False))
    assert session.run("x") is None and session.cells("x") is None and session.latest_evaluation("x") is None


def test_release_forgets_a_name_but_leaves_the_variable(ip, ns):
    session = session_for(ip)
    assert _fit(ip, "%synth fit df --as a_syn --no-report").success
    session.release("a_syn")
    assert session.run("a_syn") is None and session.cells("a_syn") is None
    assert "a_syn" in ns
    with capture_output():
        result = ip.run_cell("%synth report a_syn")
    assert isinstance(result.error_in_exec, SynthnbError) and "bound: none yet" in str(result.error_in_exec)


@pytest.mark.parametrize("stage", ["fit", "sample"])
def test_an_interrupted_fit_binds_nothing_and_the_session_stays_usable(ip, ns, monkeypatch, stage):
    from ctgan.synthesizers import ctgan as ctgan_module

    from synthnb.magics._progress_view import ProgressView

    session = session_for(ip)
    fit = "%synth fit df --model ctgan --epochs 2 --rows 50 --as a_syn --no-report"
    assert _fit(ip, fit).success
    old, old_table, old_digest = session.run("a_syn"), ns["a_syn"], session.run("a_syn").synthetic_sha256
    tqdm, np_state = ctgan_module.tqdm, np.random.get_state()

    real_call = ProgressView.__call__

    def interrupt(self, event):  # the user presses "interrupt" while the fit reports progress
        if event.stage == stage and event.done >= 1:
            raise KeyboardInterrupt
        real_call(self, event)

    monkeypatch.setattr(ProgressView, "__call__", interrupt)
    result = _fit(ip, fit.replace("--as a_syn", "--as a_syn --seed 5"))
    assert isinstance(result.error_in_exec, KeyboardInterrupt)
    assert ns["a_syn"] is old_table and session.run("a_syn") is old and session.bound_table("a_syn") is old_table
    assert session.names() == ["a_syn"]
    assert ctgan_module.tqdm is tqdm  # the epoch listener was put back
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state()[1:2], np_state[1:2], strict=True))

    monkeypatch.setattr(ProgressView, "__call__", real_call)
    assert _fit(ip, fit).success  # usable afterwards, and still deterministic
    assert session.run("a_syn") is not old and session.run("a_syn").synthetic_sha256 == old_digest
    assert frame_digest(ns["a_syn"]) == old_digest


def test_an_old_provenance_cell_never_replaces_a_newer_fit(ip, ns):
    """Run All after editing the fit's seed: the queued provenance cell still has the old text."""
    from synthnb.provenance.cell import provenance_cell_source

    session = session_for(ip)
    assert _fit(ip, "%synth fit df --as a_syn --no-report").success
    old_cell = provenance_cell_source(session.run("a_syn"), "a_syn", "df")
    old_digest = session.run("a_syn").synthetic_sha256
    assert _fit(ip, "%synth fit df --as a_syn --seed 1 --no-report").success
    new_run, table = session.run("a_syn"), ns["a_syn"]
    new_cell = provenance_cell_source(new_run, "a_syn", "df")

    with pytest.warns(SynthnbWarning, match=r"superseded: a_syn holds the table of a newer %synth fit .*seed 1"):
        result = ip.run_cell(old_cell)
    assert result.success, result.error_in_exec
    assert ns["a_syn"] is table and session.run("a_syn") is new_run
    assert frame_digest(ns["a_syn"]) == new_run.synthetic_sha256 != old_digest

    assert ip.run_cell(new_cell).success  # the current cell confirms (no warning: pytest makes it an error)
    assert ns["a_syn"] is table

    # a table the user bound by hand is not a fit's: the provenance cell re-creates the recorded one
    ns["a_syn"] = table.head(10)
    assert ip.run_cell(old_cell).success
    assert frame_digest(ns["a_syn"]) == old_digest
