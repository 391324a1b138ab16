"""Dates in any common form are modelled as dates, and every dtype comes back as it went in.

The rules are in :mod:`synthnb.generators.codec`. Python's own ``strftime``/``strptime`` are the oracle for the
date text: the synthetic values must read back with the column's format and print back identically.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb import SynthnbError
from synthnb.fingerprint import frame_digest
from synthnb.generators import sdv_adapter
from synthnb.generators.cart import CARTSynthesizer
from synthnb.generators.codec import format_dates, model_codec
from synthnb.spec import make_spec

N = 240
#: column -> (the format Python's strftime writes it with, the format it reads back with)
FORMS = {
    "us_short": ("%-m/%-d/%y %H:%M", "%m/%d/%y %H:%M"),
    "iso_date": ("%Y-%m-%d", "%Y-%m-%d"),
    "eu_date": ("%d/%m/%Y", "%d/%m/%Y"),
    "iso_z": ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%SZ"),
    "month_name": ("%b %-d, %Y", "%b %d, %Y"),
    "us_12h": ("%-m/%-d/%Y %-I:%M %p", "%m/%d/%Y %I:%M %p"),
    "iso_offset": ("%Y-%m-%dT%H:%M:%S+02:00", "%Y-%m-%dT%H:%M:%S+02:00"),
    "dotted": ("%d.%m.%Y", "%d.%m.%Y"),
}


def _stamps(n=N, seed=0):
    """Minute-resolution times over three years (day 13 and later included, so day-first is unambiguous)."""
    rng = np.random.default_rng(seed)
    minutes = rng.integers(0, 3 * 365 * 24 * 60, n)
    return [dt.datetime(2020, 1, 1) + dt.timedelta(minutes=int(m)) for m in minutes]


def _text(fmt, n=N, missing_every=0, seed=0):
    values = [t.strftime(fmt) for t in _stamps(n, seed)]
    if missing_every:
        values = [None if i % missing_every == 0 else v for i, v in enumerate(values)]
    return pd.Series(values, dtype=object)


def _prints_back(values, read, write) -> bool:
    """Every value reads with *read* and prints back to itself with *write* (Python's strptime/strftime)."""
    return all(dt.datetime.strptime(v, read).strftime(write) == v for v in values)


def _table(n=N):
    rng = np.random.default_rng(3)
    return pd.DataFrame({"x": rng.normal(size=n).round(3), "g": rng.choice(list("abc"), n)})


def _spec(frame, model, seed=0):
    return make_spec(frame.columns, len(frame), model=model, seed=seed, holdout=0)


# ---------------------------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("name", list(FORMS))
def test_each_common_form_is_read_as_dates_and_printed_back_exactly(name):
    write, read = FORMS[name]
    col = _text(write, missing_every=9)
    codec = model_codec(col.to_frame(name))
    assert codec.rules[name].kind == "text_dates"
    encoded = codec.encode(col.to_frame(name))[name]
    assert encoded.dtype.kind == "M" and encoded.isna().sum() == col.isna().sum()
    expect = pd.Series([None if v is None else dt.datetime.strptime(v, read) for v in col])
    if name == "iso_offset":  # learned in UTC, printed back at the column's own offset
        expect = expect - pd.Timedelta(hours=2)
    pd.testing.assert_series_equal(encoded.reset_index(drop=True), expect.astype("datetime64[ns]"), check_names=False)
    back = codec.decode(codec.encode(col.to_frame(name)))[name]
    assert back.dtype == object and back.tolist() == col.tolist()


@pytest.mark.parametrize(
    "values",
    [
        ["Oslo", "New York", "Lyon 3"],  # places, one with a number
        ["20200806", "2020", "6.745", "."],  # digits alone: numbers or codes written as text
        ["11:03:07", "18:57:00", "06:01:59"],  # times of day
        ["seen on 2020-01-01", "left 2021-03-04", "back 2022-05-06"],  # text holding a date
        ["1/2", "3/4", "12/11"],  # fractions or scores, not dates
    ],
)
def test_what_is_not_a_date_stays_text(values):
    col = pd.Series((values * N)[:N], dtype=object)
    assert not model_codec(col.to_frame("c")).rules


def test_at_most_five_percent_of_other_text_is_kept_as_markers_and_more_is_not_dates():
    col = _text("%Y-%m-%d")
    few = col.copy()
    few[::40] = "unknown"  # 2.5 %
    rule = model_codec(few.to_frame("d")).rules["d"]
    assert rule.kind == "text_dates" and rule.markers[0] == ("unknown",)
    codec = model_codec(few.to_frame("d"))
    assert codec.encode(few.to_frame("d"))["d"].isna().sum() == (few == "unknown").sum()
    back = codec.decode(pd.DataFrame({"d": pd.Series([pd.NaT] * 400, dtype="datetime64[ns]")}), seed=0)["d"]
    assert set(back.dropna()) == {"unknown"}  # every missing cell in training was 'unknown': all come back so
    many = col.copy()
    many[::10] = "unknown"  # 10 %
    assert not model_codec(many.to_frame("d")).rules
    rare = col.copy()
    rare[::60] = [f"note {i}" for i in range(len(rare[::60]))]  # each text in one row: never given back
    assert model_codec(rare.to_frame("d")).rules["d"].markers == ()


def test_formatting_equals_pythons_strftime():
    stamps = pd.Series([*_stamps(500, seed=5), None])
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%-m/%-d/%y %-I:%M %p", "%A, %B %d, %Y", "%a %b %-d %Y %% %H", "%d.%m.%Y"):
        got = format_dates(stamps, fmt)
        assert got.iloc[:-1].tolist() == [t.strftime(fmt) for t in stamps.iloc[:-1]] and got.iloc[-1] is None


# ---------------------------------------------------------------------------------------------- the generators


def _dates_table():
    frame = _table()
    for name, (write, _) in FORMS.items():
        frame[name] = _text(write, missing_every=10, seed=len(name))
    frame["pydate"] = [None if i % 10 == 0 else t.date() for i, t in enumerate(_stamps(seed=11))]
    frame["naive"] = pd.Series(pd.to_datetime(_stamps(seed=12))).where(np.arange(N) % 10 > 0)
    frame["aware"] = frame["naive"].dt.tz_localize("Europe/Oslo", nonexistent="shift_forward", ambiguous="NaT")
    return frame


@pytest.fixture(scope="module")
def dates_table():
    return _dates_table()


def _generate(model, frame, seed=0):
    """Synthetic rows straight from the generator (no identifier detection in between)."""
    if model == "cart":
        return CARTSynthesizer().fit(frame, seed=seed).sample(len(frame), seed=seed)
    return sdv_adapter.fit_and_sample(frame, _spec(frame, model, seed), len(frame)).synthetic


@pytest.mark.parametrize("model", ["cart", "gaussian_copula"])
def test_dates_are_drawn_as_new_dates_and_written_in_the_inputs_form(dates_table, model):
    before = frame_hash(dates_table)
    syn = _generate(model, dates_table)
    assert frame_hash(dates_table) == before, "the input was changed"
    assert list(syn.columns) == list(dates_table.columns)
    assert syn.dtypes.astype(str).to_dict() == dates_table.dtypes.astype(str).to_dict()
    for name, (write, read) in FORMS.items():
        values = syn[name].dropna()
        assert _prints_back(values, read, write), f"{name}: {values.iloc[0]!r} is not in the form {write!r}"
        new = (~values.isin(set(dates_table[name].dropna()))).mean()
        assert new > 0.3, f"{name}: only {new:.0%} of the synthetic dates are new"
        assert 0 < syn[name].isna().mean() < 0.4, f"{name}: the missing values were not kept"
    days = syn["pydate"].dropna()
    assert all(type(v) is dt.date for v in days) and (~days.isin(set(dates_table["pydate"].dropna()))).mean() > 0.3
    for name in ("naive", "aware"):
        assert (~syn[name].dropna().isin(set(dates_table[name].dropna()))).mean() > 0.3
    assert frame_digest(_generate(model, dates_table)) == frame_digest(syn), "same seed, different bytes"


def test_fit_models_dates_written_as_text_and_date_objects(dates_table):
    frame = dates_table[["x", "g", "us_short", "eu_date", "month_name", "pydate"]]
    before = frame_hash(frame)
    run = synthnb.fit(frame, model="cart", seed=0)
    assert frame_hash(frame) == before
    assert run.synthetic.dtypes.astype(str).to_dict() == frame.dtypes.astype(str).to_dict()
    for name in ("us_short", "eu_date", "month_name", "pydate"):
        new = (~run.synthetic[name].dropna().isin(set(run.train[name].dropna()))).mean()
        assert new > 0.3, f"{name}: only {new:.0%} new (learned as categories?)"
    columns = sdv_adapter.table_metadata(run)["columns"]
    assert columns["us_short"] == {"sdtype": "datetime", "datetime_format": "%m/%d/%y %H:%M"}


def test_a_saved_cart_model_and_its_group_draws_give_the_inputs_form(dates_table):
    frame = dates_table[["g", "us_short", "pydate"]]
    model = CARTSynthesizer().fit(frame, seed=1)
    loaded = CARTSynthesizer.load(pickle.dumps(model))
    for rows in (loaded.sample(50, seed=2), model.sample_conditions(50, "g", "a", seed=2)):
        assert _prints_back(rows["us_short"].dropna(), "%m/%d/%y %H:%M", "%-m/%-d/%y %H:%M")
        assert all(type(v) is dt.date for v in rows["pydate"].dropna())


# ---------------------------------------------------------------------------------------------- every dtype


def _every_dtype_table(n=120):
    rng = np.random.default_rng(4)
    frame = _table(n)
    csv = pd.DataFrame(
        {
            "a_int": rng.integers(0, 50, n),
            "a_float": rng.normal(size=n).round(3),
            "a_text": rng.choice(["north", "south", "east"], n),
            "a_bool": rng.random(n) < 0.5,
            "a_date": [t.strftime("%Y-%m-%d") for t in _stamps(n, seed=6)],
        }
    )
    csv.loc[::7, ["a_int", "a_float", "a_text", "a_bool"]] = None
    arrow = pd.read_csv(io.StringIO(csv.to_csv(index=False)), dtype_backend="pyarrow")
    for col in arrow.columns:
        frame[col] = arrow[col]
    stamps = pd.Series(pd.to_datetime(_stamps(n, seed=7)))
    frame["a_stamp"] = pd.array(stamps, dtype=pd.ArrowDtype(pa.timestamp("us")))
    frame["a_stamp_utc"] = pd.array(stamps.dt.tz_localize("UTC"), dtype=pd.ArrowDtype(pa.timestamp("us", tz="UTC")))
    frame["a_day"] = pd.array([t.date() for t in stamps], dtype=pd.ArrowDtype(pa.date32()))
    frame["a_span"] = pd.array(
        pd.to_timedelta(rng.integers(0, 9999, n), unit="s"), dtype=pd.ArrowDtype(pa.duration("s"))
    )
    frame["a_money"] = pd.array(
        [decimal.Decimal(int(v)) / 100 for v in rng.integers(0, 99999, n)], dtype=pd.ArrowDtype(pa.decimal128(9, 2))
    )
    frame["a_dict"] = pd.array(
        pa.array(rng.choice(["lo", "hi"], n).tolist()).dictionary_encode(),
        dtype=pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string())),
    )
    frame["n_int"] = pd.array(
        [None if i % 5 == 0 else int(v) for i, v in enumerate(rng.integers(0, 9, n))], dtype="Int64"
    )
    frame["n_float"] = pd.array(rng.normal(size=n), dtype="Float64")
    frame["n_bool"] = pd.array(
        [None if i % 6 == 0 else bool(v) for i, v in enumerate(rng.random(n) < 0.3)], dtype="boolean"
    )
    frame["n_text"] = pd.array(rng.choice(["u", "v", "w"], n), dtype="string")
    frame["cat"] = pd.Categorical(rng.choice(["lo", "mid", "hi"], n), categories=["lo", "mid", "hi"], ordered=True)
    frame["span"] = pd.to_timedelta(rng.integers(0, 500, n), unit="min")
    frame["month"] = pd.period_range("2020-01", periods=n, freq="M")
    frame["huge"] = rng.lognormal(0, 1, n) * 1e300
    frame["tiny"] = rng.lognormal(0, 1, n) * 1e-200
    return frame


@pytest.fixture(scope="module")
def every_dtype():
    return _every_dtype_table()


@pytest.mark.parametrize("model", ["cart", "gaussian_copula"])
def test_every_dtype_comes_back_as_it_went_in(every_dtype, model):
    before = frame_hash(every_dtype)
    syn = _generate(model, every_dtype)
    assert frame_hash(every_dtype) == before, "the input was changed"
    assert list(syn.columns) == list(every_dtype.columns)
    assert syn.dtypes.astype(str).to_dict() == every_dtype.dtypes.astype(str).to_dict()
    for col in ("huge", "tiny", "a_float", "span", "a_stamp", "a_span"):
        real, fake = every_dtype[col].dropna(), syn[col].dropna()
        assert real.min() <= fake.min() and fake.max() <= real.max(), col
        assert fake.nunique() > 10, f"{col}: {fake.nunique()} distinct values"
    assert syn["a_int"].isna().any() and syn["n_bool"].isna().any(), "missing values were not kept"
    assert _prints_back(syn["a_date"].dropna(), "%Y-%m-%d", "%Y-%m-%d")
    assert frame_digest(_generate(model, every_dtype)) == frame_digest(syn), "same seed, different bytes"


def test_cart_learns_floats_beyond_float32s_range_as_tree_features():
    rng = np.random.default_rng(0)
    huge = rng.lognormal(0, 1, 300) * 1e300  # before: "Input X contains infinity or a value too large for float32"
    frame = pd.DataFrame({"huge": huge, "y": np.log(huge / 1e300) + rng.normal(0, 0.1, 300)})
    syn = CARTSynthesizer().fit(frame, seed=0).sample(300, seed=0)
    assert syn["huge"].between(huge.min(), huge.max()).all()
    assert np.corrcoef(np.log(syn["huge"]), syn["y"])[0, 1] > 0.9


@pytest.mark.parametrize(
    "values,needle",
    [
        (pd.array([[1]] * N, dtype=pd.ArrowDtype(pa.list_(pa.int64()))), "astype(str)"),
        (pd.array([b"x"] * N, dtype=pd.ArrowDtype(pa.binary())), "astype(str)"),
        (pd.arrays.IntervalArray.from_breaks(np.arange(N + 1)), ".array.left"),
        (pd.arrays.SparseArray(np.arange(N) % 3 == 0), "sparse.to_dense()"),
        (np.arange(N) * (1 + 1j), "real and imaginary"),
        ([dt.datetime(2020, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=h % 3))) for h in range(N)], "utc=True"),
    ],
    ids=["arrow-list", "arrow-binary", "interval", "sparse", "complex", "datetimes-in-three-zones"],
)
def test_what_no_generator_models_is_refused_by_column_with_the_fix(values, needle):
    frame = _table()
    frame["odd"] = values
    before = frame_hash(frame)
    with pytest.raises(SynthnbError) as err:
        synthnb.fit(frame, model="cart")
    assert "'odd'" in str(err.value) and needle in str(err.value)
    assert frame_hash(frame) == before


# ---------------------------------------------------------------------------------------------- real tables


def _student_placements():
    from importlib.resources import files

    path = files("sdmetrics") / "demos" / "single_table" / "student_placements_real.csv"
    return pd.read_csv(path, dtype_backend="pyarrow")


@pytest.mark.parametrize("model", ["cart", "gaussian_copula"])
def test_a_real_table_read_with_pyarrow(model):
    """sdmetrics' student placements (215 rows; start and end dates as text, some missing), pyarrow-backed:
    SDV refused it before ("Unsupported data type ... (kind: U)")."""
    real = _student_placements()
    before = frame_hash(real)
    run = synthnb.fit(real, model=model, seed=0)
    assert frame_hash(real) == before
    syn = run.synthetic
    assert {c: str(t) for c, t in syn.dtypes.items()} == {c: str(real[c].dtype) for c in syn.columns}
    for col in ("start_date", "end_date"):
        assert _prints_back(syn[col].dropna(), "%Y-%m-%d", "%Y-%m-%d")
        # 148 dates on 51 days (start) and 99 (end): most synthetic dates fall on a real day, but not all
        new = (~syn[col].dropna().isin(set(run.train[col].dropna()))).mean()
        assert new > 0.1, f"{col}: only {new:.0%} of the synthetic dates are new"
        assert syn[col].isna().any()  # unplaced students have no dates
