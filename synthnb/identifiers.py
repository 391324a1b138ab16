"""Direct identifiers and quasi-identifiers of a table, found by content, and what a fit does with them.

:func:`detect_identifiers` reads a DataFrame (never changes it) and returns one :class:`ColumnRole` per
column that is a direct identifier (``role="direct"``) or a quasi-identifier (``role="quasi"``). Columns
that are plain data are not listed. A :class:`synthnb.Run` carries the roles it was fitted with as
``run.identifiers``: direct identifiers with ``action="replace"`` are in ``run.synthetic`` with fake values
of the same kind (see :mod:`synthnb.fake_identifiers`); ``action="drop"`` columns are absent from it;
``action="keep"`` columns were learned from the real values because the user asked (``keep=[...]``).

The rules, in the order they are tried on each column (pattern checks read a seeded sample of at most
2,000 non-missing values; counts of distinct values read the whole column):

Numbers (integer columns; floats never identify on their own, they are measurements)

1. Running id: every value is distinct and the values run in row order (strictly increasing or
   decreasing), with at least 20 values: a row number or a running record id -> ``record_id``.
2. Named id: the column name has a word ``id``, ``identifier``, ``number``, ``no``, ``nr``, ``key``,
   ``ssn``, ``mrn``, ``account``, ``case``, ``record``, ... and at least half of the values are distinct
   -> ``record_id``. (``education_num`` or ``number_of_children`` with few distinct values stay data, and a
   near-unique measurement with repeated values such as Adult's ``fnlwgt`` or a price is not an id.)

Text (at least 80 % of the sampled values must match a pattern unless said otherwise)

3. E-mail addresses (``local@domain.tld``) -> ``email``; URLs (``http(s)://`` or ``www.``) -> ``url``;
   IPv4 / IPv6 addresses -> ``ip_address``.
4. Dates (ISO ``2001-02-03``, ``03/02/2001``, or a datetime column) -> quasi ``date_of_birth`` when the
   name says birth / dob / born, else quasi ``date``.
5. Names that mark what an attacker knows: birth / dob, zip / postcode / postal, and demographic words
   (age, sex, gender, race, ethnicity, marital, country, nationality, religion, city) -> quasi; so are
   postcode-shaped values (US ZIP, UK, Dutch, Canadian) that repeat (under 90 % distinct).
6. Phone numbers: 7 to 15 digits written with ``+``, spaces, dashes, dots or brackets, at least half of
   them with such a separator (or the name says phone / tel / mobile / fax) -> ``phone``.
7. Street addresses: a house number and a street word (street, road, avenue, lane, straat, weg, ...) in
   at least 60 % of the values -> ``address``.
8. Free text: a median of 6 or more words, or 50 or more characters -> ``free_text`` (dropped: no fake
   keeps its meaning).
9. Full person names: 2 to 4 capitalised alphabetic words (initials allowed) that are at least 30 %
   distinct, or any share of distinctness when the column name says name -> ``person_name``.
10. First or last names: single capitalised alphabetic words (90 %), at least max(20, sqrt(rows))
    distinct values and none covering more than 20 % of the rows (a long tail, unlike a category), or
    the name says first / given / last / surname / family name -> ``first_name`` / ``last_name``.
11. Codes: at least 90 % of all values distinct, and single tokens of 4 to 40 letters, digits and
    ``-_/.:#`` with at least one digit (or all capitals, 6 or more) -> ``record_id``; a named id (rule 2)
    with at least half of the values distinct -> ``record_id``.

Demographic columns found by name (rule 5) also apply to numbers (``age``). ``keep=[...]`` turns the
action of a detected direct identifier into ``keep``; naming any other column in *keep* is an error,
because only a direct identifier is replaced and the message says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from synthnb.errors import SynthnbError

__all__ = ["DIRECT_KINDS", "ColumnRole", "detect_identifiers"]

#: direct kinds -> what a fit does with them by default
DIRECT_KINDS = {
    "person_name": "replace",
    "first_name": "replace",
    "last_name": "replace",
    "email": "replace",
    "phone": "replace",
    "address": "replace",
    "record_id": "replace",
    "url": "replace",
    "ip_address": "replace",
    "free_text": "drop",
}

_SAMPLE = 2000
_MIN_RUNNING = 20

_ID_WORDS = {
    "id",
    "ids",
    "identifier",
    "number",
    "no",
    "nr",
    "key",
    "uuid",
    "guid",
    "ssn",
    "mrn",
    "nhs",
    "bsn",
    "account",
    "case",
    "record",
    "passport",
    "licence",
    "license",
    "iban",
    "policy",
    "member",
}
_FIRST_WORDS = {"first", "firstname", "given", "forename", "forenames", "givenname"}
_LAST_WORDS = {"last", "lastname", "surname", "family", "familyname"}
_NAME_WORDS = {"name", "names", "fullname"}
_PHONE_WORDS = {"phone", "telephone", "tel", "mobile", "cell", "fax"}
_BIRTH_WORDS = {"birth", "dob", "born", "birthday", "birthdate", "dateofbirth"}
_POSTCODE_WORDS = {"zip", "zipcode", "postcode", "postal", "postalcode", "plz"}
_DEMOGRAPHIC_WORDS = {
    "age",
    "sex",
    "gender",
    "race",
    "ethnic",
    "ethnicity",
    "marital",
    "country",
    "nationality",
    "religion",
    "city",
    "town",
    "native",
}

_EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}$")
_URL = re.compile(r"^(https?://|www\.)\S+$", re.I)
_IPV4 = re.compile(r"^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$")
_IPV6 = re.compile(r"^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$", re.I)
_DATE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})$")
_POSTCODE = re.compile(
    r"^(\d{5}(-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4} ?[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)$", re.I
)
_PHONE = re.compile(r"^\+?[\d\s().-]+$")
_PHONE_SEP = re.compile(r"[\s().+-]")
_STREET = re.compile(
    r"(^\d+[A-Za-z]?,?\s+\S.*\b(street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|"
    r"pl|square|sq|terrace|crescent|close|row|highway|hwy|parkway|pkwy|alley|circle|trail)\b\.?)"
    r"|(\b\w*(straat|weg|laan|gracht|plein|strasse|straße|gasse|allee|rue|via|calle|avenida)\b\.?,?\s*\d+)",
    re.I,
)
_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(['’-][^\W\d_]+)*\.?$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_/.:#-]{3,39}$")


@dataclass(frozen=True)
class ColumnRole:
    """What one column is, why synthnb thinks so, and what a fit does with it.

    Attributes
    ----------
    column : str
    role : {"direct", "quasi"}
        ``direct``: identifies a person on its own (a name, an e-mail, a case number);
        ``quasi``: identifies in combination (date of birth, postcode, age, sex) and stays data.
    kind : str
        ``person_name``, ``first_name``, ``last_name``, ``email``, ``phone``, ``address``, ``record_id``,
        ``url``, ``ip_address``, ``free_text`` (direct); ``date_of_birth``, ``date``, ``postcode``,
        ``demographic`` (quasi).
    reason : str
        One sentence a person can check ("97 % of values look like e-mail addresses").
    action : {"replace", "drop", "keep", "data"}
        ``data`` for quasi-identifiers.
    """

    column: str
    role: str
    kind: str
    reason: str
    action: str

    def to_dict(self) -> dict[str, str]:
        return {
            "column": str(self.column),
            "role": self.role,
            "kind": self.kind,
            "reason": self.reason,
            "action": self.action,
        }

    @property
    def what_happens(self) -> str:
        """The action in words, for tables shown to a person."""
        return {
            "replace": "replaced with fake values of the same kind",
            "drop": "dropped (no faithful fake exists)",
            "keep": "KEPT: learned from the real values (keep= override)",
            "data": "stays data (what an attacker may know)",
        }[self.action]


def detect_identifiers(df, keep: Iterable[str] = ()) -> tuple[ColumnRole, ...]:
    """The direct and quasi-identifiers of *df*, in column order (rules in the module docstring).

    Parameters
    ----------
    df : pandas.DataFrame
        The real table; never modified.
    keep : iterable of str
        Direct identifiers to learn from the real values anyway (their action becomes ``keep``).

    Returns
    -------
    tuple of ColumnRole

    Raises
    ------
    SynthnbError
        When a column in *keep* is not in *df* or is not a detected direct identifier.
    """
    import numpy as np

    keep = list(keep or ())
    rng = np.random.default_rng(0)  # the sample only decides pattern shares; fixed so detection is stable
    roles = []
    for col in df.columns:
        found = _detect_column(df[col], str(col), rng)
        if found is None:
            continue
        role, kind, reason = found
        action = DIRECT_KINDS[kind] if role == "direct" else "data"
        if role == "direct" and (col in keep or str(col) in keep):
            action = "keep"
        roles.append(ColumnRole(col, role, kind, reason, action))
    _check_keep(keep, df, roles)
    return tuple(roles)


def _check_keep(keep, df, roles) -> None:
    direct = {str(r.column) for r in roles if r.role == "direct"}
    labels = [str(c) for c in df.columns]
    for col in keep:
        if str(col) not in labels:
            import difflib

            close = difflib.get_close_matches(str(col), labels, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else f" The columns are: {', '.join(labels)}."
            raise SynthnbError(f"keep column {col!r} is not in the table.{hint}")
        if str(col) not in direct:
            quasi = any(str(r.column) == str(col) for r in roles)
            what = "a quasi-identifier, which stays data" if quasi else "not a detected direct identifier"
            raise SynthnbError(
                f"keep column {col!r} is {what}: it is learned from the real values already, so keep= changes "
                f"nothing for it. Remove {col!r} from keep (keep= only overrides the replacement of a detected "
                f"direct identifier; detected here: {', '.join(sorted(direct)) or 'none'})."
            )


# --- one column --------------------------------------------------------------------------------------


def _words(name: str) -> list[str]:
    """Lower-case words of a column name: ``patientID`` -> patient, id; ``first_name`` -> first, name."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def _share(values, pattern) -> float:
    if not len(values):
        return 0.0
    return sum(1 for v in values if pattern.search(v)) / len(values)


def _pct(x: float) -> str:
    return f"{x:.0%}".replace("%", " %")


def _detect_column(series, name: str, rng):
    import pandas as pd

    words = set(_words(name))
    joined = "".join(_words(name))
    values = series.dropna()
    if not len(values):
        return None
    n = len(values)
    kind = series.dtype.kind
    birth = bool(words & _BIRTH_WORDS) or "dateofbirth" in joined or "birth" in joined
    if kind == "M":
        return (
            "quasi",
            "date_of_birth" if birth else "date",
            "a date column" + (" named as a birth date" if birth else "; dates of events narrow a person down"),
        )
    if kind == "b" or isinstance(series.dtype, pd.BooleanDtype):
        return None
    quasi = _quasi_by_name(words, joined, birth)
    if kind in "iuf":
        return _detect_number(values, name, words, quasi)
    if kind not in "OSU" and not isinstance(series.dtype, pd.StringDtype | pd.CategoricalDtype):
        return None
    sample = _sample(values, rng)
    if not sample:
        return None
    n_distinct = values.astype(str).nunique()
    distinct = n_distinct / n
    for pattern, kind_, what in ((_EMAIL, "email", "e-mail addresses"), (_URL, "url", "URLs")):
        share = _share(sample, pattern)
        if share >= 0.8:
            return ("direct", kind_, f"{_pct(share)} of the values look like {what}")
    share = max(_share(sample, _IPV4), _share(sample, _IPV6) if any(":" in v for v in sample) else 0.0)
    if share >= 0.8:
        return ("direct", "ip_address", f"{_pct(share)} of the values look like IP addresses")
    share = _share(sample, _DATE)
    if share >= 0.8:
        return (
            "quasi",
            "date_of_birth" if birth else "date",
            f"{_pct(share)} of the values are dates" + (" and the name says birth" if birth else ""),
        )
    if quasi is not None:
        return quasi
    share = _share(sample, _POSTCODE)
    if share >= 0.8 and distinct < 0.9:
        return ("quasi", "postcode", f"{_pct(share)} of the values are shaped like postcodes and they repeat")
    phone = _phone(sample, words)
    if phone is not None:
        return phone
    share = _share(sample, _STREET)
    if share >= 0.6:
        return ("direct", "address", f"{_pct(share)} of the values are a house number with a street")
    n_words = sorted(len(v.split()) for v in sample)
    lengths = sorted(len(v) for v in sample)
    median_words, median_len = n_words[len(n_words) // 2], lengths[len(lengths) // 2]
    if median_words >= 6 or median_len >= 50:
        return ("direct", "free_text", f"free text (median {median_words} words, {median_len} characters per value)")
    found = _names(sample, values, words, n_distinct, distinct)
    if found is not None:
        return found
    ided = bool(words & _ID_WORDS)
    code_share = _share(sample, _CODE)
    digit_share = sum(1 for v in sample if any(c.isdigit() for c in v) or (v.isupper() and len(v) >= 6))
    digit_share /= len(sample)
    if distinct >= 0.9 and code_share >= 0.9 and digit_share >= 0.9:
        return (
            "direct",
            "record_id",
            f"{_pct(distinct)} of the values are distinct codes of letters and digits (a record or case number)",
        )
    if ided and distinct >= 0.5:
        return (
            "direct",
            "record_id",
            f"the name says it is an id/number and {_pct(distinct)} of the values are distinct",
        )
    return None


def _sample(values, rng) -> list[str]:
    if len(values) > _SAMPLE:
        values = values.iloc[rng.choice(len(values), _SAMPLE, replace=False)]
    return [str(v).strip() for v in values if str(v).strip()]


def _quasi_by_name(words: set[str], joined: str, birth: bool):
    if birth:
        return ("quasi", "date_of_birth", "the name says birth date")
    if words & _POSTCODE_WORDS or "zipcode" in joined or "postcode" in joined:
        return ("quasi", "postcode", "the name says postcode")
    hits = sorted(words & _DEMOGRAPHIC_WORDS)
    if hits:
        return ("quasi", "demographic", f"the name says {hits[0]} (a demographic trait an attacker may know)")
    return None


def _detect_number(values, name: str, words: set[str], quasi):
    import numpy as np

    arr = values.to_numpy()
    if arr.dtype.kind == "f":
        integral = np.isfinite(arr).all() and bool((arr == np.round(arr)).all())
        if not integral:
            return quasi
    n = len(arr)
    distinct = len(np.unique(arr)) / n
    if distinct == 1.0 and n >= _MIN_RUNNING:
        diffs = np.diff(arr.astype(float))
        if (diffs > 0).all() or (diffs < 0).all():
            return (
                "direct",
                "record_id",
                "integer values are all distinct and run in row order (a row number or running id)",
            )
    if words & _ID_WORDS and distinct >= 0.5:
        return (
            "direct",
            "record_id",
            f"the name says it is an id/number and {_pct(distinct)} of the values are distinct",
        )
    return quasi


def _phone(sample: list[str], words: set[str]):
    def digits(v: str) -> int:
        return sum(c.isdigit() for c in v)

    shaped = [v for v in sample if _PHONE.match(v) and 7 <= digits(v) <= 15 and not _DATE.match(v)]
    share = len(shaped) / len(sample)
    if share < 0.8:
        return None
    separated = sum(1 for v in shaped if _PHONE_SEP.search(v)) / max(len(shaped), 1)
    if separated >= 0.5 or words & _PHONE_WORDS:
        return ("direct", "phone", f"{_pct(share)} of the values are 7-15 digits written like phone numbers")
    return None


def _names(sample: list[str], values, words: set[str], n_distinct: int, distinct: float):
    import math

    tokens = [v.split() for v in sample]
    capital = [all(_NAME_TOKEN.match(t) and t[0].isupper() for t in ts) for ts in tokens]
    named = bool(words & _NAME_WORDS)
    first, last = bool(words & _FIRST_WORDS), bool(words & _LAST_WORDS)
    multi = sum(1 for ts, ok in zip(tokens, capital, strict=True) if ok and 2 <= len(ts) <= 4) / len(sample)
    single = sum(1 for ts, ok in zip(tokens, capital, strict=True) if ok and len(ts) == 1) / len(sample)
    if (first or last) and multi + single >= 0.8:
        kind = "first_name" if first else "last_name"
        return (
            "direct",
            kind,
            f"the name says {kind.replace('_', ' ')} and {_pct(multi + single)} of the values are capitalised words",
        )
    if multi >= 0.8 and (distinct >= 0.3 or named):
        return (
            "direct",
            "person_name",
            f"{_pct(multi)} of the values are 2-4 capitalised words"
            + (" and the name says name" if named and distinct < 0.3 else f", {_pct(distinct)} distinct")
            + " (a person's name)",
        )
    if single >= 0.9:
        top = values.astype(str).value_counts(normalize=True).iloc[0]
        enough = n_distinct >= max(20, math.sqrt(len(values)))
        if (named and n_distinct >= 10) or (enough and top <= 0.2):
            return (
                "direct",
                _first_or_last(sample),
                f"{_pct(single)} of the values are single capitalised words with {n_distinct:,} distinct values "
                f"and none above {_pct(max(top, 0.0))} of the rows (a name, not a category)",
            )
    return None


def _first_or_last(sample: list[str]) -> str:
    """first_name or last_name, by which of Faker's en_US lists holds more of the values (ties: last_name)."""
    from faker.providers.person.en_US import Provider

    firsts, lasts = set(Provider.first_names), set(Provider.last_names)
    n_first = sum(v in firsts for v in sample)
    n_last = sum(v in lasts for v in sample)
    return "first_name" if n_first > n_last else "last_name"
