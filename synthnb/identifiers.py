"""Direct identifiers and quasi-identifiers of a table, found by content, and what a fit does with them.

:func:`detect_identifiers` reads a DataFrame (never changes it) and returns one :class:`ColumnRole` per
column that is a direct identifier (``role="direct"``) or a quasi-identifier (``role="quasi"``). Columns
that are plain data are not listed. A :class:`synthnb.Run` carries the roles it was fitted with as
``run.identifiers``: direct identifiers with ``action="replace"`` are in ``run.synthetic`` with fake values
of the same kind (see :mod:`synthnb.fake_identifiers`); ``action="drop"`` columns are absent from it;
``action="keep"`` columns were learned from the real values because the user asked (``keep=[...]``).

Null markers. Before any rule reads a text column, the values that only say "missing" are set aside:
``\\N`` (as MySQL dumps write it), ``.`` (SAS, Stata), ``NA``, ``N/A``, ``#N/A``, ``NULL``, ``None``,
``nan``, ``-``, ``--``, ``?`` and empty or blank strings (any letter case). Every share, count of distinct
values and median below is taken over the other values, so a narrative column that is 60 % ``\\N`` is
judged by its narratives. A column of markers only is plain data.

The rules, in the order they are tried on each column (pattern checks read a seeded sample of at most
2,000 non-missing values; counts of distinct values read the whole column):

Numbers (integer columns; floats never identify on their own, they are measurements)

1. Running id: every value is distinct and the values run in row order (strictly increasing or
   decreasing), with at least 20 values: a row number or a running record id -> ``record_id``; unless
   the name says year, time, date, period, month, week, day or quarter (a time series' clock is data).
2. Named id: the column name has a word ``id``, ``identifier``, ``number``, ``no``, ``nr``, ``key``,
   ``ssn``, ``mrn``, ``account``, ``case``, ``record``, ... and at least half of the values are distinct
   -> ``record_id``; ``no`` and ``nr`` count only as the name's last word, once, in a name without
   ``yes`` (``case_no``, not ``smoking_no_cancer_no``). (``education_num`` or ``number_of_children`` with
   few distinct values stay data, and a near-unique measurement with repeated values such as Adult's
   ``fnlwgt`` or a price is not an id.)

Text (at least 80 % of the sampled values must match a pattern unless said otherwise)

3. E-mail addresses (``local@domain.tld``) -> ``email``; URLs (``http(s)://`` or ``www.``) -> ``url``.
4. Times of day (``11:03``, ``11:03:07``, ``11:03:07.25``, ``9:30 pm``) are data (a time alone narrows no
   one down), never IP addresses; a demographic name (rule 7) still makes them quasi.
5. IP addresses: IPv4 dotted quads, or IPv6 as the standard library's :mod:`ipaddress` reads it (eight
   groups, or fewer with ``::``; so ``11:03:07`` is not one) -> ``ip_address``.
6. Dates and timestamps (ISO ``2001-02-03``, ``2024-02-19T13:04:08Z`` with fractional seconds or a
   ``+01:00`` offset, ``03/02/2001``, ``8/6/20 18:57``, ``3 Feb 2001``, ``Feb 3, 2001``, or a datetime
   column) -> quasi ``date_of_birth`` when the name says birth / dob / born, else quasi ``date``.
7. Names that mark what an attacker knows: birth / dob, zip / postcode / postal, and demographic words
   (age, sex, gender, race, ethnicity, marital, country, nationality, religion, city) -> quasi.
8. Postcode-shaped values (US ZIP, UK, Dutch, Canadian) that repeat (under 90 % distinct) -> quasi.
9. Numbers stored as text: at least 90 % of the values read as numbers (``12``, ``-3``, ``6.745``,
   ``1,234.5``, ``1e-3``, ``12%``; the ``.`` or empty missing values of SAS / Stata exports are null
   markers) -> read as numbers and judged by rules 1 and 2 (so decimals are measurements, never ids).
   Whole numbers written with a leading zero (``007``) are codes, not numbers, and go on to rule 15.
10. Phone numbers: 7 to 15 digits written with ``+``, spaces, dashes, dots or brackets, at least half of
    them with such a separator (or the name says phone / tel / mobile / fax) -> ``phone``.
11. Street addresses: a house number and a street word (street, road, avenue, lane, straat, weg, ...), or a
    street corner (``Vermont Avenue & 43rd Street``, ``Main & College streets``, ``Harbor Freeway near
    Slauson Avenue``), in at least 60 % of the values -> ``address``.
12. Free text: a median of 6 or more words, or 50 or more characters -> ``free_text`` (dropped: no fake
    keeps its meaning); unless the values are a category (rule 13a: long labels such as an indicator's
    name or a survey answer repeated on many rows are data).
13. Neither a name nor a code (rules 14 and 15 are skipped):

    a. a category: every distinct value is on at least 2 rows, and there are at most 20 of them or at
       least 10 rows per value (``married``, ``high school``, ``male``, ``White``, county names repeated
       over a survey; however much they look like names: a name column has values seen once);
    b. codes: at least half of the values are capitals of at most 3 letters per part (``CA``, ``NY``,
       ``US-CA``, ``GB-ENG``, ``USA``);
    c. places: the column name says county, state, province, region, district, parish, borough,
       municipality, territory, place, location or area, or at least 20 % of the values carry a place word
       (``Los Angeles County``, ``Orleans Parish``, ``Census Area``, ``Township``, ``City``, ...).

14. Person names, in any letter case (a name token is letters with inner ``'`` or ``-``, an initial may
    end in ``.``):

    a. the column name says first / given / last / surname / family name and 80 % of the values are
       1 to 4 name tokens -> ``first_name`` / ``last_name``;
    b. capitalised: 2 to 4 capitalised tokens in 80 % of the values that are at least 30 % distinct, or
       any share of distinctness when the column name says name -> ``person_name``; single capitalised
       tokens (90 %), at least max(20, sqrt(rows)) distinct values and none covering more than 20 % of
       the rows (a long tail, unlike a category), or at least 10 distinct when the name says name ->
       ``first_name`` / ``last_name`` (by which of Faker's en_US lists holds more of the values);
    c. by content, whatever the case (``miguel hernandez``, ``SMITH``): 2 to 4 name tokens in 80 % of the
       values, at least 30 % distinct (or the name says name), and in at least 30 % of the values both the
       first and the last token are in Faker's en_US first- or last-name lists -> ``person_name``; single
       name tokens (90 %) with the long tail of rule 14b (or at least 10 distinct when the name says name)
       of which at least 35 % are in those lists -> ``first_name`` / ``last_name``. (Product names such
       as ``chevrolet chevelle malibu`` have no known token; words that are also names, ``rose``,
       ``white``, ``may``, are a small share of any long-tailed word column.)

15. Codes: at least 90 % of all values distinct, and single tokens of 4 to 40 letters, digits and
    ``-_/.:#`` with at least one digit (or all capitals, 6 or more) -> ``record_id``; a named id (rule 2)
    with at least half of the values distinct -> ``record_id``.

Demographic columns found by name (rule 7) also apply to numbers (``age``). ``keep=[...]`` turns the
action of a detected direct identifier into ``keep``; naming any other column in *keep* is an error,
because only a direct identifier is replaced and the message says so.

Declared identifiers. ``identifiers=[...]`` makes a column a direct identifier whatever the rules found:
one detected as a direct identifier keeps its kind and action; any other text or number column becomes a
``record_id`` (replaced by fakes of the same format: letters by letters, digits by digits; integers past
the real maximum). The reason says "declared by the user". A declared column that is not in the table, is
also in *keep*, or holds true/false values or datetimes (no fake of them means anything: drop such a
column before fitting) is an error.
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
_TIME_WORDS = {"year", "yr", "years", "time", "date", "period", "month", "week", "day", "quarter", "t"}
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
_IPV6_SHAPE = re.compile(r"^[0-9a-f:.]+(%\w+)?(/\d{1,3})?$", re.I)
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?(\s*[ap]\.?m\.?)?$", re.I)
_CLOCK = r"\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?(\s*[ap]\.?m\.?)?"
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"^(\d{{4}}-\d{{1,2}}-\d{{1,2}}([ T]\d{{1,2}}:\d{{2}}(:\d{{2}}([.,]\d+)?)?\s*(Z|UTC|[+-]\d{{2}}(:?\d{{2}})?)?)?"
    rf"|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}(,?\s+{_CLOCK})?"
    rf"|\d{{4}}/\d{{1,2}}/\d{{1,2}}(\s+{_CLOCK})?"
    rf"|\d{{1,2}}[ -]{_MONTH}[ -]\d{{2,4}}(\s+{_CLOCK})?"
    rf"|{_MONTH} \d{{1,2}},? \d{{4}}(,?\s+{_CLOCK})?)$",
    re.I,
)
_NUMBER = re.compile(r"^[+-]?(?=[.,]?\d)(\d{1,3}(,\d{3})+|\d*)([.,]\d*)?([eE][+-]?\d+)?%?$")
_PADDED = re.compile(r"^[+-]?0\d")
#: values that only say "missing" (compared case-folded, after stripping spaces)
NULL_MARKERS = frozenset({"\\n", ".", "na", "n/a", "#n/a", "null", "none", "nan", "-", "--", "?", ""})
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
# a street corner: two streets joined by & / and / at / near, one of them with a street word (plural too)
_CORNER = re.compile(
    r"^(near\s+)?[\w.' -]+\s(&|and|at|near)\s[\w.' -]+$",
    re.I,
)
_STREET_WORD = re.compile(
    r"\b(streets?|st|roads?|rd|avenues?|ave|lanes?|drives?|boulevards?|blvd|highway|freeway|fwy|parkway|way)\b\.?",
    re.I,
)
_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(['’-][^\W\d_]+)*\.?$")
_SHORT_CODE = re.compile(r"^[A-Z]{1,3}([-.][A-Z]{1,3})*$")
_PLACE_VALUE = re.compile(
    r"\b(county|parish|borough|township|district|province|region|municipality|census area|city|shire)$", re.I
)
_PLACE_WORDS = {
    "county",
    "counties",
    "state",
    "states",
    "province",
    "region",
    "district",
    "parish",
    "borough",
    "municipality",
    "territory",
    "place",
    "location",
    "area",
}
_CATEGORY_MAX = 20
_CATEGORY_ROWS = 10
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


def detect_identifiers(df, keep: Iterable[str] = (), identifiers: Iterable[str] = ()) -> tuple[ColumnRole, ...]:
    """The direct and quasi-identifiers of *df*, in column order (rules in the module docstring).

    Parameters
    ----------
    df : pandas.DataFrame
        The real table; never modified.
    keep : iterable of str
        Direct identifiers to learn from the real values anyway (their action becomes ``keep``).
    identifiers : iterable of str
        Columns the user declares direct identifiers (see "Declared identifiers" in the module docstring).

    Returns
    -------
    tuple of ColumnRole

    Raises
    ------
    SynthnbError
        When a column in *keep* is not in *df* or is not a detected direct identifier; when a declared
        column is not in *df*, is also in *keep*, or holds true/false values or datetimes.
    """
    import numpy as np

    keep = list(keep or ())
    declared = [str(c) for c in identifiers or ()]
    _check_declared(declared, keep, df)
    rng = np.random.default_rng(0)  # the sample only decides pattern shares; fixed so detection is stable
    roles = []
    for col in df.columns:
        found = _detect_column(df[col], str(col), rng)
        if str(col) in declared:
            found = _declared(found)
        if found is None:
            continue
        role, kind, reason = found
        action = DIRECT_KINDS[kind] if role == "direct" else "data"
        if role == "direct" and (col in keep or str(col) in keep):
            action = "keep"
        roles.append(ColumnRole(col, role, kind, reason, action))
    _check_keep(keep, df, roles)
    return tuple(roles)


def _declared(found):
    """A column the user declared a direct identifier: its detected direct kind, else ``record_id``."""
    if found is not None and found[0] == "direct":
        return ("direct", found[1], f"declared by the user (identifiers=); the detector agrees: {found[2]}")
    seen = f"the detector read it as {found[1].replace('_', ' ')} ({found[2]})" if found else "no detector rule fits it"
    return ("direct", "record_id", f"declared by the user (identifiers=); {seen}; fakes of the same format")


def _check_declared(declared: list[str], keep, df) -> None:
    import pandas as pd

    labels = [str(c) for c in df.columns]
    for col in declared:
        if col not in labels:
            import difflib

            close = difflib.get_close_matches(col, labels, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else f" The columns are: {', '.join(labels)}."
            raise SynthnbError(f"identifiers column {col!r} is not in the table.{hint}")
        if col in {str(k) for k in keep}:
            raise SynthnbError(
                f"column {col!r} is in both keep= and identifiers=: keep= learns a detected identifier from the real "
                f"values, identifiers= replaces it with fakes (or drops it). Name {col!r} in one of them only."
            )
        series = df[df.columns[labels.index(col)]]
        if series.dtype.kind in "bM" or isinstance(series.dtype, pd.BooleanDtype | pd.DatetimeTZDtype):
            boolean = series.dtype.kind == "b" or isinstance(series.dtype, pd.BooleanDtype)
            what = "true/false values" if boolean else "dates"
            raise SynthnbError(
                f"identifiers column {col!r} holds {what}, and no fake {what} would mean anything in its place. If "
                f"{col!r} must not be learned, drop it before fitting: df.drop(columns=[{col!r}])."
            )


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


def _id_named(name: str) -> bool:
    """Rule 2's name test; ``no`` / ``nr`` count only as the last word, once, in a name without ``yes``."""
    words = _words(name)
    ids = set(words) & _ID_WORDS - {"no", "nr"}
    short = bool(words) and words[-1] in ("no", "nr") and "yes" not in words and words.count(words[-1]) == 1
    return bool(ids) or short


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
    values = values[~null_marker_mask(values)]  # judged by what the values say, not by "\N" or "."
    if not len(values):
        return None
    sample = _sample(values, rng)
    if not sample:
        return None
    n_distinct = values.astype(str).nunique()
    distinct = n_distinct / len(values)
    for pattern, kind_, what in ((_EMAIL, "email", "e-mail addresses"), (_URL, "url", "URLs")):
        share = _share(sample, pattern)
        if share >= 0.8:
            return ("direct", kind_, f"{_pct(share)} of the values look like {what}")
    if _share(sample, _TIME) >= 0.8:
        return quasi  # a time of day: data (never an IPv6 address)
    share = max(_share(sample, _IPV4), _ipv6_share(sample))
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
    numeric = _numbers_as_text(values, sample)
    if numeric is not None:
        return _detect_number(numeric, name, words, None)
    phone = _phone(sample, words)
    if phone is not None:
        return phone
    share = sum(1 for v in sample if _STREET.search(v) or (_CORNER.match(v) and _STREET_WORD.search(v)))
    share /= len(sample)
    if share >= 0.6:
        return ("direct", "address", f"{_pct(share)} of the values are a house number with a street")
    n_words = sorted(len(v.split()) for v in sample)
    lengths = sorted(len(v) for v in sample)
    median_words, median_len = n_words[len(n_words) // 2], lengths[len(lengths) // 2]
    if (median_words >= 6 or median_len >= 50) and not _category(values, n_distinct):
        return ("direct", "free_text", f"free text (median {median_words} words, {median_len} characters per value)")
    if _never_a_name(sample, values, words, n_distinct):
        return None
    found = _names(sample, values, words, n_distinct, distinct)
    if found is not None:
        return found
    ided = _id_named(name)
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


def null_marker_mask(values):
    """True where a value only says "missing" (``\\N``, ``.``, ``NA``, ``NULL``, blank, ...; see the module)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values.to_numpy(dtype=object))  # each distinct value looked at once
    flags = [len(u) <= 8 and u.strip().casefold() in NULL_MARKERS for u in map(str, uniques)]
    if not any(flags):
        return np.zeros(len(values), dtype=bool)
    return np.append(np.array(flags, dtype=bool), False)[codes]  # code -1 (none here: values have no NaN)


def _ipv6_share(sample: list[str]) -> float:
    import ipaddress

    def ok(v: str) -> bool:
        if ":" not in v or not _IPV6_SHAPE.match(v):
            return False
        try:
            ipaddress.IPv6Address(v.split("/")[0])
        except ValueError:
            return False
        return True

    return sum(ok(v) for v in sample) / len(sample) if sample else 0.0


def _numbers_as_text(values, sample: list[str]):
    """The values read as numbers when rule 9 holds (at least 90 % are numbers, not zero-padded), else None."""
    import pandas as pd

    if _share(sample, _NUMBER) < 0.9:
        return None
    whole = [v for v in sample if re.fullmatch(r"[+-]?\d+", v)]
    if whole and sum(1 for v in whole if _PADDED.match(v)) / len(whole) >= 0.5:
        return None  # 007, 0042: codes written with digits
    text = values.astype(str).str.strip().str.replace(",", "", regex=False).str.rstrip("%")
    numbers = pd.to_numeric(text, errors="coerce").dropna()
    return numbers.astype(float) if len(numbers) else None


def _category(values, n_distinct: int) -> bool:
    """Rule 13a: every distinct value on at least 2 rows, and at most 20 of them or 10 rows per value."""
    if n_distinct > _CATEGORY_MAX and len(values) < _CATEGORY_ROWS * n_distinct:
        return False
    return bool(values.astype(str).value_counts().min() >= 2)


def _never_a_name(sample: list[str], values, words: set[str], n_distinct: int) -> bool:
    """Rule 13: a category, short capital codes, or places are never names (nor codes)."""
    if _category(values, n_distinct):
        return True
    if _share(sample, _SHORT_CODE) >= 0.5:
        return True
    if words & _PLACE_WORDS:
        return True
    return _share(sample, _PLACE_VALUE) >= 0.2


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
    if distinct == 1.0 and n >= _MIN_RUNNING and not words & _TIME_WORDS:
        diffs = np.diff(arr.astype(float))
        if (diffs > 0).all() or (diffs < 0).all():
            return (
                "direct",
                "record_id",
                "integer values are all distinct and run in row order (a row number or running id)",
            )
    if _id_named(name) and distinct >= 0.5:
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
    """Rule 14: person names, first names and last names, in any letter case."""
    import math

    tokens = [v.split() for v in sample]
    shaped = [all(_NAME_TOKEN.match(t) for t in ts) for ts in tokens]
    capital = [ok and all(t[0].isupper() for t in ts) for ts, ok in zip(tokens, shaped, strict=True)]
    named = bool(words & _NAME_WORDS)
    first, last = bool(words & _FIRST_WORDS), bool(words & _LAST_WORDS)

    def share(flags, low: int, high: int) -> float:
        return sum(1 for ts, ok in zip(tokens, flags, strict=True) if ok and low <= len(ts) <= high) / len(sample)

    if (first or last) and share(shaped, 1, 4) >= 0.8:  # 14a
        kind = "first_name" if first else "last_name"
        what = kind.replace("_", " ")
        return ("direct", kind, f"the name says {what} and {_pct(share(shaped, 1, 4))} of the values are name-shaped")
    multi, single = share(capital, 2, 4), share(capital, 1, 1)
    if multi >= 0.8 and (distinct >= 0.3 or named):  # 14b
        return (
            "direct",
            "person_name",
            f"{_pct(multi)} of the values are 2-4 capitalised words"
            + (" and the name says name" if named and distinct < 0.3 else f", {_pct(distinct)} distinct")
            + " (a person's name)",
        )
    top = values.astype(str).value_counts(normalize=True).iloc[0]
    long_tail = n_distinct >= max(20, math.sqrt(len(values))) and top <= 0.2
    tail = (named and n_distinct >= 10) or long_tail
    if single >= 0.9 and tail:
        return (
            "direct",
            _first_or_last(sample),
            f"{_pct(single)} of the values are single capitalised words with {n_distinct:,} distinct values "
            f"and none above {_pct(max(top, 0.0))} of the rows (a name, not a category)",
        )
    firsts, lasts = _known_names()
    known = firsts | lasts
    multi, single = share(shaped, 2, 4), share(shaped, 1, 1)  # 14c: any letter case, by the tokens themselves
    if multi >= 0.8 and (distinct >= 0.3 or named):
        hits = sum(1 for ts in tokens if 2 <= len(ts) <= 4 and ts[0].casefold() in known and ts[-1].casefold() in known)
        if hits / len(sample) >= 0.3:
            return (
                "direct",
                "person_name",
                f"{_pct(multi)} of the values are 2-4 words and in {_pct(hits / len(sample))} of them the first and "
                "last word are known given names or surnames (a person's name)",
            )
    if single >= 0.9 and tail:
        hits = sum(1 for ts in tokens if len(ts) == 1 and ts[0].casefold() in known) / len(sample)
        if hits >= 0.35:
            return (
                "direct",
                _first_or_last(sample),
                f"{_pct(hits)} of the values are known given names or surnames, with {n_distinct:,} distinct values "
                f"and none above {_pct(max(top, 0.0))} of the rows (a name, not a category)",
            )
    return None


def _known_names() -> tuple[set[str], set[str]]:
    """Faker's en_US first and last names, case-folded (read once)."""
    global _KNOWN
    if _KNOWN is None:
        from faker.providers.person.en_US import Provider

        _KNOWN = ({n.casefold() for n in Provider.first_names}, {n.casefold() for n in Provider.last_names})
    return _KNOWN


_KNOWN: tuple[set[str], set[str]] | None = None


def _first_or_last(sample: list[str]) -> str:
    """first_name or last_name, by which of Faker's en_US lists holds more of the values (ties: last_name)."""
    firsts, lasts = _known_names()
    n_first = sum(v.casefold() in firsts for v in sample)
    n_last = sum(v.casefold() in lasts for v in sample)
    return "first_name" if n_first > n_last else "last_name"
