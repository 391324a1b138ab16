"""Bad input never crashes, and nothing is lost: every table goes through fit, evaluate and export.

Each input gives a result or a SynthnbError that names the column at fault and the fix, and the caller's
object is unchanged afterwards. Anything else (a TypeError from inside pandas, an SDV error passed on) is a
bug. The tally of outcomes is printed at the end of the module (run with ``-s`` or read the summary line).
"""

from __future__ import annotations

import collections
import datetime as dt
import decimal
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import pandas as hpd
from testing_helpers import frame_hash

import synthnb
from synthnb import SynthnbError
from synthnb.evaluation import section_spec

#: outcome -> count, over every input of this module ("anything else" must stay 0)
TALLY: collections.Counter = collections.Counter()
#: one line per input: its id and outcome
LOG: list[str] = []
#: a message must say what to do, not only what is wrong
FIX_WORDS = (
    "drop",
    "rename",
    "convert",
    "use ",
    "pass",
    "wrap",
    "replace",
    "load",
    "e.g.",
    "for example",
    "cast",
    "split",
    "pick",
    "set ",
    "make it",
    "flatten",
)
#: sections computed on every table that fits (fidelity and privacy take any table; utility needs a target)
SECTION_NAMES = ("fidelity", "privacy")
N = 40


def _base(n: int = N) -> pd.DataFrame:
    """A small clean table: integers, floats, text categories and a bool."""
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "income": rng.normal(40_000, 9_000, n).round(2),
            "city": rng.choice(["Oslo", "Lyon", "Porto"], n),
            "member": rng.random(n) < 0.4,
        }
    )


def _with(**cols):
    """The base table with *cols* added (each a function of the row count)."""

    def make():
        base = _base()
        for name, fn in cols.items():
            base[name] = fn(len(base))
        return base

    return make


def _renamed(columns):
    def make():
        base = _base()
        base.columns = columns
        return base

    return make


def _dates(n, tz=None):
    return pd.date_range("2020-01-01", periods=n, freq="37h", tz=tz)


def _with_missing(values, dtype):
    """A column of *dtype* holding *values* cycled, with every fifth value missing."""

    def fn(n):
        s = pd.Series([values[i % len(values)] for i in range(n)], dtype=dtype)
        s[::5] = pd.NA
        return s

    return fn


def _arrow(df):
    """*df* as ``pd.read_csv(..., dtype_backend="pyarrow")`` reads it, plus a pyarrow timestamp column."""
    out = pd.read_csv(io.StringIO(df.to_csv(index=False)), dtype_backend="pyarrow")
    out["when"] = pd.array(list(_dates(len(out))), dtype=pd.ArrowDtype(pa.timestamp("us")))
    return out


def _text(n):
    words = ["lorem", "ipsum", "dolor", "sit", "amet", "ünïcødé", "数据", "consectetur", "adipiscing"]
    rng = np.random.default_rng(1)
    return [" ".join(rng.choice(words, 300)) for _ in range(n)]


def _wide():
    rng = np.random.default_rng(2)
    return pd.DataFrame(rng.normal(size=(10, 301)).round(3), columns=[f"c{i}" for i in range(301)])


#: (make the input, fit keyword arguments, the column an error must name or None, whether a result is expected)
CASES = [
    pytest.param(pd.DataFrame, {}, None, False, id="empty"),
    pytest.param(lambda: _base().iloc[0:0], {}, None, False, id="no-rows"),
    pytest.param(lambda: _base().head(1), {"holdout": 0}, None, False, id="one-row"),
    pytest.param(lambda: _base().head(2), {"holdout": 0}, None, True, id="two-rows"),
    pytest.param(lambda: _base()[["income"]], {}, None, True, id="one-column"),
    pytest.param(lambda: _base()[["city"]], {}, None, True, id="one-text-column"),
    pytest.param(_with(empty=lambda n: np.nan), {}, "empty", False, id="all-missing-float-column"),
    pytest.param(_with(empty=lambda n: [None] * n), {}, "empty", False, id="all-missing-object-column"),
    pytest.param(_with(const=lambda n: 7), {}, None, True, id="constant-column"),
    pytest.param(_with(const=lambda n: "same"), {}, None, True, id="constant-text-column"),
    pytest.param(_renamed(["age", "age", "city", "member"]), {}, "age", False, id="duplicate-column-names"),
    pytest.param(_renamed([0, 1, 2, 3]), {}, "0", None, id="integer-column-names"),
    pytest.param(
        _renamed([1.5, None, dt.date(2020, 1, 1), ("a", "b")]), {}, None, None, id="mixed-non-string-column-names"
    ),
    pytest.param(
        _renamed(pd.MultiIndex.from_tuples([("p", "age"), ("p", "income"), ("q", "city"), ("q", "m")])),
        {},
        "age",
        None,
        id="multiindex-column-names",
    ),
    pytest.param(
        _with(mixed=lambda n: ([1, "a", 2.5, None, True, dt.date(2020, 1, 1)] * n)[:n]),
        {},
        "mixed",
        None,
        id="mixed-type-object-column",
    ),
    pytest.param(_with(x=lambda n: ([np.inf, -np.inf, -0.0, 0.0, 1.5] * n)[:n]), {}, "x", None, id="inf-and-neg-zero"),
    pytest.param(_with(x=lambda n: ([-0.0, 0.0, 1.5, 2.5] * n)[:n]), {}, None, True, id="neg-zero"),
    pytest.param(
        _with(big=lambda n: np.arange(n, dtype=np.int64) + (2**63 - 100)), {}, "big", None, id="int64-near-2-63"
    ),
    pytest.param(
        _with(big=lambda n: np.arange(n, dtype=np.uint64) + np.uint64(2**63 + 5)),
        {},
        "big",
        None,
        id="uint64-above-2-63",
    ),
    pytest.param(
        _with(small=lambda n: np.arange(n, dtype=np.int64) - (2**63 - 100)),
        {},
        "small",
        None,
        id="int64-near-minus-2-63",
    ),
    pytest.param(_with(when=lambda n: _dates(n)), {}, None, True, id="naive-datetime"),
    pytest.param(_with(when=lambda n: _dates(n, "Europe/Oslo")), {}, None, True, id="tz-aware-datetime"),
    pytest.param(
        _with(when=lambda n: _dates(n, "UTC").where(np.arange(n) % 4 > 0)),
        {},
        None,
        True,
        id="tz-aware-datetime-with-missing",
    ),
    pytest.param(
        _with(when=lambda n: list(_dates(n // 2)) + list(_dates(n - n // 2, "UTC"))),
        {},
        "when",
        None,
        id="naive-and-aware-datetimes-mixed",
    ),
    pytest.param(_with(span=lambda n: pd.to_timedelta(np.arange(n), unit="h")), {}, None, True, id="timedelta"),
    pytest.param(lambda: _base()[["member", "age"]], {}, None, True, id="bool"),
    pytest.param(_with(flag=_with_missing([True, False], "boolean")), {}, None, True, id="nullable-boolean"),
    pytest.param(_with(n=_with_missing([1, 5, 9, 12], "Int64")), {}, None, True, id="nullable-Int64"),
    pytest.param(_with(n=_with_missing([0, 7, 255], "UInt8")), {}, None, True, id="nullable-UInt8"),
    pytest.param(_with(n=_with_missing([0.5, 1.25], "Float64")), {}, None, True, id="nullable-Float64"),
    pytest.param(_with(s=_with_missing(["a", "b", "c"], "string")), {}, None, True, id="nullable-string"),
    pytest.param(
        _with(cat=lambda n: pd.Categorical((["lo", "mid", "hi"] * n)[:n], ["lo", "mid", "hi", "unused"], ordered=True)),
        {},
        None,
        True,
        id="category",
    ),
    pytest.param(_with(cat=lambda n: pd.Categorical(([1, 2, None] * n)[:n])), {}, None, True, id="category-of-ints"),
    pytest.param(_with(note=_text), {}, None, True, id="long-free-text"),
    pytest.param(_renamed(["âge", "名字 ", " income\t", "😀 member"]), {}, None, True, id="unicode-whitespace-names"),
    pytest.param(_renamed(["", " ", "a.b", "a b"]), {}, None, None, id="blank-column-names"),
    # normal marginals keep the fit of 301 columns quick; the case is about width, not distributions
    pytest.param(_wide, {"holdout": 0, "default_distribution": "norm"}, None, True, id="301-columns-10-rows"),
    pytest.param(lambda: _base()["age"], {}, None, False, id="series"),
    pytest.param(lambda: _base().to_numpy().tolist(), {}, None, False, id="list"),
    pytest.param(lambda: _base().to_dict(), {}, None, False, id="dict"),
    pytest.param(lambda: None, {}, None, False, id="none"),
    pytest.param(lambda: _base().to_numpy(), {}, None, False, id="numpy-array"),
    pytest.param(_with(blob=lambda n: [{"k": i} for i in range(n)]), {}, "blob", False, id="dict-values"),
    pytest.param(_with(z=lambda n: np.arange(n) * (1 + 1j)), {}, "z", False, id="complex"),
    pytest.param(
        _with(day=lambda n: [dt.date(2020, 1, 1 + i % 28) for i in range(n)]), {}, None, True, id="object-dates"
    ),
    pytest.param(_with(d=lambda n: [decimal.Decimal(i) / 4 for i in range(n)]), {}, "d", False, id="object-decimals"),
    pytest.param(_with(b=lambda n: [b"x%d" % (i % 3) for i in range(n)]), {}, "b", False, id="object-bytes"),
    pytest.param(
        _with(n=lambda n: [i % 4 if i % 3 else None for i in range(n)]), {}, None, True, id="object-ints-with-none"
    ),
    pytest.param(_with(p=lambda n: pd.period_range("2020-01", periods=n, freq="M")), {}, None, True, id="period"),
    pytest.param(
        _with(r=lambda n: pd.arrays.IntervalArray.from_breaks(np.arange(n + 1))), {}, "r", False, id="interval"
    ),
    pytest.param(_with(s=lambda n: pd.arrays.SparseArray(np.arange(n) % 3 == 0)), {}, "s", False, id="sparse"),
    pytest.param(_with(when=lambda n: _dates(n).strftime("%-m/%-d/%y %H:%M")), {}, None, True, id="dates-as-text"),
    pytest.param(
        _with(when=lambda n: [t.to_pydatetime() for t in _dates(n, "UTC")]), {}, None, True, id="object-datetimes"
    ),
    pytest.param(_with(huge=lambda n: np.arange(n) * 1e300), {"model": "cart"}, None, True, id="floats-beyond-float32"),
    pytest.param(lambda: _arrow(_base()), {}, None, True, id="pyarrow-columns"),
    pytest.param(lambda: _arrow(_base()), {"model": "cart"}, None, True, id="pyarrow-columns-cart"),
    pytest.param(
        _with(nest=lambda n: pd.array([[i] for i in range(n)], dtype=pd.ArrowDtype(pa.list_(pa.int64())))),
        {},
        "nest",
        False,
        id="pyarrow-list",
    ),
    pytest.param(lambda: _base().set_index("city"), {}, None, True, id="non-range-index"),
    pytest.param(lambda: _base().set_axis(["r"] * N), {}, None, True, id="duplicate-index"),
]


def _check_message(err: SynthnbError, culprit) -> None:
    text = str(err)
    assert not text.startswith("SDV could not fit"), f"an SDV error passed on, not anticipated: {text}"
    if culprit is not None:
        assert str(culprit) in text, f"the error does not name column {culprit!r}: {text}"
    assert any(w in text.lower() for w in FIX_WORDS), f"the error does not say what to do: {text}"


def _sections(ev) -> None:
    """Compute each section with its errors raised, not folded into the section (which would hide a bug)."""
    for name in ev.section_names:
        try:
            sec = section_spec(name).compute(ev.context)
        except SynthnbError as err:  # a section may refuse a table it cannot judge, clearly
            _check_message(err, None)
            continue
        assert sec.error is None, sec.error


def _fit_evaluate_export(data, tmp_path, fit_kwargs) -> str:
    kwargs = {"model": "gaussian_copula", **fit_kwargs}
    try:
        run = synthnb.fit(data, **kwargs)
    except SynthnbError:
        # the bare-frame evaluation must refuse (or take) the same table cleanly too
        if isinstance(data, pd.DataFrame):
            _sections(synthnb.evaluate(data, data.copy(deep=True), sections=SECTION_NAMES, lazy=True))
        raise
    # nothing is lost but what the fit says it dropped: free text has no faithful fake, so it leaves the table
    # by design (issue 7), and the run names it as a direct identifier dropped
    dropped = [r.column for r in run.identifiers if r.role == "direct" and r.action == "drop"]
    assert list(run.synthetic.columns) == [c for c in run.real.columns if c not in dropped]
    # sdmetrics' fidelity scores every column pair: minutes on hundreds of columns, so wide tables skip it
    names = SECTION_NAMES if data.shape[1] <= 50 else ("privacy",)
    _sections(synthnb.evaluate(run, sections=names, lazy=True))
    try:
        result = synthnb.export(run, tmp_path / "out")
        outcome = "result"
    except SynthnbError as err:
        # the export gate judges privacy, not robustness: on a tiny table with no holdout a generator may well
        # repeat real values, and refusing is its job. The refusal must be clean and say what to do; then the
        # override, as a person would give it, must write a table that verifies with the reason recorded
        if not str(err).startswith("The export gate refused"):
            raise
        _check_message(err, None)
        reason = "bad-input suite: robustness check, not shared"
        result = synthnb.export(run, tmp_path / "out", allow_risk=reason)
        assert result.gate.allow_risk == reason and result.gate.findings
        outcome = "result over a gate refusal: " + str(err).splitlines()[1][2:80]
    assert synthnb.verify(result.directory, key=result.key_fingerprint), "the export does not verify"
    return outcome


def through_synthnb(label, data, tmp_path, fit_kwargs=(), culprit=None) -> str:
    """fit, evaluate, export *data*: 'result' or 'clean error'; anything else is counted and raised."""
    before = frame_hash(data) if isinstance(data, pd.DataFrame) else repr(data)
    try:
        outcome = _fit_evaluate_export(data, tmp_path, dict(fit_kwargs))
        LOG.append(f"{label}: {outcome}")
        if outcome != "result":
            TALLY["gate refused, overridden"] += 1
            outcome = "result"
    except SynthnbError as err:
        _check_message(err, culprit)
        outcome = "clean error"
        LOG.append(f"{label}: clean error: {str(err)[:100]}")
    except Exception as exc:
        TALLY["anything else"] += 1
        LOG.append(f"{label}: ANYTHING ELSE: {type(exc).__name__}: {str(exc)[:100]}")
        raise
    finally:
        after = frame_hash(data) if isinstance(data, pd.DataFrame) else repr(data)
        assert after == before, "the input was changed"
    TALLY[outcome] += 1
    return outcome


@pytest.fixture(autouse=True)
def _key(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHNB_KEY_DIR", str(tmp_path / "key"))


class _TallyReport:
    """A pytest plugin, registered while this module runs, that prints the tally in the terminal summary."""

    @staticmethod
    def pytest_terminal_summary(terminalreporter):
        if not LOG:
            return
        terminalreporter.section("bad-input tally")
        for entry in LOG:
            terminalreporter.write_line(f"  {entry}")
        cases = TALLY["result"] + TALLY["clean error"] + TALLY["anything else"]
        terminalreporter.write_line(
            f"bad-input tally: {cases} cases, {TALLY['result']} results, "
            f"{TALLY['clean error']} clean errors, {TALLY['anything else']} anything else "
            f"({TALLY['gate refused, overridden']} results exported over a gate refusal with allow_risk)"
        )


@pytest.fixture(scope="module", autouse=True)
def _report_tally(request):
    manager = request.config.pluginmanager
    if not manager.has_plugin("synthnb-bad-input-tally"):
        manager.register(_TallyReport(), "synthnb-bad-input-tally")
    yield


@pytest.mark.parametrize("make,fit_kwargs,culprit,expect_result", CASES)
def test_written_case(make, fit_kwargs, culprit, expect_result, tmp_path, request):
    outcome = through_synthnb(request.node.callspec.id, make(), tmp_path, fit_kwargs, culprit)
    if expect_result is not None:
        assert outcome == ("result" if expect_result else "clean error")


#: kind -> (dtype hypothesis draws, its values, the dtype the column is converted to afterwards or None)
_COLUMN_KINDS = {
    "int": (np.int64, st.integers(-(2**63), 2**63 - 1), None),
    "float": (float, st.floats(allow_nan=True, allow_infinity=True), None),
    "bool": (bool, st.booleans(), None),
    "text": (object, st.one_of(st.none(), st.text(max_size=12)), None),
    "datetime": ("datetime64[ns]", st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1)), None),
    "datetime-tz": ("datetime64[ns]", st.datetimes(dt.datetime(1970, 1, 1), dt.datetime(2100, 1, 1)), "UTC"),
    "Int64": ("Int64", st.one_of(st.none(), st.integers(-1000, 1000)), None),
    "category": (object, st.one_of(st.none(), st.sampled_from(["a", "b", "c"])), "category"),
    "string": (object, st.one_of(st.none(), st.text(max_size=5)), "string"),
    "object-mixed": (object, st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=3), st.floats()), None),
}


@st.composite
def frames(draw):
    """Up to 5 columns of the kinds above, 0-30 rows, text names (now and then an integer or a repeat)."""
    kinds = draw(st.lists(st.sampled_from(sorted(_COLUMN_KINDS)), min_size=0, max_size=5))
    names = draw(st.lists(st.text(max_size=6), min_size=len(kinds), max_size=len(kinds), unique=True))
    columns = [
        hpd.column(name, dtype=_COLUMN_KINDS[k][0], elements=_COLUMN_KINDS[k][1])
        for name, k in zip(names, kinds, strict=True)
    ]
    df = draw(hpd.data_frames(columns, index=hpd.range_indexes(min_size=0, max_size=30)))
    for name, k in zip(names, kinds, strict=True):
        convert = _COLUMN_KINDS[k][2]
        if convert == "UTC":
            df[name] = df[name].dt.tz_localize("UTC")
        elif convert is not None:
            df[name] = df[name].astype(convert)
    if names and draw(st.integers(0, 9)) == 0:  # an integer name, or a repeated one
        df.columns = [*df.columns[:-1], draw(st.sampled_from([0, names[0]]))]
    return df


@settings(
    derandomize=True,
    deadline=None,
    max_examples=30,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(frames())
def test_generated_frames(tmp_path_factory, df):
    label = f"generated {df.shape[0]}x{df.shape[1]} {[str(t) for t in df.dtypes]}"
    through_synthnb(label, df, tmp_path_factory.mktemp("gen"), {"holdout": 0})


def test_a_synthetic_column_with_no_values_is_evaluated_not_refused():
    real = _with(when=lambda n: _dates(n).where(np.arange(n) % 3 == 0))()
    synthetic = real.sample(frac=1, replace=True, random_state=1).reset_index(drop=True)
    synthetic["when"] = pd.NaT
    synthetic["city"] = None
    before = frame_hash(synthetic)
    ev = synthnb.evaluate(real, synthetic, sections=SECTION_NAMES, lazy=True)
    _sections(ev)
    assert frame_hash(synthetic) == before
    # the same table as a source is refused: there is nothing to learn from an empty column
    with pytest.raises(SynthnbError, match=r"column 'city' .* no values"):
        synthnb.evaluate(synthetic, real)


def test_export_refuses_what_is_not_a_run_and_bad_data_by_name(tmp_path):
    df = _base()
    with pytest.raises(SynthnbError, match="takes the Run"):
        synthnb.export(df, tmp_path / "a")
    run = synthnb.fit(df, holdout=0)
    data = pd.concat([df, run.synthetic], ignore_index=True).assign(x=np.inf)
    before = frame_hash(data)
    with pytest.raises(SynthnbError, match="column 'x' holds infinite"):
        synthnb.export(run, tmp_path / "b", data=data, synthetic_mask=[False] * len(df) + [True] * len(df))
    assert frame_hash(data) == before
    assert not (tmp_path / "b").exists()
