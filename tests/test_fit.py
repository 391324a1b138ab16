"""synthnb.fit: the plain-Python call under ``%synth fit``."""

import json
import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb import SynthnbError
from synthnb.fingerprint import frame_digest
from synthnb.progress import ProgressEvent

NEURAL = [("ctgan", 2), ("tvae", 2), ("copulagan", 2)]


def test_fit_returns_a_run_with_a_seeded_holdout(adult_small):
    before = frame_hash(adult_small)
    run = synthnb.fit(adult_small, seed=3, sensitive="sex,race", target="income")
    assert frame_hash(adult_small) == before
    assert run.synthetic.shape == adult_small.shape
    assert list(run.synthetic.columns) == list(adult_small.columns)
    assert run.n_holdout == 400 and run.n_fitted == 1600
    assert set(run.train_rows).isdisjoint(run.holdout_rows)
    assert sorted([*run.train_rows, *run.holdout_rows]) == list(range(2000))
    assert run.spec.sensitive == ("sex", "race") and run.spec.target == "income"
    assert set(run.timings) == {"prepare", "fit", "sample", "total"}
    assert run.synthetic_sha256 == frame_digest(run.synthetic)
    assert run.source["rows"] == 2000 and len(run.source["sha256"]) == 64
    assert run.versions["sdv"].startswith("2.")
    assert run.synthesizer.__class__.__name__ == "GaussianCopulaSynthesizer"
    # the held-out rows are exactly the real rows the run says it kept back
    pd.testing.assert_frame_equal(run.holdout, adult_small.iloc[run.holdout_rows])
    # the same seed chooses the same holdout; another seed another one
    assert np.array_equal(synthnb.fit(adult_small, seed=3, rows=10).holdout_rows, run.holdout_rows)
    assert not np.array_equal(synthnb.fit(adult_small, seed=4, rows=10).holdout_rows, run.holdout_rows)


def test_rows_and_holdout_zero(adult_small):
    run = synthnb.fit(adult_small, rows=123, holdout=0)
    assert len(run.synthetic) == 123
    assert run.n_holdout == 0 and run.n_fitted == 2000


def test_run_is_immutable_and_independent_of_the_callers_frame(adult_small):
    run = synthnb.fit(adult_small, rows=50)
    adult_small.loc[0, "age"] = 999
    assert run.real.loc[0, "age"] != 999
    with pytest.raises(AttributeError):
        run.spec = None


def test_global_random_state_is_restored(adult_small):
    import torch

    random.seed(11)
    np.random.seed(11)
    torch.manual_seed(11)
    threads = torch.get_num_threads()
    expected = (random.random(), np.random.random(), torch.rand(1).item())
    random.seed(11)
    np.random.seed(11)
    torch.manual_seed(11)
    synthnb.fit(adult_small, rows=20, model="tvae", epochs=1)
    assert (random.random(), np.random.random(), torch.rand(1).item()) == expected
    assert torch.get_num_threads() == threads


@pytest.mark.parametrize("model,epochs", [("gaussian_copula", None), *NEURAL])
def test_same_seed_same_bytes_different_seed_different_bytes(adult_small, model, epochs):
    kw = {"epochs": epochs} if epochs else {}
    a = synthnb.fit(adult_small, model=model, seed=5, rows=300, **kw)
    b = synthnb.fit(adult_small, model=model, seed=5, rows=300, **kw)
    c = synthnb.fit(adult_small, model=model, seed=6, rows=300, **kw)
    assert a.synthetic_sha256 == b.synthetic_sha256
    assert a.synthetic_sha256 != c.synthetic_sha256


CROSS = """
import json, synthnb
df = synthnb.datasets.load_adult().head(2000)
out = {}
for model, kw in [("gaussian_copula", {}), ("ctgan", {"epochs": 2}), ("tvae", {"epochs": 2}),
                  ("copulagan", {"epochs": 2})]:
    out[model] = synthnb.fit(df, model=model, seed=5, rows=300, **kw).synthetic_sha256
print(json.dumps(out))
"""


@pytest.mark.slow
def test_same_bytes_across_processes(adult_small):
    def digests():
        out = subprocess.run([sys.executable, "-c", CROSS], capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    first, second = digests(), digests()
    assert first == second
    here = synthnb.fit(adult_small, model="gaussian_copula", seed=5, rows=300)
    assert first["gaussian_copula"] == here.synthetic_sha256


def test_progress_reports_every_stage_and_epoch_losses(adult_small):
    events: list[ProgressEvent] = []
    synthnb.fit(adult_small, model="ctgan", epochs=3, rows=50, progress=events.append)
    stages = [e.stage for e in events]
    assert stages.index("prepare") < stages.index("fit") < stages.index("sample")
    epochs = [e for e in events if e.stage == "fit" and e.message == "epoch"]
    assert [e.done for e in epochs] == [1, 2, 3] and all(e.total == 3 for e in epochs)
    assert {"generator_loss", "discriminator_loss"} <= set(epochs[-1].metrics)
    assert all(np.isfinite(v) for e in epochs for v in e.metrics.values())


def test_fit_prints_nothing_from_sdv(adult_small, capfd):
    synthnb.fit(adult_small, model="tvae", epochs=1, rows=20)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_broken_progress_listener_does_not_break_the_fit(adult_small):
    def boom(event):
        raise RuntimeError("display went away")

    assert len(synthnb.fit(adult_small, rows=10, progress=boom).synthetic) == 10


@pytest.mark.parametrize(
    "make_input,kwargs,needle",
    [
        (lambda df: df.to_dict(), {}, "must be a pandas DataFrame"),
        (lambda df: df.iloc[0:0], {}, "has no rows"),
        (lambda df: df[[]], {}, "has no columns"),
        (lambda df: df.assign(empty=np.nan), {}, "column 'empty'"),
        (lambda df: df, {"model": "gpt"}, "unknown model 'gpt'"),
        (lambda df: df, {"rows": 0}, "rows must be at least 1"),
        (lambda df: df, {"rows": 2.5}, "whole number"),
        (lambda df: df, {"seed": -1}, "seed must be"),
        (lambda df: df, {"holdout": 1.0}, "holdout must be"),
        (lambda df: df, {"sensitive": "gender"}, "sensitive column 'gender'"),
        (lambda df: df, {"target": "incom"}, "Did you mean 'income'"),
        (lambda df: df, {"target": "sex", "sensitive": "sex"}, "both the target and a sensitive"),
        (lambda df: df, {"epochs": 5}, "epochs applies to"),
        (lambda df: df, {"model": "ctgan", "epochs": 0}, "epochs must be a positive"),
        (lambda df: df, {"model": "ctgan", "epochz": 5}, "does not take the parameter(s) ['epochz']"),
        (lambda df: df.assign(blob=[{"a": 1}] * len(df)), {}, "column 'blob' holds dict"),
    ],
)
def test_bad_input_gets_one_clear_error_and_the_frame_is_untouched(adult_small, make_input, kwargs, needle):
    data = make_input(adult_small)
    before = frame_hash(data) if isinstance(data, pd.DataFrame) else None
    with pytest.raises(SynthnbError) as info:
        synthnb.fit(data, **kwargs)
    assert needle in str(info.value)
    if before is not None:
        assert frame_hash(data) == before


def test_errors_are_valueerrors_and_render_as_one_line():
    err = SynthnbError("column 'x' is empty; drop it.")
    assert isinstance(err, ValueError)
    assert err._render_traceback_() == ["\x1b[0;31mSynthnbError\x1b[0m: column 'x' is empty; drop it."]
