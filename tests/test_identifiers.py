"""Direct identifiers never leave verbatim: detection by content, replacement before every generator, keep=."""

import json
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb import SynthnbError
from synthnb.identifiers import detect_identifiers

# syllables of no language: names built from them are in no word list of the detector or of Faker
SYLLABLES = ["qa", "vor", "el", "thi", "mun", "dr", "ax", "oly", "pe", "zu", "ric", "ven", "ost", "ila", "gor", "bru"]

#: column -> (role, kinds accepted) when the names say what the columns are
EXPECTED = {
    "row_id": ("direct", {"record_id"}),
    "full_name": ("direct", {"person_name"}),
    "first_name": ("direct", {"first_name"}),
    "last_name": ("direct", {"last_name"}),
    "email": ("direct", {"email"}),
    "phone": ("direct", {"phone"}),
    "case_number": ("direct", {"record_id"}),
    "street": ("direct", {"address"}),
    "homepage": ("direct", {"url"}),
    "ip": ("direct", {"ip_address"}),
    "notes": ("direct", {"free_text"}),
    "date_of_birth": ("quasi", {"date_of_birth"}),
}
#: with names that say nothing, first and last names cannot be told apart by content, nor a birth date from a date
EXPECTED_BLIND = dict(
    EXPECTED,
    first_name=("direct", {"first_name", "last_name"}),
    last_name=("direct", {"first_name", "last_name"}),
    date_of_birth=("quasi", {"date"}),
)
INNOCUOUS = ["height", "weight", "price", "weight_grams", "group"]
MODELS = [("gaussian_copula", None), ("ctgan", 1), ("tvae", 1), ("copulagan", 1), ("cart", None)]
COUNTS = {}  # model -> per-column (values checked, matches found), printed for the closing note


def _word(rng, k: int) -> str:
    return "".join(rng.choice(SYLLABLES, size=k)).capitalize()


def make_table(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """People with names, e-mails, phones, case numbers ... made up from syllables and digits, plus plain data."""
    rng = np.random.default_rng(seed)
    firsts = sorted({_word(rng, 2) for _ in range(80)})
    lasts = sorted({_word(rng, 3) for _ in range(120)})
    first = rng.choice(firsts, size=n, p=rng.dirichlet(np.ones(len(firsts))))
    last = rng.choice(lasts, size=n, p=rng.dirichlet(np.ones(len(lasts))))
    height = rng.normal(170, 10, n).round(1)
    price = rng.integers(100, 100_000, size=n) / 100
    price[rng.integers(0, n, 30)] = 9.99  # near-unique, with repeats: a measurement, not an id
    return pd.DataFrame(
        {
            "row_id": np.arange(1, n + 1),
            "full_name": [f"{a} {b}" for a, b in zip(first, last, strict=True)],
            "first_name": first,
            "last_name": last,
            "email": [
                f"{a.lower()}.{i}@{_word(rng, 2).lower()}.{rng.choice(['io', 'dev'])}" for i, a in enumerate(first)
            ],
            "phone": [f"+{rng.integers(20, 99)} {rng.integers(100, 999)} {rng.integers(1000, 9999)}" for _ in range(n)],
            "case_number": [
                f"{''.join(rng.choice(list('QWXZ'), 2))}-{rng.integers(2000, 2024)}-{rng.integers(10**6):06d}"
                for _ in range(n)
            ],
            "street": [
                f"{rng.integers(1, 300)} {_word(rng, 2)} {rng.choice(['Street', 'Road', 'Lane'])}" for _ in range(n)
            ],
            "homepage": [f"https://{_word(rng, 2).lower()}.org/u/{i}" for i in range(n)],
            "ip": [".".join(str(x) for x in rng.integers(1, 255, size=4)) for _ in range(n)],
            "notes": [" ".join(_word(rng, 2).lower() for _ in range(rng.integers(7, 14))) for _ in range(n)],
            "date_of_birth": [
                f"{rng.integers(1940, 2005)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}" for _ in range(n)
            ],
            "height": height,
            "weight": (height * 0.9 - 80 + rng.normal(0, 4, n)).round(1),  # correlated with height
            "price": price,
            "weight_grams": rng.integers(40_000, 120_000, size=n),  # near-unique integers in no order
            "group": rng.choice(["a", "b", "c"], size=n),
        }
    )


@pytest.fixture(scope="module")
def people():
    return make_table()


def test_the_test_names_come_from_no_word_list(people):
    from faker.providers.person.en_US import Provider

    words = set(Provider.first_names) | set(Provider.last_names)
    assert not set(people["first_name"]) & words and not set(people["last_name"]) & words


@pytest.mark.parametrize("blind", [False, True], ids=["named", "col_i"])
def test_every_kind_is_detected_by_content(people, blind):
    df = people.set_axis([f"col_{i}" for i in range(people.shape[1])], axis=1) if blind else people
    expected = EXPECTED_BLIND if blind else EXPECTED
    before = frame_hash(df)
    roles = {str(r.column): r for r in detect_identifiers(df)}
    assert frame_hash(df) == before
    for i, col in enumerate(people.columns):
        label = f"col_{i}" if blind else col
        if col in expected:
            role, kinds = expected[col]
            assert label in roles, f"{col} not detected"
            assert roles[label].role == role and roles[label].kind in kinds, roles[label]
            assert roles[label].action == ("drop" if col == "notes" else "replace" if role == "direct" else "data")
            assert roles[label].reason
        else:
            assert label not in roles, f"{col} ({label}) is plain data but was flagged: {roles[label]}"


def test_integer_id_rules():
    rng = np.random.default_rng(1)
    n = 300
    df = pd.DataFrame(
        {
            "a": np.arange(1000, 1000 + n),  # all distinct, in row order -> id
            "b": np.arange(n)[::-1] * 7,  # all distinct, decreasing -> id
            "c": rng.permutation(n) + 5000,  # all distinct but shuffled, name says nothing -> data
            "patient_id": rng.permutation(n),  # the name says id -> id
            "member_no": rng.integers(0, 10**6, n),  # name says number, near-unique -> id
            "education_num": rng.integers(1, 17, n),  # "num" with 16 values -> data
            "fnlwgt": np.sort(rng.integers(10_000, 20_000, n)),  # near-unique, repeated values -> data
            "children_number": rng.integers(0, 5, n),  # the name says number, but few distinct -> data
        }
    )
    df.loc[5, "fnlwgt"] = df.loc[4, "fnlwgt"]
    roles = {r.column: r.kind for r in detect_identifiers(df) if r.role == "direct"}
    assert roles == {"a": "record_id", "b": "record_id", "patient_id": "record_id", "member_no": "record_id"}
    assert detect_identifiers(df.head(10)[["a"]]) == ()  # too short to call a running number an id


def test_adult_has_no_direct_identifier_and_its_demographics_are_quasi(adult):
    t0 = time.perf_counter()
    roles = detect_identifiers(adult)
    assert [r for r in roles if r.role == "direct"] == []
    assert {r.column for r in roles} == {"age", "sex", "race", "marital_status", "native_country"}
    assert all(r.action == "data" for r in roles)
    for n in (300, 2000):
        assert not [r for r in detect_identifiers(adult.head(n)) if r.role == "direct"]
    print(f"detect_identifiers on Adult ({len(adult):,} rows): {time.perf_counter() - t0:.2f} s")


def test_detection_is_fast_on_100k_rows(people):
    big = pd.concat([people] * 250, ignore_index=True)  # 100,000 rows
    big["row_id"] = np.arange(len(big))
    t0 = time.perf_counter()
    roles = detect_identifiers(big)
    seconds = time.perf_counter() - t0
    assert {r.column for r in roles if r.role == "direct"} >= {"row_id", "email", "phone", "street"}
    print(f"detect_identifiers on {len(big):,} rows x {big.shape[1]} columns: {seconds:.2f} s")
    assert seconds < 10


def _shape(value: str) -> str:
    return "".join("9" if c.isdigit() else "A" if c.isupper() else "a" if c.isalpha() else c for c in value)


@pytest.mark.parametrize("model,epochs", MODELS)
def test_no_identifier_leaves_verbatim_with_any_model(people, model, epochs):
    before = frame_hash(people)
    kw = {"epochs": epochs} if epochs else {}
    run = synthnb.fit(people, model=model, seed=2, **kw)
    assert frame_hash(people) == before
    syn = run.synthetic
    # free text is dropped; every other column is where it was
    assert list(syn.columns) == [c for c in people.columns if c != "notes"]
    assert len(syn) == len(people)
    replaced = [r.column for r in run.identifiers if r.action == "replace"]
    assert set(replaced) == {c for c, (role, _) in EXPECTED.items() if role == "direct"} - {"notes"}
    train, held = run.train, run.holdout
    counts = {}
    for col in replaced:
        real = people[col]
        rare = set(real.value_counts()[lambda s: s <= 2].index.astype(str))
        synthetic_values = syn[col].astype(str)
        matches = int(synthetic_values.isin(rare).sum())
        assert matches == 0, f"{model}: {matches} synthetic {col} values equal a rare real value"
        # the stronger guarantee: no synthetic value equals ANY real value, case and spaces ignored
        real_keys = set(real.astype(str).str.strip().str.casefold())
        assert not synthetic_values.str.strip().str.casefold().isin(real_keys).any()
        counts[col] = (len(synthetic_values), matches)
    # common tokens: the generator must not favour names of the rows it saw over those it did not
    for col in ("first_name", "last_name"):
        assert people[col].value_counts().max() > 2
        in_train = syn[col].isin(set(train[col])).mean()
        in_held = syn[col].isin(set(held[col])).mean()
        assert in_train <= in_held
    # the kinds and formats are kept
    assert syn["row_id"].dtype == people["row_id"].dtype and syn["row_id"].min() > people["row_id"].max()
    assert syn["row_id"].is_unique and syn["row_id"].is_monotonic_increasing
    assert set(syn["case_number"].map(_shape)) <= set(people["case_number"].map(_shape))
    assert set(syn["phone"].map(_shape)) <= set(people["phone"].map(_shape))
    assert syn["email"].str.fullmatch(r"[a-z]+\.[a-z]+\d*@example\.(com|org|net)").all()
    assert syn["ip"].str.fullmatch(r"10\.\d+\.\d+\.\d+").all()
    assert syn["full_name"].str.fullmatch(r"\S+ \S+").all()
    # repeated names stay repeated: the fake column has about as many distinct values as the training rows
    assert abs(syn["first_name"].nunique() - train["first_name"].nunique()) <= 0.2 * train["first_name"].nunique()
    # the plain numeric columns are still learned
    for col in ("height", "weight"):
        real_mean, real_std = people[col].mean(), people[col].std()
        assert abs(syn[col].mean() - real_mean) < 0.5 * real_std, (model, col, syn[col].mean(), real_mean)
        assert 0.3 < syn[col].std() / real_std < 3, (model, col, syn[col].std(), real_std)
    if model == "gaussian_copula":
        assert abs(syn["height"].corr(syn["weight"]) - people["height"].corr(people["weight"])) < 0.15
    COUNTS[model] = counts
    total = sum(v for v, _ in counts.values())
    print(
        f"{model}: {total} synthetic identifier values checked in {len(counts)} columns, "
        f"{sum(m for _, m in counts.values())} equal a real value occurring at most twice"
    )


def test_fakes_are_seeded_across_processes(people, tmp_path):
    people.to_pickle(tmp_path / "people.pkl")
    script = (
        "import pandas as pd, synthnb\n"
        f"df = pd.read_pickle({str(tmp_path / 'people.pkl')!r})\n"
        "print(synthnb.fit(df, seed=4, rows=200).synthetic_sha256)\n"
    )
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    here = synthnb.fit(people, seed=4, rows=200)
    assert other.stdout.strip().splitlines()[-1] == here.synthetic_sha256
    assert synthnb.fit(people, seed=5, rows=200).synthetic["email"].tolist() != here.synthetic["email"].tolist()


def test_keep_overrides_and_is_recorded(people):
    from synthnb.provenance.cell import provenance_cell_source
    from synthnb.provenance.datasheet import render_datasheet
    from synthnb.provenance.record import provenance_record

    run = synthnb.fit(people, seed=1, keep=["case_number"], rows=100)
    roles = {r.column: r for r in run.identifiers}
    assert roles["case_number"].action == "keep" and roles["email"].action == "replace"
    assert run.spec.keep == ("case_number",) and run.spec.to_dict()["keep"] == ["case_number"]
    rec = provenance_record(run, "people_syn", "people")
    assert rec["generator"]["keep"] == ["case_number"]
    recorded = {r["column"]: r for r in rec["identifiers"]}
    assert recorded["case_number"]["action"] == "keep" and recorded["notes"]["action"] == "drop"
    assert recorded["date_of_birth"] == {
        "column": "date_of_birth",
        "role": "quasi",
        "kind": "date_of_birth",
        "reason": roles["date_of_birth"].reason,
        "action": "data",
    }
    json.dumps(rec)
    sheet = render_datasheet(run, "people_syn")
    assert "`case_number` (record id) was KEPT by override" in sheet
    assert "Kept by the user's override (`keep=['case_number']`)" in sheet
    assert "`notes` (free text) is not in this dataset (dropped)" in sheet
    assert "**Quasi-identifiers**" in sheet and "`date_of_birth` (date of birth)" in sheet
    cell = provenance_cell_source(run, "people_syn", "people")
    assert "keep=['case_number']," in cell
    # the cell's call re-creates the same bytes
    namespace = {"people": people}
    exec(cell, namespace)
    assert synthnb.fingerprint.frame_digest(namespace["people_syn"]) == run.synthetic_sha256


def test_keep_of_a_column_that_is_no_identifier_is_an_error(people):
    with pytest.raises(SynthnbError, match="keep column 'height' is not a detected direct identifier"):
        synthnb.fit(people, keep="height")
    with pytest.raises(SynthnbError, match="'date_of_birth' is a quasi-identifier, which stays data"):
        synthnb.fit(people, keep=["date_of_birth"])
    with pytest.raises(SynthnbError, match=r"keep column 'emial' is not in the table\. Did you mean 'email'"):
        synthnb.fit(people, keep=["emial"])


def test_a_table_of_identifiers_only_is_refused(people):
    with pytest.raises(SynthnbError, match="every column of the table is a direct identifier"):
        synthnb.fit(people[["email", "phone"]])


def test_evaluation_of_a_run_compares_only_its_columns(people):
    run = synthnb.fit(people, seed=0, rows=50)
    ctx = synthnb.evaluate(run, lazy=True).context
    assert list(ctx.real.columns) == list(run.synthetic.columns) == list(ctx.train.columns)
    assert list(ctx.holdout.columns) == list(run.synthetic.columns)
    assert set(ctx.direct_identifiers) == {r.column for r in run.identifiers if r.action == "replace"}
    assert ctx.quasi_identifiers == ("date_of_birth",)


def test_summary_and_fit_magic_show_the_identifiers_before_fitting(ip, people):
    from IPython.utils.capture import capture_output

    from synthnb.magics._display import run_summary_bundle

    ip.user_ns["people"] = people
    for progress in (True, False):
        ip.run_line_magic("config", f"SynthMagics.progress = {progress}")
        with capture_output() as cap:
            assert ip.run_cell("%synth fit people --keep case_number --rows 50 --no-report").success
        texts = [o.data["text/plain"] for o in cap.outputs]
        first = texts[0]  # the identifier table comes first, before any progress bar or summary
        assert first.startswith("Identifiers found before fitting:")
        assert "KEPT: learned from the real values (keep= override)" in first.split("case_number")[1].splitlines()[0]
        assert "dropped (no faithful fake exists)" in first and "person name" in first
        assert any(t.startswith("synthnb · fitting") for t in texts[1:]) == progress
        assert any(t.startswith("model ") for t in texts[1:])
    run = ip.magics_manager.registry["SynthMagics"].runs["people_syn"]
    assert run.spec.keep == ("case_number",)
    summary = run_summary_bundle(run, "people_syn")["text/plain"]
    assert "replaced with fakes: row_id, full_name" in summary and "KEPT by override: case_number" in summary
    assert "dropped: notes" in summary and "quasi (data): date_of_birth" in summary
    assert [r["column"] for r in run.summary()["identifiers"]][:2] == ["row_id", "full_name"]


def test_a_kept_identifier_is_learned_not_anonymised_by_sdv(people):
    # SDV types e-mails as PII and would invent its own; keep= means the real values are learned
    run = synthnb.fit(people, seed=0, rows=100, keep=["email"])
    assert run.synthetic["email"].isin(set(people["email"])).mean() > 0.9
    assert not run.synthetic["phone"].isin(set(people["phone"])).any()


def test_quasi_identifiers_stay_data_even_where_sdv_would_fake_them_by_name():
    """SDV types a column named city or postcode as PII and makes up towns; synthnb learns them as data."""
    import numpy as np
    import pandas as pd

    import synthnb

    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "city": rng.choice(["Oslo", "Lyon", "Porto"], 200),
            "postcode": rng.choice(["0150", "0151", "7000"], 200),
            "x": rng.normal(size=200),
        }
    )
    run = synthnb.fit(df, seed=0)
    assert {(r.column, r.role, r.action) for r in run.identifiers} >= {("postcode", "quasi", "data")}
    assert set(run.synthetic["city"]) <= set(df["city"]) and set(run.synthetic["postcode"]) <= set(df["postcode"])
    columns = run.synthesizer.get_metadata().to_dict()["tables"]["table"]["columns"]
    assert columns["city"]["sdtype"] == "categorical" and columns["postcode"]["sdtype"] == "categorical"
