"""Fake values for direct identifiers, so that no generator ever learns a real one.

A replaced column gets values of the same kind (names from Faker's en_US lists, e-mail addresses at the
reserved ``example.*`` domains, private IP addresses, Faker street addresses) or of the same format
(record and case numbers, phone numbers: each letter becomes a random letter, each digit a random
digit, separators and length stay; a character every real value of that shape shares, such as a
``+31`` prefix, stays). Integer ids continue past the real maximum. What is taken from the real column
is only its shape: the share of missing values, how many distinct values it has and how often they
repeat, whether it runs in row order, and the letter case of names (a column of names written all in
lower case, or all in capitals, gets fakes written so). Every fake is checked against every real value
of the column (case and surrounding spaces ignored) and redrawn if equal, so no real value is ever
emitted; the one exception is a null marker (``\\N``, ``.``, ``NA``, blank ...; see
:mod:`synthnb.identifiers`): a text column's markers stay markers, at their share of the training rows.

Everything is drawn from generators seeded by the run's seed and the column's position: same seed,
same bytes, in any process.
"""

from __future__ import annotations

from synthnb.errors import SynthnbError

__all__ = ["fake_column", "with_fakes"]

_SYLLABLES = ("ba", "ke", "lo", "mi", "nu", "ra", "si", "to", "ve", "za", "do", "fe", "gu", "ha", "ji", "po")
_TRIES = 30


def with_fakes(synthetic, real, train, roles, seed: int):
    """*synthetic* (learned columns only) with the replaced identifier columns put back in *real*'s order.

    Dropped columns stay out; kept columns were learned and are already in *synthetic*.
    """
    import pandas as pd

    by_column = {r.column: r for r in roles if r.role == "direct"}
    n_rows = len(synthetic)
    if all(r.action == "keep" for r in by_column.values()) and list(synthetic.columns) == list(real.columns):
        if synthetic.index.equals(pd.RangeIndex(n_rows)):
            return synthetic  # nothing to put back: no second copy of the whole table
    out = {}
    for position, col in enumerate(real.columns):
        role = by_column.get(col)
        if role is None or role.action == "keep":
            out[col] = synthetic[col].reset_index(drop=True)
        elif role.action == "replace":
            out[col] = _as_dtype(fake_column(real[col], train[col], role.kind, n_rows, seed, position), real[col].dtype)
    return pd.DataFrame(out, columns=list(out))


def _as_dtype(fakes, dtype):
    """*fakes* in the real column's dtype where it is a pandas extension type (``string[pyarrow]``, ``Int64``), so
    the synthetic table keeps the input's dtypes; left as they are when the values do not fit it."""
    import pandas as pd

    if not isinstance(dtype, pd.api.extensions.ExtensionDtype) or fakes.dtype == dtype:
        return fakes
    try:
        return fakes.astype(dtype)
    except (TypeError, ValueError):
        return fakes


def fake_column(real_col, train_col, kind: str, n_rows: int, seed: int, position: int):
    """*n_rows* fake values of *kind* shaped like *train_col*, none equal to a value of *real_col*.

    Parameters
    ----------
    real_col : pandas.Series
        Every real value of the column (training and held-out rows): the values never to emit.
    train_col : pandas.Series
        The rows the generator learns from: the share of missing values and the repetition profile.
    kind : str
        A direct-identifier kind of :mod:`synthnb.identifiers`.
    n_rows : int
    seed, position : int
        The run's seed and the column's position: together they seed every draw.

    Returns
    -------
    pandas.Series
    """
    import numpy as np
    import pandas as pd

    from synthnb.identifiers import null_marker_mask

    rng = np.random.default_rng([int(seed), 0x1D, int(position)])
    values = train_col.dropna()
    null_share = 1 - len(values) / len(train_col) if len(train_col) else 0.0
    missing = rng.random(n_rows) < null_share
    numeric = real_col.dtype.kind in "iuf"
    markers = None
    if not numeric and len(values):
        is_marker = null_marker_mask(values)
        if is_marker.any():  # "\N", "." ...: missing values as the input writes them, kept at their share
            markers = values[is_marker].astype(str).value_counts()
            values = values[~is_marker]
            marked = ~missing & (rng.random(n_rows) < markers.sum() / (markers.sum() + len(values)))
            missing = missing | marked
    n_fill = int((~missing).sum())
    forbidden = _keys(real_col.dropna(), numeric)
    counts = values.astype(str).value_counts().to_numpy() if len(values) else np.array([1])
    unique = len(values) > 0 and counts.max() == 1
    size = n_fill if unique else min(len(counts), n_fill)
    if numeric:
        pool = _integer_pool(real_col.dropna(), size, rng)
    else:
        pool = _string_pool(kind, values.astype(str), size, forbidden, rng, seed, position, str(real_col.name))
    if unique:
        # as many distinct fakes as rows; keep the real column's order when it ran in row order
        picked = pool[:n_fill] if _monotone(values) else [pool[i] for i in rng.permutation(n_fill)]
    else:
        weights = counts[: len(pool)] / counts[: len(pool)].sum()
        picked = [pool[i] for i in rng.choice(len(pool), size=n_fill, p=weights)] if n_fill else []
    out = np.empty(n_rows, dtype=object)
    out[~missing] = picked
    out[missing] = None
    if markers is not None and marked.any():
        weights = markers.to_numpy() / markers.sum()
        out[marked] = markers.index.to_numpy()[rng.choice(len(markers), size=int(marked.sum()), p=weights)]
    series = pd.Series(out, name=real_col.name)
    if numeric:
        return series.astype(real_col.dtype if not missing.any() else _nullable(real_col.dtype))
    if isinstance(real_col.dtype, pd.StringDtype):
        return series.astype(real_col.dtype)
    return series


def _nullable(dtype):
    return "float64" if dtype.kind == "f" else "Int64"


def _keys(values, numeric: bool) -> set:
    if numeric:
        return {float(v) for v in values}
    return {str(v).strip().casefold() for v in values}


def _monotone(values) -> bool:
    import numpy as np

    if values.dtype.kind not in "iuf" or len(values) < 2:
        return False
    diffs = np.diff(values.to_numpy().astype(float))
    return bool((diffs > 0).all() or (diffs < 0).all())


def _integer_pool(values, size: int, rng) -> list[int]:
    """*size* integers outside the real range: after the real maximum, or before the minimum if that overflows."""
    top, bottom = int(values.max()), int(values.min())
    if top + size < 2**62:
        start = top + 1
    elif bottom - size > -(2**62):
        start = bottom - size
    else:
        raise SynthnbError(
            f"column {values.name!r} has integer ids spanning the whole int64 range; no fake id fits "
            f"outside it. Pass keep=[{str(values.name)!r}] to learn it, or drop the column."
        )
    return [start + i for i in range(size)]


def _string_pool(kind, values, size, forbidden, rng, seed, position, name) -> list[str]:
    """*size* distinct fake strings, none in *forbidden*; repeats only if the kind has too few fakes."""
    draw = _generator(kind, values, rng, seed, position)
    pool: dict[str, None] = {}
    seen = set(forbidden)
    for _ in range(_TRIES):
        need = size - len(pool)
        if need <= 0:
            break
        for fake in draw(max(2 * need, 16)):
            key = fake.strip().casefold()
            if key not in seen:
                seen.add(key)
                pool[fake] = None
                if len(pool) == size:
                    break
    pool_list = list(pool)
    if not pool_list and size:
        raise SynthnbError(
            f"column {name!r}: every fake value of its format is a real value, so it cannot be replaced safely. "
            f"Drop the column from the table, or pass keep=[{name!r}] to learn it from the real values."
        )
    while len(pool_list) < size:  # too few fakes of this kind exist: repeat them (never a real value)
        pool_list.extend(pool_list[: size - len(pool_list)])
    return pool_list


def _generator(kind, values, rng, seed, position):
    if kind in ("first_name", "last_name", "person_name"):
        return _in_case(_name_generator(kind, rng), values)
    return _other_generator(kind, values, rng, seed, position)


def _name_generator(kind, rng):
    if kind == "first_name":
        return _names(rng, first=True)
    if kind == "last_name":
        return _names(rng, first=False)
    firsts, lasts = _names(rng, first=True), _names(rng, first=False)
    return lambda m: [f"{a} {b}" for a, b in zip(firsts(m), lasts(m), strict=True)]


def _in_case(draw, values):
    """Names written the way the real ones are: all lower case or all capitals when 90 % of them are."""
    head = [v for v in values.head(2000) if any(c.isalpha() for c in v)]
    if not head:
        return draw
    if sum(v == v.lower() for v in head) >= 0.9 * len(head):
        return lambda m: [v.lower() for v in draw(m)]
    if sum(v == v.upper() for v in head) >= 0.9 * len(head):
        return lambda m: [v.upper() for v in draw(m)]
    return draw


def _other_generator(kind, values, rng, seed, position):
    if kind == "email":
        return _emails(rng)
    if kind == "url":
        return lambda m: [
            f"https://www.{_word(rng)}.example.{_pick(rng, ('com', 'org', 'net'))}/{_word(rng)}" for _ in range(m)
        ]
    if kind == "ip_address":
        return _ips(rng, ipv6=sum(":" in v for v in values.head(200)) > len(values.head(200)) / 2)
    if kind == "address":
        return _addresses(int(rng.integers(2**31)))
    if kind in ("record_id", "phone"):
        return _same_format(values, rng)
    raise SynthnbError(f"no fake values exist for identifier kind {kind!r}; this is a bug in synthnb.")


def _pick(rng, options):
    return options[int(rng.integers(len(options)))]


def _word(rng) -> str:
    return "".join(_pick(rng, _SYLLABLES) for _ in range(int(rng.integers(2, 4))))


def _names(rng, *, first: bool):
    """Names from Faker's en_US lists (uniform), then invented ones once those run out."""
    from faker.providers.person.en_US import Provider

    names = list(Provider.first_names if first else Provider.last_names)
    calls = [0]

    def draw(m):
        calls[0] += 1
        if calls[0] > _TRIES // 2:  # the list is exhausted (every name was real or used): invent names
            return [_word(rng).capitalize() + _word(rng) for _ in range(m)]
        return [names[i] for i in rng.integers(len(names), size=m)]

    return draw


def _emails(rng):
    firsts, lasts = _names(rng, first=True), _names(rng, first=False)

    def draw(m):
        return [
            f"{a.lower()}.{b.lower()}{int(rng.integers(100))}@example.{_pick(rng, ('com', 'org', 'net'))}"
            for a, b in zip(firsts(m), lasts(m), strict=True)
        ]

    return draw


def _ips(rng, *, ipv6: bool):
    def draw(m):
        if ipv6:  # unique local addresses (fd00::/8): routable nowhere
            return ["fd" + ":".join(f"{int(x):04x}" for x in rng.integers(0, 2**16, size=8))[2:] for _ in range(m)]
        octets = rng.integers(0, 256, size=(m, 3))
        return [f"10.{a}.{b}.{c}" for a, b, c in octets]  # private range 10.0.0.0/8

    return draw


def _addresses(seed: int):
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    return lambda m: [fake.street_address() for _ in range(m)]


def _same_format(values, rng, sample: int = 2000):
    """Codes shaped like the real ones: letter -> letter, digit -> digit, the rest and the length kept."""
    import numpy as np

    templates = list(values.iloc[rng.permutation(len(values))[:sample]]) if len(values) else ["0000"]
    by_shape: dict[tuple[str, ...], list[str]] = {}
    for t in templates:
        by_shape.setdefault(_shape(t), []).append(t)
    shapes = list(by_shape)
    weights = np.array([len(by_shape[s]) for s in shapes], dtype=float)
    weights /= weights.sum()
    # a character that every one of at least 5 real values of a shape shares (a prefix, a country code) stays
    fixed = {}
    for s, group in by_shape.items():
        fixed[s] = [
            group[0][i] if len(group) >= 5 and all(g[i] == group[0][i] for g in group) else None for i in range(len(s))
        ]

    digits = np.array(list("0123456789"), dtype=object)
    capitals = np.array([chr(65 + i) for i in range(26)], dtype=object)
    smalls = np.array([chr(97 + i) for i in range(26)], dtype=object)

    def draw(m):
        out = np.empty(m, dtype=object)
        chosen = rng.choice(len(shapes), size=m, p=weights)
        for si in np.unique(chosen):
            rows = np.flatnonzero(chosen == si)
            shape, keep = shapes[si], fixed[shapes[si]]
            if not shape:
                out[rows] = ""
                continue
            d = rng.integers(0, 10, size=(len(rows), len(shape)))
            a = rng.integers(0, 26, size=(len(rows), len(shape)))
            columns = []
            for j, (c, k) in enumerate(zip(shape, keep, strict=True)):
                if k is not None:
                    columns.append([k] * len(rows))
                elif c == "9":
                    columns.append(digits[d[:, j]])
                elif c == "A":
                    columns.append(capitals[a[:, j]])
                elif c == "a":
                    columns.append(smalls[a[:, j]])
                else:
                    columns.append([c[1:]] * len(rows))
            out[rows] = ["".join(chars) for chars in zip(*columns, strict=True)]
        return list(out)

    return draw


def _shape(value: str) -> tuple[str, ...]:
    """One class per character: ``9`` digit, ``A`` capital, ``a`` small letter, else the character itself."""
    out = []
    for c in value:
        if c.isdigit():
            out.append("9")
        elif c.isalpha():
            out.append("A" if c.isupper() else "a")
        else:
            out.append("\0" + c)
    return tuple(out)
