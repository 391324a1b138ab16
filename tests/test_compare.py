"""``synthnb.compare`` and ``%synth compare``: the same leaderboard serially, in loky processes and on Dask.

Small data: 300 rows of Adult; CTGAN and TVAE train for 1 epoch.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import warnings

import pytest
from IPython.utils.capture import capture_output
from testing_helpers import frame_hash

import synthnb
from synthnb import SynthnbError
from synthnb._threads import available_cpus as usable_cpus
from synthnb.fingerprint import frame_digest
from synthnb.generators import MODELS
from synthnb.notebook._bundle import cell_payload
from synthnb.session import session_for

pytestmark = pytest.mark.slow

KW = dict(models="gaussian_copula,ctgan,tvae", epochs=1, seed=0, sensitive="sex,race", target="income", name="adult")


@pytest.fixture(scope="module")
def small(adult):
    return adult.sample(300, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="module")
def serial(small):
    before = frame_hash(small)
    board = synthnb.compare(small, jobs=1, **KW)
    assert frame_hash(small) == before  # the user's frame is never changed
    return board


@pytest.fixture(scope="module")
def loky(small):
    return synthnb.compare(small, jobs=2, **KW)


def _figures(board) -> dict:
    """Every figure but the seconds (those differ from run to run), per model."""
    return {e.model: {k: v for k, v in e.values.items() if "seconds" not in k} for e in board.entries}


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        x.keys() == y.keys()
        and all(u == v or (math.isnan(u) and math.isnan(v)) for u, v in zip(x.values(), y.values(), strict=True))
        for x, y in zip(a.values(), b.values(), strict=True)
    )


def test_serial_and_loky_give_the_same_bytes_and_leaderboard(serial, loky):
    assert [e.name for e in serial.entries] == ["adult_gaussian_copula", "adult_ctgan", "adult_tvae"]
    assert [e.run.synthetic_sha256 for e in serial.entries] == [e.run.synthetic_sha256 for e in loky.entries]
    assert _same(_figures(serial), _figures(loky))
    assert len({e.run.synthetic_sha256 for e in serial.entries}) == 3


def test_each_worker_gets_its_share_of_the_cores(serial, loky):
    cores = len(os.sched_getaffinity(0))
    assert usable_cpus() == cores
    for board, jobs in ((serial, 1), (loky, 2)):
        share = max(1, cores // jobs)
        for entry in board.entries:  # what threadpoolctl, torch and numba reported inside the worker
            assert entry.threads["threadpoolctl"] == [share]
            assert entry.threads["torch"] == share and entry.threads["numba"] == share


def test_the_numbers_shown_are_the_evaluations(serial, small):
    from sdv.evaluation import evaluate_quality

    from synthnb.evaluation.fairness import MIN_GROUP_ROWS

    entry = serial.entries[1]  # ctgan
    run = entry.run
    fresh = synthnb.evaluate(run, sections=["fidelity", "utility", "privacy"])  # computed again, in this process
    assert entry.values["fidelity"] == fresh["fidelity"].score
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = evaluate_quality(run.real, run.synthetic, run.synthesizer.get_metadata(), verbose=False)
    assert entry.values["fidelity"] == pytest.approx(report.get_score(), abs=1e-12)
    assert entry.values["utility"] == fresh["utility"].score
    assert entry.values["privacy"] == fresh["privacy"].score
    figures = fresh["privacy"].tables["figure_scores"]
    assert {k[9:]: v for k, v in entry.values.items() if k.startswith("privacy: ")} == dict(
        zip(figures["figure"], figures["score"], strict=True)
    )
    for col in ("sex", "race"):  # the worst base-rate gap, from the rows themselves
        real, syn = run.real, run.synthetic
        gaps = [
            abs(
                (syn.loc[syn[col] == g, "income"] == ">50K").mean()
                - (real.loc[real[col] == g, "income"] == ">50K").mean()
            )
            for g, n in real[col].value_counts().items()
            if n >= MIN_GROUP_ROWS
        ]
        assert entry.values[f"gap: {col}"] == pytest.approx(max(gaps), abs=1e-12)
    assert entry.values["fit seconds"] == run.timings["fit"]
    assert entry.values["sample seconds"] == run.timings["sample"]
    # the best mark and the sentence follow the numbers
    best = serial.best()
    fid = {e.model: e.values["fidelity"] for e in serial.entries}
    assert best["fidelity"] == (max(fid, key=fid.get),)
    text = serial.to_text()
    assert f"The most faithful ({max(fid, key=fid.get)}, fidelity {max(fid.values()):.3f})" in text
    assert text.count(" *") >= len(serial.columns)


def test_the_widget_state_sorts_on_the_evaluation_numbers(serial):
    from synthnb.dashboard.leaderboard import LeaderboardWidget

    widget = LeaderboardWidget(serial)
    rows = {r["model"]: r for r in widget.state["rows"]}
    for entry in serial.entries:
        for col in serial.columns:
            value = entry.values[col.key]
            assert rows[entry.model]["values"][col.key] == (None if math.isnan(value) else value)
    data = widget._repr_mimebundle_()[0]
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/html"] == serial.to_html() and "★" in data["text/html"]


def test_dask_cluster_gives_the_same_leaderboard_and_bytes(serial, small):
    import joblib

    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with joblib.parallel_config(backend="dask"):
            board = synthnb.compare(small, jobs=2, **KW)
        ran_on = client.run(os.getpid)
    assert [e.run.synthetic_sha256 for e in board.entries] == [e.run.synthetic_sha256 for e in serial.entries]
    assert _same(_figures(board), _figures(serial))
    assert len(ran_on) == 2 and os.getpid() not in ran_on.values()
    assert all(e.threads["threadpoolctl"] == [max(1, usable_cpus() // 2)] for e in board.entries)


def test_synthnb_works_without_dask():
    script = (
        "import sys\n"
        "sys.modules['dask'] = sys.modules['distributed'] = None  # not installed\n"
        "import synthnb\n"
        "df = synthnb.datasets.load_adult().head(200)\n"
        "board = synthnb.compare(df, 'gaussian_copula', jobs=1)\n"
        "print(board.entries[0].run.synthetic_sha256)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    expected = synthnb.fit(synthnb.datasets.load_adult().head(200)).synthetic_sha256
    assert out.stdout.split()[-1] == expected


def test_a_bad_model_name_lists_the_valid_ones(small):
    with pytest.raises(SynthnbError) as err:
        synthnb.compare(small, "gaussian_copula,nope")
    assert "'nope'" in str(err.value) and all(name in str(err.value) for name in MODELS)


def test_the_magic_binds_every_run_appends_one_cell_and_exports_without_refitting(ip, small, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHNB_KEY_DIR", str(tmp_path / "keys"))
    ip.user_ns["adult"] = small
    with capture_output() as cap:
        assert ip.run_cell(
            "%synth compare adult --models gaussian_copula,ctgan --epochs 1 --target income --jobs 1"
        ).success
    session = session_for(ip)
    assert session.names() == ["adult_gaussian_copula", "adult_ctgan"]
    for name in session.names():
        run = session.require_run(name)
        assert frame_digest(ip.user_ns[name]) == run.synthetic_sha256
        assert session.latest_evaluation(name) is not None
    payloads = [p for p in (cell_payload({"metadata": o.metadata, "data": o.data}) for o in cap.outputs) if p]
    assert [p["key"] for p in payloads] == ["compare:adult"]
    source = payloads[0]["source"]
    assert source.count("synthnb.fit(adult, ") == 2
    assert f"# sha256 {session.require_run('adult_ctgan').synthetic_sha256}" in source
    assert any("★" in o.data.get("text/html", "") for o in cap.outputs)

    def refit(*args, **kwargs):
        raise AssertionError("refitted")

    monkeypatch.setattr("synthnb.api.fit", refit)
    monkeypatch.setattr("synthnb.evaluation._evaluation._compute", refit)  # nor is anything evaluated again
    out = tmp_path / "export"
    with capture_output() as cap:
        assert ip.run_cell(f'%synth export adult_ctgan --to {out} --allow-risk "a test"').success, cap.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert session.require_run("adult_ctgan").synthetic_sha256 in json.dumps(manifest)


def test_a_group_missing_from_the_synthetic_table_is_the_worst_gap():
    import pandas as pd

    from synthnb.comparison import worst_base_rate_gap

    rates = pd.DataFrame(
        {"real": [0.3, 0.1, 0.5], "synthetic": [0.25, 0.2, None], "counts": [True, True, False]},
        index=["a", "b", "tiny"],
    )
    assert worst_base_rate_gap(rates) == pytest.approx(0.1)  # 'tiny' has too few real rows to count
    rates.loc["b", "synthetic"] = None
    assert worst_base_rate_gap(rates) == 1.0
