"""How each column of the user's table is handed to a generator, and how the generator's rows are given back.

A generator learns numbers, categories, booleans and ``datetime64``; users hold dates as text, as
``datetime.date`` objects, as periods, and columns in pyarrow, nullable or huge-float form. :func:`model_codec`
reads a training frame once and returns a :class:`Codec` whose ``encode`` gives the frame the generator learns
from and whose ``decode`` turns synthetic rows back into the input's representation: same columns, same dtypes,
dates as text in the input's own format. Every generator goes through it (CART inside ``CARTSynthesizer``, SDV's
in ``sdv_adapter``), so the rules below hold for all of them.

Rules (checked in this order, per column):

- **Dates written as text** (an object, ``string`` or pyarrow string column): the column is dates when at
  least 95 % of its non-missing values parse with one format *and* print back to exactly the same text with
  it. The formats tried are the common date forms (ISO ``2020-08-06``, ``8/6/20``, ``06/08/2020``,
  ``06.08.2020``, ``Aug 6, 2020``, ``6 August 2020``, ``06-Aug-20``, ...) each with the common times of day
  (``18:57``, ``18:57:03``, ``18:57:03.250``, ``6:57 PM``, ISO ``T13:04:08`` with ``Z`` or an offset). Day-first
  and month-first are both tried; the one that reads more values wins (month-first on a tie, when no day
  exceeds 12). Fields written without a leading zero (``8/6/20``) are written back without one. Digits alone
  (``20200806``, ``2020``) and times alone (``11:03:07``) are never dates here. The generator learns the
  column as ``datetime64`` (so new dates are drawn), and each synthetic date is printed with the column's
  format. Values that are not dates (at most 5 %, such as ``"unknown"`` or ``"."``) are learned as missing;
  on the way back a missing cell becomes one of them, in their training proportions, when it occurs in at
  least :data:`MIN_MARKER_ROWS` rows (rarer text never leaves the model).
- **``datetime.date`` / ``datetime.datetime`` objects** in an object column: learned as ``datetime64``, given
  back as the same kind of object. Datetimes that mix time zones are refused (``check_frame`` says how to fix).
- **pandas periods**: learned as the period's start, given back as periods of the same frequency.
- **pyarrow-backed columns** (``dtype_backend="pyarrow"``): learned as their NumPy or nullable counterpart
  (``int64[pyarrow]`` as ``Int64``, ``double`` as float64, ``bool`` as ``boolean``, strings as text, ``timestamp``
  as ``datetime64``, ``date32`` as dates, ``duration`` as a duration, ``decimal`` as float64, ``dictionary`` as a
  category), given back in the input's pyarrow type. Nested or binary pyarrow types are refused by name.
- **Durations** (``timedelta64``): learned as whole numbers of the finest unit every value is a multiple of
  (days, seconds, ms, us or ns), given back as the same dtype.
- **Floats beyond float32's range** (largest magnitude ≥ 2**64, or non-zero and below 2**-64): scaled by a power
  of two so the generator sees magnitudes near 2**20 (scikit-learn's trees work in float32, SDV's transformers
  square values); scaling by a power of two is exact both ways, so the values given back are the generator's.
- Everything else reaches the generator as it is.

The codec holds no training values except the non-date texts kept as markers (each held by at least
:data:`MIN_MARKER_ROWS` rows) and the format strings; it is pickled with the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from synthnb.errors import SynthnbError

__all__ = ["MIN_DATE_SHARE", "MIN_MARKER_ROWS", "Codec", "date_format", "format_dates", "model_codec"]

#: the share of a text column's non-missing values that must parse and print back with one format
MIN_DATE_SHARE = 0.95
#: a non-date text of a date column is given back only when at least this many training rows hold it
MIN_MARKER_ROWS = 5
#: distinct values a format is first tried on (the winner is then checked on every value)
_SAMPLE = 200
#: above (or, non-zero, below) this magnitude a float column is rescaled for the generator
_HUGE, _TINY = 2.0**64, 2.0**-64
_TARGET_EXPONENT = 20

_ISO_DATES = ("%Y-%m-%d", "%Y/%m/%d")
_OTHER_DATES = (
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%a, %d %b %Y",
    "%A, %B %d, %Y",
)
_ISO_TIMES = ("", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", "T%H:%M", "T%H:%M:%S", "T%H:%M:%S.%f")
_ISO_ZONES = ("", "Z", "%z")
_OTHER_TIMES = ("", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", " %I:%M %p", " %I:%M:%S %p", " %H:%M:%S %z")
_CANDIDATES = tuple(d + t + z for d in _ISO_DATES for t in _ISO_TIMES for z in _ISO_ZONES if t or not z) + tuple(
    d + t for d in _OTHER_DATES for t in _OTHER_TIMES
)
#: a cheap first look: a date starts with digits or a month or day name followed by a separator
_LOOKS_LIKE_A_DATE = re.compile(r"^(\d{1,4}[-/. ]|[A-Za-z]{3,9},? )")
_PADDED = ("%m", "%d", "%H", "%I")
_MONTHS = ("January February March April May June July August September October November December").split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_DAY_NS = 86_400 * 10**9


@dataclass
class _Rule:
    """One column's way to the generator and back."""

    kind: str  # "text_dates", "object_dates", "object_datetimes", "period", "arrow", "duration", "scaled"
    dtype: Any  # the input's dtype
    fmt: str = ""  # text dates: the format printed back (``%-m`` for a field without its leading zero)
    parse: str = ""  # text dates: the format values are read with
    tz: Any = None  # text dates with an offset, object datetimes: the zone given back
    missing: Any = None  # the input's missing value in an object column
    markers: tuple = ()  # text dates: (non-date texts, their share among the rows the generator sees missing)
    unit: int = 1  # durations: nanoseconds per modelled unit; scaled floats: the power-of-two exponent
    inner: Any = None  # pyarrow: the rule of the converted column, if it needs one


@dataclass
class Codec:
    """The rules for a table's columns (columns without a rule pass through unchanged)."""

    rules: dict[str, _Rule] = field(default_factory=dict)
    columns: tuple[str, ...] = ()

    def encode(self, frame):
        """*frame* (not modified) in the form the generator learns from."""
        if not self.rules:
            return frame
        out = frame.copy(deep=False)
        for col, rule in self.rules.items():
            if col in out.columns:
                out[col] = _encode(out[col], rule)
        return out

    def decode(self, frame, seed: int = 0):
        """Synthetic rows in the model's form (not modified) back in the input's form; *seed* draws markers."""
        if not self.rules:
            return frame
        out = frame.copy(deep=False)
        for col, rule in self.rules.items():
            if col in out.columns:
                position = self.columns.index(col) if col in self.columns else 0
                out[col] = _decode(out[col].reset_index(drop=True), rule, seed, position).set_axis(out.index)
        return out

    def date_formats(self) -> dict[str, str]:
        """Columns of dates written as text -> the (strptime) format they are read with."""
        return {c: r.parse for c, r in self.rules.items() if r.kind == "text_dates"}


def model_codec(frame) -> Codec:
    """The :class:`Codec` for a checked training *frame* (not modified)."""
    rules = {}
    for col in frame.columns:
        rule = _rule(frame[col], col)
        if rule is not None:
            rules[col] = rule
    return Codec(rules, tuple(frame.columns))


def _rule(series, col):
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.ArrowDtype):
        return _arrow_rule(series, col)
    if isinstance(dtype, pd.PeriodDtype):
        return _Rule("period", dtype)
    if dtype.kind == "m":
        return _Rule("duration", dtype, unit=_finest_unit(series.dropna().to_numpy().astype("timedelta64[ns]")))
    if dtype.kind == "f":
        return _scale_rule(series)
    if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
        return _object_rule(series, dtype)
    return None


def _object_rule(series, dtype):
    import pandas as pd

    values = series.dropna()
    if not len(values):
        return None
    missing = next((v for v in series[series.isna()].head(1)), None) if pd.api.types.is_object_dtype(dtype) else None
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "date":
        return _Rule("object_dates", dtype, missing=missing)
    if kind == "datetime":
        stamps = pd.to_datetime(pd.Series(values.to_list()), errors="coerce")
        if stamps.dtype.kind == "M":
            return _Rule("object_datetimes", dtype, tz=getattr(stamps.dtype, "tz", None), missing=missing)
        return None
    if kind != "string":
        return None
    found = date_format(values)
    if found is None:
        return None
    parse, fmt, tz = found
    other = values[_parse(values, parse).isna().to_numpy()]
    counts = other.value_counts()
    kept = counts[counts >= MIN_MARKER_ROWS]
    share = float(kept.sum()) / float(int(series.isna().sum()) + len(other)) if len(kept) else 0.0
    markers = (tuple(kept.index), tuple((kept / kept.sum()).tolist()), share) if len(kept) else ()
    return _Rule("text_dates", dtype, fmt=fmt, parse=parse, tz=tz, missing=missing, markers=markers)


def _arrow_rule(series, col):
    import pyarrow as pa

    t = series.dtype.pyarrow_dtype
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        inner = _object_rule(series.astype(object), object)
        return _Rule("arrow", series.dtype, inner=inner)
    if pa.types.is_dictionary(t):
        return _Rule("arrow", series.dtype)
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return _Rule("arrow", series.dtype, inner=_scale_rule(series.astype("float64")))
    if pa.types.is_integer(t) or pa.types.is_boolean(t) or pa.types.is_timestamp(t) or pa.types.is_date(t):
        return _Rule("arrow", series.dtype)
    if pa.types.is_duration(t):
        numpy = series.astype(series.dtype.numpy_dtype)
        return _Rule("arrow", series.dtype, inner=_rule(numpy, col))
    if pa.types.is_null(t):
        return _Rule("arrow", series.dtype)
    raise SynthnbError(
        f"column {col!r} has the pyarrow type {t}, which no generator models; convert it on a copy first, e.g. "
        f"df[{col!r}] = df[{col!r}].astype(str), or drop it."
    )


def _scale_rule(series):
    import numpy as np

    values = series.to_numpy(dtype="float64", na_value=np.nan)
    values = np.abs(values[np.isfinite(values)])
    if not values.size:
        return None
    top = float(values.max())
    if top < _HUGE and not (0 < top < _TINY):
        return None
    _, exponent = np.frexp(top)
    return _Rule("scaled", series.dtype, unit=int(exponent) - _TARGET_EXPONENT)


def _finest_unit(ns) -> int:
    import numpy as np

    whole = ns.astype(np.int64)
    return next((u for u in (_DAY_NS, 10**9, 10**6, 10**3) if whole.size and not (whole % u).any()), 1)


# ---------------------------------------------------------------------------------------------- encode / decode


def _encode(series, rule: _Rule):
    import numpy as np
    import pandas as pd

    if rule.kind == "arrow":
        return _arrow_encode(series, rule)
    if rule.kind == "text_dates":
        stamps = _parse(series.astype(object), rule.parse)
        if rule.tz is not None:
            stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
        return stamps.astype("datetime64[ns]")
    if rule.kind in ("object_dates", "object_datetimes"):
        stamps = pd.to_datetime(pd.Series(series.to_list(), index=series.index, dtype=object))
        if rule.tz is not None:
            return stamps.dt.tz_convert(rule.tz)
        return stamps.astype("datetime64[ns]")
    if rule.kind == "period":
        return series.dt.start_time.astype("datetime64[ns]")
    if rule.kind == "duration":
        ns = series.astype("timedelta64[ns]")
        counts = ns.to_numpy().astype(np.int64) // rule.unit
        return pd.Series(pd.array(counts, dtype="Int64"), index=series.index).mask(ns.isna())
    if rule.kind == "scaled":
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        return pd.Series(np.ldexp(values, -rule.unit), index=series.index)
    raise AssertionError(rule.kind)


def _decode(series, rule: _Rule, seed: int, position: int):
    import numpy as np
    import pandas as pd

    if rule.kind == "arrow":
        return _arrow_decode(series, rule, seed, position)
    if rule.kind == "text_dates":
        stamps = pd.to_datetime(series)
        if rule.tz is not None:
            stamps = stamps.dt.tz_localize("UTC").dt.tz_convert(rule.tz)
        text = format_dates(stamps, rule.fmt)
        out = text.astype(object).where(text.notna(), rule.missing)
        if rule.markers:
            values, shares, share = rule.markers
            rng = np.random.default_rng([int(seed), 0xDA7E, int(position)])
            blank = out.isna().to_numpy()
            pick = blank & (rng.random(len(out)) < share)
            chosen = rng.choice(len(values), size=int(pick.sum()), p=np.asarray(shares))
            out[pick] = np.asarray(values, dtype=object)[chosen]
        return out if rule.dtype == object else out.astype(rule.dtype)
    if rule.kind in ("object_dates", "object_datetimes"):
        stamps = pd.to_datetime(series)
        if rule.tz is not None and stamps.dt.tz is None:
            stamps = stamps.dt.tz_localize(rule.tz)
        if rule.kind == "object_dates":
            values = [None if pd.isna(v) else v.date() for v in stamps]
        else:
            values = [None if pd.isna(v) else v.to_pydatetime() for v in stamps]
        out = pd.Series(values, dtype=object)
        return out.where(stamps.notna().to_numpy(), rule.missing)
    if rule.kind == "period":
        return pd.to_datetime(series).dt.to_period(rule.dtype.freq).astype(rule.dtype)
    if rule.kind == "duration":
        counts = pd.to_numeric(series).astype("float64").to_numpy()
        known = ~np.isnan(counts)
        ns = np.zeros(len(counts), dtype=np.int64)
        ns[known] = np.round(counts[known]).astype(np.int64) * rule.unit
        out = pd.Series(pd.to_timedelta(ns, unit="ns")).where(known)
        return out.astype(rule.dtype)
    if rule.kind == "scaled":
        values = pd.to_numeric(series).astype("float64").to_numpy(na_value=np.nan)
        return pd.Series(np.ldexp(values, rule.unit)).astype(rule.dtype)
    raise AssertionError(rule.kind)


def _arrow_encode(series, rule: _Rule):
    import pandas as pd
    import pyarrow as pa

    t = series.dtype.pyarrow_dtype
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        plain = series.astype(object).where(series.notna(), None)
    elif pa.types.is_dictionary(t):
        plain = series.astype(object).where(series.notna(), None).astype("category")
    elif pa.types.is_boolean(t):
        plain = series.astype("boolean") if series.isna().any() else series.astype(bool)
    elif pa.types.is_integer(t):
        plain = series.astype("Int64") if series.isna().any() else series.astype("int64")
    elif pa.types.is_floating(t) or pa.types.is_decimal(t):
        plain = series.astype("float64")
    elif pa.types.is_timestamp(t):
        tz = t.tz
        plain = series.astype(f"datetime64[ns, {tz}]" if tz else "datetime64[ns]")
    elif pa.types.is_date(t):
        plain = series.astype("datetime64[ns]")
    elif pa.types.is_duration(t):
        plain = series.astype("timedelta64[ns]")
    elif pa.types.is_null(t):
        plain = pd.Series([None] * len(series), index=series.index, dtype=object)
    else:
        raise AssertionError(t)
    return plain if rule.inner is None else _encode(plain, rule.inner)


def _tz(dtype):
    return getattr(dtype, "tz", None)


def _arrow_decode(series, rule: _Rule, seed: int, position: int):
    import pandas as pd

    plain = series if rule.inner is None else _decode(series, rule.inner, seed, position)
    if plain.dtype == object:
        plain = plain.where(plain.notna(), None)
    elif plain.dtype.kind == "M" and _tz(plain.dtype) is None and _tz(rule.dtype.pyarrow_dtype) is not None:
        plain = plain.dt.tz_localize("UTC")
    elif str(plain.dtype) == "category":
        plain = plain.astype(object).where(plain.notna(), None)
    return pd.Series(pd.array(plain.to_list() if plain.dtype == object else plain, dtype=rule.dtype))


# ---------------------------------------------------------------------------------------------- date text


def date_format(values):
    """``(parse, print, tz)`` for text *values* (no missing) that are dates by the module's rule, else None.

    *parse* is the strptime format read with, *print* the same with ``%-m``-style fields where the text drops a
    leading zero, *tz* the offset zone given back (or None).
    """
    import numpy as np
    import pandas as pd

    text = pd.Series(values, dtype=object).reset_index(drop=True)
    distinct = pd.Series(text.drop_duplicates().head(_SAMPLE).to_numpy(), dtype=object)
    if not len(distinct):
        return None
    looks = distinct.map(lambda v: bool(_LOOKS_LIKE_A_DATE.match(v)) and any(ch.isdigit() for ch in v))
    if looks.mean() < MIN_DATE_SHARE:
        return None
    probe = distinct.head(5).tolist()
    best, best_share = None, 0.0
    for parse in _CANDIDATES:
        if sum(_reads(v, parse) for v in probe) * 2 < len(probe):
            continue  # a quick look with the standard library first: most formats fail on every value
        share = float(_parse(distinct, parse).notna().mean())
        if share > best_share:
            best, best_share = parse, share
            if share == 1.0:
                break
    if best is None or best_share < MIN_DATE_SHARE:
        return None
    dates = _parse(text, best)
    if dates.dtype.kind != "M":
        return None  # several offsets in one column: read as text
    tz = getattr(dates.dtype, "tz", None)
    fmt, exact = _print_format(text, dates, best)
    if float(np.mean(exact)) < MIN_DATE_SHARE:
        return None
    return best, fmt, tz


def _reads(value: str, fmt: str) -> bool:
    from datetime import datetime

    try:
        datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def _parse(text, fmt):
    import warnings

    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pd.to_datetime(text, format=fmt, errors="coerce")
        except (ValueError, TypeError):
            return pd.Series(pd.NaT, index=text.index)


def _print_format(text, dates, parse):
    """The print format (padding of each field as written) under which most values print back exactly."""
    import itertools

    import numpy as np

    fields = [f for f in _PADDED if f in parse]
    best_fmt, best_exact = parse, None
    sample = text.head(_SAMPLE)
    sample_dates = dates.head(_SAMPLE)
    for padded in itertools.product((True, False), repeat=len(fields)):
        fmt = parse
        for f, keep in zip(fields, padded, strict=True):
            if not keep:
                fmt = fmt.replace(f, f[0] + "-" + f[1])
        if "%z" in fmt and sample.str.contains(r"[+-]\d\d:\d\d$", regex=True).any():
            fmt = fmt.replace("%z", "%:z")
        exact = (format_dates(sample_dates, fmt) == sample).to_numpy()
        if best_exact is None or exact.sum() > best_exact.sum():
            best_fmt, best_exact = fmt, exact
    exact = (format_dates(dates, best_fmt) == text).fillna(False).to_numpy(dtype=bool)
    return best_fmt, exact & np.asarray(dates.notna())


def format_dates(stamps, fmt: str):
    """*stamps* (a datetime Series) printed with *fmt*, the same on every platform; missing stays missing.

    Takes strftime's fields (``%Y %y %m %d %H %I %M %S %f %p %b %B %a %A %z %%``; ``%:z`` writes ``+02:00``) and
    ``%-m``, ``%-d``, ``%-H``, ``%-I`` for a field without its leading zero. Month and day names are English.
    """
    import numpy as np
    import pandas as pd

    s = pd.Series(stamps)
    index = s.index
    s = s.reset_index(drop=True)
    known = s.notna().to_numpy()
    n = len(s)
    dt = s.dt
    fields = {}

    def field(name):
        if name not in fields:
            values = getattr(dt, name).to_numpy(dtype="float64", na_value=0)
            fields[name] = np.where(known, values, 0).astype(np.int64)
        return fields[name]

    def text(values, width, top):
        table = np.array([str(v).zfill(width) for v in range(top)], dtype=object)
        return table[values]

    def wide(values, width):
        uniq, inverse = np.unique(values, return_inverse=True)
        return np.array([str(v).zfill(width) for v in uniq], dtype=object)[inverse]

    out = np.full(n, "", dtype=object)
    for token in re.findall(r"%:z|%-?[A-Za-z%]|[^%]+", fmt):
        if not token.startswith("%"):
            out = out + token
            continue
        width = 1 if token.startswith("%-") else 2
        code = token[-1]
        if code == "z":
            part = np.array([_offset(v, token == "%:z") for v in s], dtype=object)
        elif code == "Y":
            part = wide(field("year"), 4)
        elif code == "y":
            part = text(field("year") % 100, 2, 100)
        elif code == "m":
            part = text(field("month"), width, 13)
        elif code == "d":
            part = text(field("day"), width, 32)
        elif code == "H":
            part = text(field("hour"), width, 24)
        elif code == "I":
            part = text((field("hour") + 11) % 12 + 1, width, 13)
        elif code == "M":
            part = text(field("minute"), 2, 60)
        elif code == "S":
            part = text(field("second"), 2, 62)
        elif code == "f":
            part = wide(field("microsecond"), 6)
        elif code == "p":
            part = np.where(field("hour") < 12, "AM", "PM").astype(object)
        elif code in "bB":
            names = np.array([""] + [m[:3] if code == "b" else m for m in _MONTHS], dtype=object)
            part = names[field("month")]
        elif code in "aA":
            names = np.array([d[:3] if code == "a" else d for d in _DAYS], dtype=object)
            part = names[field("dayofweek")]
        elif code == "%":
            part = "%"
        else:
            raise SynthnbError(f"the date format {fmt!r} uses {token!r}, which synthnb cannot write back.")
        out = out + part
    out[~known] = None
    return pd.Series(out, index=index, dtype=object)


def _offset(stamp, colon: bool) -> str:
    import pandas as pd

    delta = None if pd.isna(stamp) or stamp.tzinfo is None else stamp.utcoffset()
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h:02d}:{m:02d}" if colon else f"{sign}{h:02d}{m:02d}"
