"""Watching a neural fit: interim scores, early stopping, byte identity, provenance, the flags and the chart.

Small data (300 rows of Adult) and 2-6 epochs: the numbers are not meant to be good, only checkable.
"""

from __future__ import annotations

import copy
import inspect
import random

import numpy as np
import pandas as pd
import pytest
from IPython.utils.capture import capture_output
from testing_helpers import frame_hash

import synthnb
from synthnb import SynthnbError
from synthnb.fingerprint import frame_digest
from synthnb.generators.monitor import stop_epoch

SEED = 0


@pytest.fixture(scope="module")
def small(adult):
    return adult.head(300).copy()


def _fit(df, model="ctgan", epochs=4, events=None, **kwargs):
    progress = events.append if events is not None else None
    return synthnb.fit(df, model=model, epochs=epochs, seed=SEED, progress=progress, **kwargs)


@pytest.fixture(scope="module")
def unwatched(small):
    return _fit(small, epochs=1)


@pytest.fixture(scope="module")
def watched(small):
    """CTGAN, 6 epochs of 6 batches, a score after every epoch, never stopping (the score dips after epoch 1)."""
    events = []
    run = _fit(small, epochs=6, events=events, monitor_every=1, monitor_rows=200, batch_size=50)
    return run, events


@pytest.fixture(scope="module")
def stopped(small):
    """The same fit with patience 1: stops where the rule says on the unwatched-identical scores."""
    events = []
    run = _fit(small, epochs=6, events=events, monitor_every=1, monitor_rows=200, patience=1, batch_size=50)
    return run, events


@pytest.mark.parametrize("model", ["ctgan", "tvae", "copulagan"])
def test_a_watched_fit_that_never_stops_gives_the_same_bytes(small, model):
    before = frame_hash(small)
    plain = _fit(small, model=model, epochs=4)
    events = []
    seen = _fit(small, model=model, epochs=4, events=events, monitor_every=1, monitor_rows=100)
    assert frame_hash(small) == before
    assert seen.synthetic_sha256 == plain.synthetic_sha256
    pd.testing.assert_frame_equal(seen.loss, plain.loss)
    assert plain.monitor is None
    mon = seen.monitor
    assert [epoch for epoch, _ in mon.checks] == [1, 2, 3, 4]
    assert mon.epochs == mon.epochs_run == 4 and mon.stopped_epoch is None
    assert all(0 < score <= 1 for _, score in mon.checks)
    # each score reached the progress events, on the epoch it was taken after
    shown = [(e.done, e.metrics["fidelity"]) for e in events if e.stage == "fit" and "fidelity" in e.metrics]
    assert shown == list(mon.checks)


def test_the_interim_score_is_sdmetrics_column_shapes_of_the_sampled_rows(small):
    """The last check (after the last epoch) sampled from the final model: re-sample it and let sdmetrics score it."""
    from sdmetrics.reports import QualityReport

    run = _fit(small, epochs=2, monitor_every=2, monitor_rows=200)
    (epoch, score), *_ = run.monitor.checks
    assert epoch == 2
    clone = copy.deepcopy(run.synthesizer)
    clone.reset_sampling()
    clone._set_random_state(SEED)
    random.seed(SEED)
    np.random.seed(SEED)
    __import__("torch").manual_seed(SEED)
    rows = clone.sample(200)["table"]
    real = synthnb._frames.fit_ready(run.train.reset_index(drop=True))
    report = QualityReport()
    report.generate({"table": real}, {"table": rows}, clone.get_metadata().to_dict(), verbose=False)
    props = report.get_properties().set_index("Property")["Score"]
    assert score == pytest.approx(props["Column Shapes"], abs=1e-12)
    assert 0 < score < 1


def test_the_stop_rule():
    checks = [(5, 0.50), (10, 0.60), (15, 0.60), (20, 0.55), (25, 0.61), (30, 0.58)]
    assert stop_epoch(checks, None) is None
    assert stop_epoch(checks, 1) == 15  # equal is not better
    assert stop_epoch(checks, 2) == 20
    assert stop_epoch(checks, 3) is None  # the gain at 25 resets the count
    assert stop_epoch([(1, 0.1), (2, 0.2), (3, 0.3)], 1) is None


def test_early_stopping_stops_where_the_rule_says_on_the_same_scores(watched, stopped):
    run_all, _ = watched
    run, events = stopped
    expected = stop_epoch(run_all.monitor.checks, 1)
    assert expected is not None and expected < 6  # seed 0 on these rows stops early; otherwise the test is void
    mon = run.monitor
    assert mon.stopped_epoch == mon.epochs_run == expected and mon.epochs == 6
    # up to the stop the watched runs trained identically: same scores, same losses
    assert mon.checks == run_all.monitor.checks[:expected]
    loss_all = run_all.loss[run_all.loss["Epoch"] < expected].reset_index(drop=True)
    pd.testing.assert_frame_equal(run.loss, loss_all)
    # the remaining epochs were really skipped: no loss and no epoch event after the stop
    assert sorted(run.loss["Epoch"].astype(int).unique()) == list(range(expected))
    epochs = [e.done for e in events if e.stage == "fit" and e.done]
    assert epochs == list(range(1, expected + 1))
    last = [e for e in events if e.stage == "fit"][-1]
    assert last.message == "stopped early" and last.total == 6
    assert run.synthetic_sha256 != run_all.synthetic_sha256


def test_a_model_that_cannot_improve_stops_at_the_second_check(small):
    """With both learning rates 0 the weights never change: every check scores the same rows the same."""
    events = []
    run = _fit(
        small,
        epochs=6,
        events=events,
        monitor_every=1,
        monitor_rows=100,
        patience=1,
        generator_lr=0.0,
        discriminator_lr=0.0,
    )
    mon = run.monitor
    assert mon.stopped_epoch == 2 and mon.epochs_run == 2
    assert mon.checks[0][1] == mon.checks[1][1]
    assert run.loss["Epoch"].nunique() == 2
    assert max(e.done for e in events if e.stage == "fit") == 2


def test_provenance_records_the_watch_and_reproduce_recreates_the_early_stopped_bytes(small, stopped):
    from synthnb.provenance.cell import provenance_cell_source
    from synthnb.provenance.datasheet import render_datasheet
    from synthnb.provenance.record import provenance_record

    run, _ = stopped
    gen = provenance_record(run, "small_syn", "small")["generator"]
    mon = gen["monitor"]
    assert (mon["every"], mon["rows"], mon["patience"]) == (1, 200, 1)
    assert mon["stopped_epoch"] == mon["epochs_run"] == run.monitor.stopped_epoch and mon["epochs"] == 6
    assert mon["checks"] == [[e, round(s, 6)] for e, s in run.monitor.checks]
    sheet = render_datasheet(run, "small_syn")
    assert f"training stopped early after epoch {mon['stopped_epoch']} of 6" in sheet
    cell = provenance_cell_source(run, "small_syn", "small")
    assert "monitor_every=1," in cell and "monitor_rows=200," in cell and "patience=1," in cell
    ns = {"small": small}
    exec(cell, ns)
    assert frame_digest(ns["small_syn"]) == run.synthetic_sha256


def test_an_unwatched_run_records_no_watch(unwatched):
    from synthnb.provenance.cell import provenance_cell_source
    from synthnb.provenance.record import provenance_record

    assert "monitor" not in provenance_record(unwatched, "s", "small")["generator"]
    assert "monitor" not in unwatched.spec.to_dict()
    assert "monitor_every" not in provenance_cell_source(unwatched, "s", "small")


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"monitor_every": 0, "patience": 2}, "monitor_every must be a positive whole number"),
        ({"monitor_every": -1}, "monitor_every must be a positive whole number"),
        ({"monitor_every": "5"}, "monitor_every must be a positive whole number"),
        ({"monitor_every": True}, "monitor_every must be a positive whole number"),
        ({"monitor_rows": 5}, "monitor_rows must be at least 10"),
        ({"monitor_rows": 2.5}, "monitor_rows must be a positive whole number"),
        ({"patience": 0}, "patience must be a positive whole number"),
        ({"monitor_every": 7}, "monitor_every=7 is more than the 6 epochs"),
    ],
)
def test_bad_watch_values_are_refused(small, kwargs, needle):
    with pytest.raises(SynthnbError, match=needle):
        synthnb.fit(small, model="ctgan", epochs=6, **kwargs)


def test_watching_a_model_without_epochs_is_refused(small):
    with pytest.raises(SynthnbError, match="'gaussian_copula' has no epochs"):
        synthnb.fit(small, patience=3)


def test_defaults_when_only_patience_is_given():
    from synthnb.generators.monitor import monitor_options

    opts = monitor_options("tvae", 50, patience=3)
    assert (opts.every, opts.rows, opts.patience) == (5, 1000, 3)
    assert monitor_options("ctgan", None) is None
    assert monitor_options("ctgan", None, rows=500).every == 30  # SDV's 300 epochs by default
    assert monitor_options("ctgan", 6, every=0) is None  # 0 switches watching off


def test_ctgans_epoch_loops_still_have_the_shape_synthnb_hooks_into():
    """synthnb stops and watches training through ctgan's ``tqdm(range(epochs))`` loops; fail loudly if they change."""
    from ctgan.synthesizers import ctgan as ctgan_module
    from ctgan.synthesizers import tvae as tvae_module

    # the modules' text: ``fit`` is wrapped by ctgan's random_state decorator (without functools.wraps)
    ctgan_fit = inspect.getsource(ctgan_module)
    tvae_fit = inspect.getsource(tvae_module)
    assert "epoch_iterator = tqdm(range(epochs)" in ctgan_fit and "for i in epoch_iterator:" in ctgan_fit
    assert "iterator = tqdm(range(self.epochs)" in tvae_fit and "for i in iterator:" in tvae_fit
    assert ctgan_module.tqdm.__module__.startswith("tqdm") and tvae_module.tqdm.__module__.startswith("tqdm")


def test_the_magic_takes_the_flags_and_draws_the_curve(ip, small):
    from synthnb.magics._fit import parse_fit
    from synthnb.session import session_for

    args = parse_fit("df --model ctgan --epochs 6 --monitor-every 2 --monitor-rows 300 --patience 2")
    assert (args.monitor_every, args.monitor_rows, args.patience) == (2, 300, 2)
    with pytest.raises(SynthnbError, match="patience"):
        parse_fit("df --patience soon")
    ip.user_ns["df"] = small
    with capture_output() as cap:
        result = ip.run_cell("%synth fit df --model ctgan --epochs 2 --monitor-every 1 --monitor-rows 100 --no-report")
    assert result.success, result.error_in_exec
    run = session_for(ip).run("df_syn")
    assert run.monitor.options.every == 1 and len(run.monitor.checks) == 2
    bundles = [o.data for o in cap.outputs if "synthnb-progress" in o.data.get("text/html", "")]
    final = bundles[-1]
    svg = final["text/html"]
    assert svg.count("<circle") == 2  # one point per interim score
    assert svg.count("<polyline") == 3  # generator loss, discriminator loss, fidelity
    best_epoch, best = run.monitor.best
    assert f"best {best:.3f} (epoch {best_epoch})" in svg
    epoch, last = run.monitor.checks[-1]
    assert f"interim fidelity: {last:.3f} after epoch {epoch}" in final["text/plain"]
    summary = next(o.data["text/plain"] for o in cap.outputs if o.data.get("text/plain", "").startswith("model"))
    assert (
        f"all 2 epochs; best interim fidelity {best:.3f} (epoch {best_epoch}), scored every 1 epoch(s) on 100 rows"
        in (summary)
    )


def test_the_live_chart_marks_the_stop_and_redraws_at_most_twice_a_second(ip, monkeypatch):
    from synthnb.magics import _progress_view
    from synthnb.magics._progress_view import ProgressView
    from synthnb.progress import ProgressEvent

    monkeypatch.setattr(_progress_view, "_MIN_INTERVAL", 0.0)  # every event is drawn; only the chart is held back
    view = ProgressView("synthnb · fitting test", tick=60)
    with capture_output() as cap:
        view(ProgressEvent("prepare", 1, 1, "ready"))
        view(ProgressEvent("fit", 0, 40, "fitting"))
        for epoch in range(1, 12):
            metrics = {"loss": 1.0 / epoch} | ({"fidelity": 0.5 + epoch / 100} if epoch % 5 == 0 else {})
            view(ProgressEvent("fit", epoch, 40, "epoch", metrics))
        view(ProgressEvent("fit", 12, 40, "stopped early", {"loss": 0.08, "fidelity": 0.55}))
        view(ProgressEvent("sample", 0, 5, "sampling"))
        view(ProgressEvent("sample", 5, 5, "sampled"))
    bundles = [o.data["text/html"] for o in cap.outputs if "synthnb-training" in o.data.get("text/html", "")]
    charts = [html[html.index("<svg") : html.index("</svg>")] for html in bundles]
    assert len(charts) >= 12
    assert len(set(charts)) <= 3  # events came within a few ms: the first drawing, maybe one more, the final one
    final = charts[-1]
    assert "stopped at epoch 12" in final and final.count("<circle") == 3
    assert "stopped early after epoch 12/40" in cap.outputs[-1].data["text/plain"]
    assert view._timer is None or not view._timer.is_alive()
