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
        # the table once (before fitting); the summary names what happened in one line
        assert sum("direct ·" in t for t in texts) == 1, texts
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


# --- issue 19: null markers, names in any letter case, ordinary columns that are not identifiers --------

HOSPITALS = ["St. Mary's Hospital", "Riverside General", "Mercy Medical Center", "the county clinic"]


def incident_table(n: int = 1200, marker: str = "\\N", share: float = 0.6, seed: int = 0) -> pd.DataFrame:
    """Incident reports as a MySQL dump writes them: most narratives missing as ``\\N``, the rest real text."""
    rng = np.random.default_rng(seed)
    openings = ["Patient", "Resident", "Visitor", "Staff member", "Driver", "Pedestrian"]
    events = [
        "slipped on a wet floor near the lift",
        "fell from the bed during the night shift",
        "was struck by a reversing delivery van in the car park",
        "reported chest pain after climbing the stairs",
        "was found unresponsive in the day room",
        "cut a hand on a broken window in the corridor",
    ]
    after = [
        "and was taken to {h} for an x-ray",
        "and was seen by the duty nurse, no injury recorded",
        "and was transferred to {h} by ambulance at {t}",
        "; family informed, incident reviewed by the ward manager",
    ]
    narratives = []
    for _ in range(n):
        text = f"{rng.choice(openings)} {rng.choice(events)} {rng.choice(after)}"
        text = text.format(h=rng.choice(HOSPITALS), t=f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}")
        narratives.append(f"{text} (report {rng.integers(100, 999)}).")
    narrative = np.where(rng.random(n) < share, marker, narratives)
    return pd.DataFrame(
        {
            "incident_id": rng.permutation(n) + 40_000,
            "ward": rng.choice(["A1", "A2", "B1", "ICU"], n),
            "severity": rng.choice(["minor", "moderate", "severe"], n, p=[0.7, 0.25, 0.05]),
            "narrative": narrative,
            "reporter_email": np.where(
                rng.random(n) < 0.3, "NULL", [f"{_word(rng, 2).lower()}{i}@trust.example.net" for i in range(n)]
            ),
        }
    )


@pytest.mark.parametrize("marker", ["\\N", ".", "NA", "N/A", "NULL", "null", "-", "?", "", "  "])
def test_a_narrative_that_is_mostly_null_markers_is_free_text(marker):
    df = incident_table(marker=marker)
    assert (df["narrative"] == marker).mean() > 0.55  # the most common value is the marker
    roles = {r.column: r for r in detect_identifiers(df)}
    assert roles["narrative"].kind == "free_text" and roles["narrative"].action == "drop", roles.get("narrative")
    assert roles["reporter_email"].kind == "email"  # 30 % NULL does not hide the e-mails either
    assert "ward" not in roles and "severity" not in roles


def test_a_fit_drops_the_narrative_and_keeps_the_markers_of_a_replaced_column():
    df = incident_table()
    before = frame_hash(df)
    run = synthnb.fit(df, model="cart", seed=0)
    assert frame_hash(df) == before
    syn = run.synthetic
    assert "narrative" not in syn.columns
    # no real narrative anywhere in the output (the fit exported 245 of them)
    real_text = set(df["narrative"]) - {"\\N"}
    assert not syn.astype(str).isin(real_text).any().any()
    # the e-mail column's NULL markers stay NULL at about their share; every other value is a fake
    emails = syn["reporter_email"]
    assert abs((emails == "NULL").mean() - (df["reporter_email"] == "NULL").mean()) < 0.06
    others = emails[emails != "NULL"]
    assert others.str.endswith(("@example.com", "@example.org", "@example.net")).all()
    assert not others.isin(set(df["reporter_email"])).any()


def lower_case_people(n: int = 7214, seed: int = 0) -> pd.DataFrame:
    """A register of people like COMPAS's: first, last and full names written in lower case, plus categories.

    Names are drawn from Faker's en_US (70 %) and es_MX (30 %) locales, and a tenth are names of no list at all.
    """
    from faker import Faker

    rng = np.random.default_rng(seed)
    us, mx = Faker("en_US"), Faker("es_MX")
    us.seed_instance(seed)
    mx.seed_instance(seed + 1)
    firsts, lasts = [], []
    for _ in range(n):
        fake = mx if rng.random() < 0.3 else us
        first, last = fake.first_name(), fake.last_name()
        if rng.random() < 0.1:
            first = _word(rng, 2)
        if rng.random() < 0.1:
            last = _word(rng, 3)
        firsts.append(first.lower())
        lasts.append(last.lower())
    return pd.DataFrame(
        {
            "first": firsts,
            "last": lasts,
            "name": [f"{a} {b}" for a, b in zip(firsts, lasts, strict=True)],
            "sex": rng.choice(["male", "female"], n, p=[0.8, 0.2]),
            "race": rng.choice(["african-american", "caucasian", "hispanic", "other", "asian"], n),
            "marital_status": rng.choice(["single", "married", "divorced", "widowed", "separated"], n),
            "education": rng.choice(["high school", "some college", "bachelors", "none"], n),
            "charge_degree": rng.choice(["f", "m"], n),
            "priors_count": rng.poisson(3, n),
        }
    )


@pytest.fixture(scope="module")
def register():
    return lower_case_people()


@pytest.mark.parametrize("blind", [False, True], ids=["named", "col_i"])
def test_lower_case_names_are_found_by_their_tokens(register, blind):
    df = register.set_axis([f"col_{i}" for i in range(register.shape[1])], axis=1) if blind else register
    roles = {str(r.column): r for r in detect_identifiers(df)}
    label = dict(zip(register.columns, df.columns, strict=True))
    assert roles[label["first"]].kind == "first_name", roles[label["first"]]
    assert roles[label["last"]].kind == "last_name", roles[label["last"]]
    assert roles[label["name"]].kind == "person_name", roles[label["name"]]
    for col in ("education", "charge_degree", "priors_count"):
        assert label[col] not in roles, roles[label[col]]
    for col in ("sex", "race", "marital_status"):  # demographic by name, never names by content
        assert label[col] not in roles or roles[label[col]].role == "quasi"
    if blind:  # the reason says what was read
        assert "known given names or surnames" in roles[label["name"]].reason


def test_a_default_fit_learns_no_real_lower_case_name(register):
    run = synthnb.fit(register, model="cart", seed=0)
    syn = run.synthetic
    for col in ("first", "last", "name"):
        assert not syn[col].str.strip().str.casefold().isin(set(register[col])).any(), col
        assert (syn[col] == syn[col].str.lower()).all(), f"{col}: fakes are written in the real column's case"
    assert syn["name"].str.fullmatch(r"\S+ \S+").all()
    assert set(syn["education"]) <= set(register["education"])  # the categories were learned


def test_word_columns_in_lower_case_are_not_names():
    """Long-tailed word columns whose words are sometimes names, and categories whose values are names."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(3)
    rng = np.random.default_rng(3)
    n = 3000
    makes = ["chevrolet", "ford", "plymouth", "buick", "dodge", "amc", "toyota", "datsun", "volkswagen", "pontiac"]
    models = ["chevelle", "malibu", "torino", "fury", "skylark", "hornet", "corolla", "rabbit", "catalina", "impala"]
    trims = ["", " sst", " brougham", " custom", " deluxe", " wagon", " 2+2", " gl"]
    df = pd.DataFrame(
        {
            "word": [fake.word() for _ in range(n)],  # Faker's lorem list: 'may', 'will', 'rose' ... sometimes
            "job": [fake.job().lower() for _ in range(n)],
            "car": [f"{rng.choice(makes)} {rng.choice(models)}{rng.choice(trims)}" for _ in range(n)],
            "colour": [fake.color_name().lower() for _ in range(n)],
            "skin": rng.choice(["White", "Black", "Asian", "Amer-Indian-Eskimo", "Other"], n),
            "surname_like": rng.choice(["Jefferson", "Washington", "Franklin", "Jackson", "Madison"], n),
            "given_like": rng.choice(["June", "May", "April", "Summer", "Autumn", "Winter"], n),
        }
    )
    assert detect_identifiers(df) == ()


def test_a_repeated_set_of_names_is_a_category_not_a_name():
    rng = np.random.default_rng(4)
    n = 2000
    doctors = ["Alice Smith", "Bob Jones", "Carla Diaz", "Dan Lee", "Eve Brown", "Frank Moore", "Gina Hall"]
    counties = [f"{c}" for c in ("Cook", "Harris", "Maricopa", "King", "Wayne", "Polk", "Clark", "Lake", "Marion")]
    suffixes = ("ford", "ton", "ley", "wick", "more", "field", "worth", "by", "ham", "stead", "ridge", "dale")
    counties += [f"{a}{b}" for a in ("Ash", "Bel", "Cal", "Dor") for b in suffixes]
    df = pd.DataFrame(
        {"doctor": rng.choice(doctors, n), "county_seat": rng.choice(counties, n), "x": rng.normal(size=n)}
    )
    assert len(set(df["county_seat"])) > 50  # a long list of capitalised single words, but each on ~35 rows
    assert detect_identifiers(df.rename(columns={"county_seat": "c"})) == ()  # a category (before: last_name)


def test_times_of_day_are_data_not_ip_addresses():
    rng = np.random.default_rng(5)
    secs = rng.integers(0, 86_400, 900)
    df = pd.DataFrame(
        {
            "t_hms": [f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in secs],
            "t_hm": [f"{s // 3600:02d}:{s % 3600 // 60:02d}" for s in secs],
            "t_frac": [f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}.{s % 97:02d}" for s in secs],
            "t_ampm": [f"{s // 3600 % 12 + 1}:{s % 3600 // 60:02d} {'am' if s < 43_200 else 'pm'}" for s in secs],
            "ipv6": [":".join(f"{x:x}" for x in rng.integers(0, 2**16, 8)) for _ in secs],
            "ipv6_short": [f"fe80::{rng.integers(1, 2**16):x}:{rng.integers(1, 2**16):x}" for _ in secs],
        }
    )
    roles = {r.column: r.kind for r in detect_identifiers(df)}
    assert roles == {"ipv6": "ip_address", "ipv6_short": "ip_address"}


def test_iso_timestamps_are_dates_not_record_ids():
    rng = np.random.default_rng(6)
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**8, 700), unit="s")
    df = pd.DataFrame(
        {
            "z": [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in stamps],  # "2024-02-19T13:04:08Z"
            "frac_offset": [t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "+01:00" for t in stamps],
            "space_ms": [t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] for t in stamps],
            "us_clock": [f"{t.month}/{t.day}/{t.strftime('%y')} {t.hour}:{t.minute:02d}" for t in stamps],
            "month_name": [t.strftime("%d %b %Y") for t in stamps],
            "born": [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in stamps],
        }
    )
    roles = {r.column: (r.role, r.kind) for r in detect_identifiers(df)}
    expected = {c: ("quasi", "date") for c in df.columns}
    expected["born"] = ("quasi", "date_of_birth")
    assert roles == expected


STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR "
    "PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
COUNTIES = (
    "Los Angeles|Cook|Harris|Maricopa|San Diego|Orange|Miami-Dade|Dallas|Kings|Riverside|Jefferson|Washington|"
    "Franklin|Jackson|Monroe|Madison|Clay|Lincoln|Marion|Wayne|Hamilton|Polk|Greene|Warren|Montgomery|Union|Lake|"
    "Douglas|Marshall|Grant|Carroll|Johnson|Shelby|Clark|Lee|Boone|Adams|Calhoun|Morgan|Putnam"
).split("|")


def test_state_region_and_county_columns_are_not_names():
    rng = np.random.default_rng(7)
    regions = [f"{c}-{r}" for c, rs in {"US": STATES[:12], "GB": ["ENG", "SCT", "WLS", "NIR"]}.items() for r in rs]
    regions += ["DE-BY", "FR-IDF", "NL-NH", "ES-MD", "AU-NSW", "CA-ON"]
    n = 1500
    df = pd.DataFrame(
        {
            "state": rng.choice(STATES, n),
            "st": rng.choice(STATES, n),  # the name says nothing useful
            "iso_region": rng.choice(regions, n),
            "county": rng.choice(COUNTIES, n),
            "county_name": rng.choice([f"{c} County" for c in COUNTIES] + ["Orleans Parish", "Nome Census Area"], n),
            "y": rng.normal(size=n),
        }
    )
    assert detect_identifiers(df) == ()
    # one row per state, county or region: every value distinct, still not a name or a record id
    one_each = pd.DataFrame({"state": STATES, "county": COUNTIES + COUNTIES[:10], "code": (regions * 3)[:50]})
    assert detect_identifiers(one_each) == ()
    assert detect_identifiers(pd.DataFrame({"c": [f"{c} County" for c in COUNTIES]})) == ()


def test_numbers_stored_as_text_are_not_record_ids():
    rng = np.random.default_rng(8)
    n = 900
    dose = np.array([f"{x:.3f}" for x in rng.gamma(2.0, 3.0, n)], dtype=object)
    dose[rng.random(n) < 0.1] = "."  # SAS / Stata's missing value
    count = np.array([str(x) for x in rng.integers(0, 100_000, n)], dtype=object)
    count[rng.random(n) < 0.1] = ""
    df = pd.DataFrame(
        {
            "dose": dose,  # "6.745"
            "count": count,
            "amount": [f"{x:,.2f}" for x in rng.gamma(2.0, 2_000.0, n)],  # "1,234.56"
            "share": [f"{x:.1f}%" for x in rng.uniform(0, 100, n)],
            "tiny": [f"{x:.3e}" for x in rng.uniform(0, 1e-3, n)],
        }
    )
    assert df["dose"][df["dose"] != "."].nunique() / (df["dose"] != ".").sum() > 0.9  # near-unique, like an id
    assert detect_identifiers(df) == ()
    # read as numbers, the id rules still apply: a running number, or a named id
    df["row"] = [str(i) for i in range(1, n + 1)]
    df["patient_id"] = [str(x) for x in rng.permutation(n) + 1]
    df["code"] = [f"{x:06d}" for x in rng.permutation(n) * 7]  # "000693": zero-padded, a code (rule 15)
    roles = {r.column: r.kind for r in detect_identifiers(df)}
    assert roles == {"row": "record_id", "patient_id": "record_id", "code": "record_id"}


def test_a_fit_keeps_ordinary_columns_as_data():
    """Times, timestamps, states and numbers-as-text reach the generator: none is faked into nonsense."""
    rng = np.random.default_rng(9)
    n = 600
    secs = rng.integers(0, 86_400, n)
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s")
    df = pd.DataFrame(
        {
            "time": [f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in secs],
            "stamp": [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in stamps],
            "state": rng.choice(STATES, n),
            "dose": [f"{x:.3f}" for x in rng.gamma(2.0, 3.0, n)],
        }
    )
    run = synthnb.fit(df, model="cart", seed=0)
    assert [r for r in run.identifiers if r.role == "direct"] == []
    assert set(run.synthetic["state"]) <= set(STATES)
    assert run.synthetic["time"].astype(str).str.fullmatch(r"\d\d:\d\d:\d\d").all()


def test_year_and_no_columns_of_time_series_are_data():
    n = 100
    df = pd.DataFrame(
        {
            "year": np.arange(1871, 1871 + n),  # a time series' clock, in row order
            "YEAR": np.arange(1700.0, 1700.0 + n),
            "smoking_no_cancer_no": np.arange(n) * 3 + 7,  # "no" is not "number" here ... but it runs in order
            "volume": np.random.default_rng(1).normal(1000, 100, n),
        }
    )
    roles = {r.column: r.kind for r in detect_identifiers(df)}
    assert roles == {"smoking_no_cancer_no": "record_id"}  # a running number stays an id (rule 1)
    shuffled = df.assign(smoking_no_cancer_no=np.random.default_rng(2).permutation(n))
    assert detect_identifiers(shuffled) == ()  # not by its name (rule 2: "no" only as the last word, once)
    assert {
        r.column for r in detect_identifiers(pd.DataFrame({"case_no": np.random.default_rng(3).permutation(n)}))
    } == {"case_no"}


# --- identifiers=: the user declares a column a direct identifier ----------------------------------------


def staff_table(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """Shifts of a ward: a staff code the detector cannot know (few values, like a category), short notes, data."""
    rng = np.random.default_rng(seed)
    staff = [f"N{rng.integers(10, 99)}" for _ in range(12)]
    return pd.DataFrame(
        {
            "staff": rng.choice(staff, n),
            "badge": rng.integers(1000, 1100, n),  # numbers with repeats: data to the detector
            "note": rng.choice(["late", "swap with J", "sick", "training", "ok"], n),
            "contact": [f"{_word(rng, 2).lower()}{i}@ward.example.org" for i in range(n)],
            "hours": rng.normal(8, 1.5, n).round(2),
            "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
            "night": rng.random(n) < 0.3,
        }
    )


def test_declared_identifiers_are_replaced_and_recorded():
    df = staff_table()
    before = frame_hash(df)
    assert {r.column for r in detect_identifiers(df) if r.role == "direct"} == {"contact"}  # staff is missed
    run = synthnb.fit(df, model="cart", seed=1, identifiers=["staff", "badge", "contact"])
    assert frame_hash(df) == before
    roles = {r.column: r for r in run.identifiers}
    assert (roles["staff"].kind, roles["staff"].action) == ("record_id", "replace")
    assert (roles["badge"].kind, roles["badge"].action) == ("record_id", "replace")
    assert roles["contact"].kind == "email"  # declared and detected: the detected kind is kept
    for col in ("staff", "badge", "contact"):
        assert roles[col].reason.startswith("declared by the user"), roles[col].reason
    assert "the detector agrees" in roles["contact"].reason
    syn = run.synthetic
    assert list(syn.columns) == list(df.columns) and (syn.dtypes == df.dtypes).all()
    assert not syn["staff"].isin(set(df["staff"])).any()
    assert syn["staff"].str.fullmatch(r"N\d\d").all()  # same format: the shared N stays, digits are redrawn
    assert syn["staff"].nunique() <= df["staff"].nunique()  # a repeated code stays repeated
    assert syn["badge"].min() > df["badge"].max()  # integer ids continue past the real maximum
    assert run.spec.identifiers == ("staff", "badge", "contact")
    assert run.spec.to_dict()["identifiers"] == ["staff", "badge", "contact"]
    assert "identifiers" not in synthnb.fit(df, model="cart", seed=1, rows=20).spec.to_dict()  # absent unless declared


def test_a_declared_free_text_column_is_dropped():
    df = incident_table(n=300, share=0.0)
    df["summary"] = df["narrative"]
    run = synthnb.fit(df.drop(columns="narrative"), model="cart", seed=0, identifiers="summary,ward")
    roles = {r.column: r for r in run.identifiers}
    assert (roles["summary"].kind, roles["summary"].action) == ("free_text", "drop")
    assert "summary" not in run.synthetic.columns
    assert not run.synthetic["ward"].isin(set(df["ward"])).any()


def test_declaring_a_wrong_column_is_an_error():
    df = staff_table(n=100)
    with pytest.raises(SynthnbError, match=r"identifiers column 'staf' is not in the table\. Did you mean 'staff'"):
        synthnb.fit(df, model="cart", identifiers=["staf"])
    with pytest.raises(SynthnbError, match="'contact' is in both keep= and identifiers="):
        synthnb.fit(df, model="cart", identifiers=["contact"], keep=["contact"])
    with pytest.raises(SynthnbError, match=r"'when' holds dates.*df\.drop\(columns=\['when'\]\)"):
        synthnb.fit(df, model="cart", identifiers=["when"])
    with pytest.raises(SynthnbError, match="'night' holds true/false values"):
        synthnb.fit(df, model="cart", identifiers=["night"])
    with pytest.raises(SynthnbError, match="identifiers column 'nope' is not in the table"):
        detect_identifiers(df, identifiers=["nope"])


def test_the_provenance_cell_recreates_a_fit_with_declared_identifiers():
    from synthnb.fingerprint import frame_digest
    from synthnb.provenance.cell import provenance_cell_source
    from synthnb.provenance.record import provenance_record

    df = staff_table(n=200)
    run = synthnb.fit(df, model="cart", seed=3, identifiers=["staff"])
    rec = provenance_record(run, "shifts_syn", "shifts")
    assert rec["generator"]["identifiers"] == ["staff"]
    assert {r["column"]: r["action"] for r in rec["identifiers"]}["staff"] == "replace"
    json.dumps(rec)
    cell = provenance_cell_source(run, "shifts_syn", "shifts")
    assert "identifiers=['staff']," in cell
    namespace = {"shifts": df}
    exec(cell, namespace)
    assert frame_digest(namespace["shifts_syn"]) == run.synthetic_sha256
    # without the declaration the same recipe gives other bytes: the cell must carry it
    assert synthnb.fit(df, model="cart", seed=3).synthetic_sha256 != run.synthetic_sha256


def test_the_fit_magic_takes_identifier_columns(ip):
    from IPython.utils.capture import capture_output

    ip.user_ns["shifts"] = staff_table(n=150)
    with capture_output():
        assert ip.run_cell(
            "%synth fit shifts --model cart --identifier staff --identifier badge,note --no-report"
        ).success
    run = ip.magics_manager.registry["SynthMagics"].runs["shifts_syn"]
    assert run.spec.identifiers == ("staff", "badge", "note")
    assert {r.column for r in run.identifiers if r.reason.startswith("declared")} == {"staff", "badge", "note"}
    with capture_output() as cap:
        ip.run_cell("%synth fit shifts --model cart --identifier stafff --no-report")
    shown = cap.stdout + cap.stderr + "".join(o.data.get("text/plain", "") for o in cap.outputs)
    assert "identifiers column 'stafff' is not in the table. Did you mean 'staff'" in shown


# --- real tables that ship inside installed packages: nothing ordinary is misread -------------------------


def _real_tables():
    """Tables bundled with vega_datasets, statsmodels, palmerpenguins and scikit-learn (no download)."""
    import palmerpenguins
    import statsmodels.datasets as smd
    from sklearn import datasets as skd
    from vega_datasets import local_data

    yield "vega.la-riots", local_data.la_riots()
    for name in ("airports", "cars", "driving", "wheat", "seattle_weather", "stocks", "barley", "us_employment"):
        yield f"vega.{name}", getattr(local_data, name)()
    for name in ("fertility", "grunfeld", "statecrime", "cpunish", "nile", "sunspots", "elnino", "china_smoking"):
        yield f"sm.{name}", getattr(smd, name).load_pandas().data
    for name in ("anes96", "fair", "randhie", "star98", "modechoice", "copper", "macrodata"):
        yield f"sm.{name}", getattr(smd, name).load_pandas().data
    yield "penguins", palmerpenguins.load_penguins()
    yield "penguins_raw", palmerpenguins.load_penguins_raw()
    for loader in ("load_iris", "load_wine", "load_breast_cancer", "load_diabetes"):
        yield f"sk.{loader}", getattr(skd, loader)(as_frame=True).frame


#: the only direct identifiers in those tables (a steward's reading): the dead of the 1992 riots, penguins' ids
REAL_DIRECT = {
    "vega.la-riots": {"first_name": "first_name", "last_name": "last_name", "address": "address"},
    "penguins_raw": {"Individual ID": "record_id", "Comments": "free_text"},
}


def test_real_bundled_tables_are_read_as_a_steward_reads_them():
    pytest.importorskip("statsmodels")
    pytest.importorskip("vega_datasets")
    pytest.importorskip("palmerpenguins")
    seen = 0
    for name, df in _real_tables():
        roles = detect_identifiers(df)
        direct = {str(r.column): r.kind for r in roles if r.role == "direct"}
        assert direct == REAL_DIRECT.get(name, {}), (name, direct)
        seen += 1
    assert seen == 30
    tables = dict(_real_tables())
    airports = {r.column: r.kind for r in detect_identifiers(tables["vega.airports"])}
    assert airports == {"city": "demographic", "country": "demographic"}  # state codes: data; names: no names
    fertility = {r.column: r.kind for r in detect_identifiers(tables["sm.fertility"])}
    assert fertility == {"Country Name": "demographic", "Country Code": "demographic"}
    # time series: the running year is data, not a record id (it was one before issue 19)
    for name in ("sm.nile", "sm.sunspots", "sm.elnino", "vega.driving", "vega.wheat"):
        assert detect_identifiers(tables[name]) == (), name
