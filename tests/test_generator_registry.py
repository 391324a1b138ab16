"""A new generator is one module and one registry line: everything else reads the registry."""

from __future__ import annotations

import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb import SynthnbError
from synthnb.fingerprint import frame_digest
from synthnb.generators import GENERATORS, GeneratorSpec, generator
from synthnb.provenance.record import provenance_record


@pytest.fixture
def marginals(monkeypatch):
    spec = GeneratorSpec("marginals", "Independent marginals", "synthnb tests", "toy_generator", aliases=("indep",))
    monkeypatch.setitem(GENERATORS, "marginals", spec)
    return spec


def test_the_registry_describes_every_generator():
    assert list(GENERATORS) == ["gaussian_copula", "ctgan", "tvae", "copulagan", "cart"]
    assert generator("gc").name == "gaussian_copula" and generator("synthpop").name == "cart"
    assert {n for n, s in GENERATORS.items() if s.neural} == set(synthnb.generators.NEURAL_MODELS)
    assert generator("cart").library == "synthnb" and generator("tvae").library == "SDV"
    with pytest.raises(SynthnbError, match=r"unknown model 'cartt'.*Did you mean 'cart'\?"):
        generator("cartt")


def test_a_registered_generator_fits_records_augments_and_shows_in_menus(marginals, adult_small, ip):
    df = adult_small.head(500)
    before = frame_hash(df)
    run = synthnb.fit(df, model="indep", seed=3, sensitive="sex", target="income")
    again = synthnb.fit(df, model="marginals", seed=3, sensitive="sex", target="income")
    assert run.spec.model == "marginals" and run.synthetic.shape == df.shape
    assert run.synthetic_sha256 == again.synthetic_sha256  # same seed, same bytes
    assert frame_hash(df) == before
    assert run.summary()["model"] == "Independent marginals"
    rec = provenance_record(run, "m")
    assert (rec["generator"]["label"], rec["generator"]["library"]) == ("Independent marginals", "synthnb tests")
    assert "marginals" in synthnb.generators.MODELS and "marginals" not in synthnb.generators.NEURAL_MODELS
    with pytest.raises(SynthnbError, match="epochs applies to"):
        synthnb.fit(df, model="marginals", epochs=3)
    added = synthnb.augment(df, "race=Black", 30, model="marginals", seed=0)
    assert int(added.data["is_synthetic"].sum()) == 30
    assert (added.data.loc[added.data["is_synthetic"], "race"] == "Black").all()
    ip.user_ns["df"] = df
    assert ip.run_cell("%synth fit df --model marginals --seed 3 --as m --no-report").success
    assert frame_digest(ip.user_ns["m"]) == run.synthetic_sha256
    wb = synthnb.Workbench(df, df_name="df")
    assert ["marginals", "Independent marginals"] in wb.view.options["models"]
