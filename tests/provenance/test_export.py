"""Exports that prove what they are: every file marked synthetic, described, and covered by a signed manifest."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import subprocess
import sys

import pandas as pd
import pytest

import synthnb
from synthnb import SynthnbError
from synthnb.fingerprint import frame_digest
from synthnb.provenance.export import export_file_names
from synthnb.provenance.manifest import manifest_bytes
from synthnb.provenance.verify import verify

FILES = export_file_names("adult_syn")


@pytest.fixture
def exported(run, tmp_path):
    return synthnb.export(run, tmp_path / "out", name="adult_syn")


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def flip_one_byte(path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_writes_every_file_and_verifies_ok(exported, tmp_path):
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert list(exported.files) == FILES
    for name, digest in exported.files.items():
        assert sha(out / name) == digest
    result = synthnb.verify(out)
    assert result.ok and bool(result) and result.trusted is None
    assert result.checked == tuple(sorted(FILES[:-1]))
    # export and verify count the same files: the six the manifest lists, plus the manifest itself
    assert "OK: all 7 files" in result.message and "the 6 files listed in the signed manifest" in result.message
    assert exported.message.startswith("Exported 7 files to ") and "(6 listed in the signed manifest" in (
        exported.message
    )
    assert "Integrity only" in result.message and "anyone can re-sign" in result.message


def test_trusted_key_by_fingerprint_public_key_or_file(exported, tmp_path, key_dir):
    out = tmp_path / "out"
    doc = json.loads((out / "manifest.json").read_text())
    raw = base64.b64decode(doc["publicKey"]["raw"])
    assert exported.key_fingerprint == doc["publicKey"]["fingerprint"] == "sha256:" + hashlib.sha256(raw).hexdigest()
    for key in (exported.key_fingerprint, exported.key_fingerprint.removeprefix("sha256:"), doc["publicKey"]["raw"]):
        result = verify(out, key=key)
        assert result.ok and result.trusted, result.message
        assert f"Signed by the trusted key {exported.key_fingerprint}" in result.message
    keyfile = tmp_path / "publisher.txt"
    keyfile.write_text(exported.key_fingerprint + "\n")
    assert verify(out, key=str(keyfile)).ok


def test_wrong_trusted_key_fails(exported, tmp_path):
    other = "sha256:" + "ab" * 32
    result = verify(tmp_path / "out", key=other)
    assert not result.ok and result.trusted is False
    assert f"does not match the trusted key {other}" in result.message
    assert result.changed == result.missing == result.extra == ()
    with pytest.raises(SynthnbError, match="neither a key fingerprint"):
        verify(tmp_path / "out", key="not-a-key")


@pytest.mark.parametrize("name", FILES)
def test_one_changed_byte_in_any_file_is_named(exported, tmp_path, name):
    out = tmp_path / "out"
    flip_one_byte(out / name)
    result = verify(out, key=exported.key_fingerprint)
    assert not result.ok
    assert name in result.changed
    assert result.changed == (name,)  # and nothing else is blamed
    assert f"changed: {name}" in result.message


@pytest.mark.parametrize("name", FILES)
def test_a_missing_file_is_named(exported, tmp_path, name):
    out = tmp_path / "out"
    (out / name).unlink()
    result = verify(out)
    assert not result.ok and result.missing == (name,)
    assert f"missing: {name}" in result.message


def test_an_added_file_is_named(exported, tmp_path):
    out = tmp_path / "out"
    (out / "notes").mkdir()
    (out / "notes" / "extra.txt").write_text("hello")
    result = verify(out)
    assert not result.ok and result.extra == ("notes/extra.txt",)
    assert "extra: notes/extra.txt (in the folder, not listed in the manifest)" in result.message


def test_a_manifest_edited_and_rewritten_in_canonical_form_is_caught(exported, tmp_path):
    out = tmp_path / "out"
    flip_one_byte(out / "adult_syn.csv")
    doc = json.loads((out / "manifest.json").read_text())
    for subject in doc["statement"]["subject"]:
        if subject["name"] == "adult_syn.csv":
            subject["digest"]["sha256"] = sha(out / "adult_syn.csv")
    (out / "manifest.json").write_bytes(manifest_bytes(doc))
    result = verify(out)
    assert not result.ok
    assert "its readable part no longer matches what was signed" in result.message
    assert result.changed == ("adult_syn.csv", "manifest.json")


def test_resigning_with_another_key_passes_integrity_but_not_trust(exported, tmp_path, run, monkeypatch):
    """What a signature proves without a trusted key: only that nothing changed since *someone* signed."""
    out = tmp_path / "out"
    monkeypatch.setenv("SYNTHNB_KEY_DIR", str(tmp_path / "mallory"))
    forged = synthnb.export(
        run, out, name="adult_syn", overwrite=True, data=run.synthetic.head(10), synthetic_mask=[True] * 10
    )
    assert forged.key_fingerprint != exported.key_fingerprint
    assert verify(out).ok  # integrity only: a re-signed forgery is self-consistent
    result = verify(out, key=exported.key_fingerprint)
    assert not result.ok and f"signed by {forged.key_fingerprint}" in result.message


def test_verify_refuses_a_folder_that_is_not_there(tmp_path):
    with pytest.raises(SynthnbError, match="is not a folder"):
        verify(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    result = verify(tmp_path / "empty")
    assert not result.ok and result.missing == ("manifest.json",)


def test_signing_key_is_private_and_reused(exported, run, key_dir, tmp_path):
    keyfile = key_dir / "signing-key.pem"
    assert stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600
    again = synthnb.export(run, tmp_path / "second", name="adult_syn")
    assert again.key_fingerprint == exported.key_fingerprint
    assert b"PRIVATE KEY" not in b"".join((tmp_path / "second" / f).read_bytes() for f in FILES)


def test_data_files_are_marked_synthetic(exported, run, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    assert sha(out / "adult_syn.csv") == run.synthetic_sha256  # the digest the provenance cell checks
    pd.testing.assert_frame_equal(pd.read_csv(out / "adult_syn.csv"), run.synthetic)
    meta = pq.read_schema(out / "adult_syn.parquet").metadata
    assert meta[b"synthetic"] == b"true"
    marker = json.loads(meta[b"synthnb"])
    assert marker["synthetic"] is True and marker["synthetic_rows"] == 2000 and marker["real_rows"] == 0
    assert marker["source_sha256"] == run.source["sha256"] and marker["seed"] == 3
    from_parquet = pd.read_parquet(out / "adult_syn.parquet")
    assert frame_digest(from_parquet) == run.synthetic_sha256 and from_parquet.dtypes.equals(run.synthetic.dtypes)
    sidecar = json.loads((out / "adult_syn.csv-metadata.json").read_text())
    assert sidecar["url"] == "adult_syn.csv" and sidecar["notes"][0]["synthnb"]["synthetic"] is True
    assert sidecar["dc:description"].startswith("SYNTHETIC: 2,000 of 2,000 rows were generated")
    assert [c["name"] for c in sidecar["tableSchema"]["columns"]] == list(run.synthetic.columns)


def test_manifest_essentials(exported, run, tmp_path):
    doc = json.loads((tmp_path / "out" / "manifest.json").read_text())
    statement = doc["statement"]
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert doc["envelope"]["payloadType"] == "application/vnd.in-toto+json"
    assert json.loads(base64.b64decode(doc["envelope"]["payload"])) == statement
    pred = statement["predicate"]
    assert pred["synthetic"] is True and pred["rows"] == {"total": 2000, "synthetic": 2000, "real": 0}
    assert pred["generator"]["model"] == "gaussian_copula" and pred["generator"]["seed"] == 3
    assert pred["source"]["sha256"] == run.source["sha256"] and pred["created"] == run.created
    assert pred["signingKey"] == exported.key_fingerprint
    assert {s["name"]: s["digest"]["sha256"] for s in statement["subject"]} == {
        k: v for k, v in exported.files.items() if k != "manifest.json"
    }


def test_croissant_loads_in_mlcroissant_with_rai_fields(exported, run, tmp_path):
    import mlcroissant as mlc

    out = tmp_path / "out"
    dataset = mlc.Dataset(jsonld=out / "croissant.json")
    meta = dataset.metadata
    assert not meta.ctx.issues.errors
    assert meta.data_collection.startswith("Generated, not collected")
    assert meta.data_biases and meta.data_limitations and meta.data_use_cases
    assert any("privacy figures are pending" in s for s in meta.personal_sensitive_information)
    assert {f.name: f.sha256 for f in meta.file_objects} == {
        "adult_syn.csv": sha(out / "adult_syn.csv"),
        "adult_syn.parquet": sha(out / "adult_syn.parquet"),
    }
    records = list(dataset.records(record_set="adult_syn"))
    assert len(records) == len(run.synthetic)
    first = {k.split("/", 1)[1]: (v.decode() if isinstance(v, bytes) else v) for k, v in records[0].items()}
    expected = run.synthetic.iloc[0].to_dict()
    assert first == {k: (None if pd.isna(v) else v) for k, v in expected.items()}


def test_prov_json_parses_and_holds_only_the_fingerprint(exported, run, tmp_path):
    from prov.model import ProvDocument

    text = (tmp_path / "out" / "prov.json").read_text()
    doc = ProvDocument.deserialize(content=text, format="json")
    kinds = {type(r).__name__ for r in doc.get_records()}
    assert {
        "ProvEntity",
        "ProvActivity",
        "ProvAgent",
        "ProvDerivation",
        "ProvAssociation",
        "ProvUsage",
        "ProvGeneration",
    } <= kinds
    by_id = {str(r.identifier): r for r in doc.get_records() if r.identifier is not None}
    source = next(r for i, r in by_id.items() if "source/" in i)
    attrs = {str(k): v for k, v in source.attributes}
    assert attrs["synthnb:sha256"] == run.source["sha256"] and int(attrs["synthnb:rows"]) == 2000
    derived = [r for r in doc.get_records() if type(r).__name__ == "ProvDerivation"]
    assert len(derived) == 1 and str(derived[0].args[1]) == str(source.identifier)
    agent = next(r for r in doc.get_records() if type(r).__name__ == "ProvAgent")
    assert "prov:SoftwareAgent" in {str(v) for _, v in agent.attributes}
    plan = next(r for i, r in by_id.items() if "plan/" in i)
    assert int({str(k): v for k, v in plan.attributes}["synthnb:seed"]) == 3
    # no real value leaks: a real-only category combination never appears, nor any real row's fnlwgt
    real_only = set(run.real["fnlwgt"].astype(str)) - set(run.synthetic["fnlwgt"].astype(str))
    assert not any(f'"{v}"' in text for v in real_only)


def test_export_of_real_and_synthetic_rows_counts_both(run, tmp_path):
    mixed = pd.concat([run.real.head(10), run.synthetic.head(90)], ignore_index=True)
    mask = [False] * 10 + [True] * 90
    # without a mask every row is checked as synthetic: the real rows are exact copies, and the gate says how to
    # mark them
    with pytest.raises(SynthnbError, match="without synthetic_mask"):
        synthnb.export(run, tmp_path / "m", name="mixed", data=mixed)
    synthnb.export(run, tmp_path / "m", name="mixed", data=mixed, synthetic_mask=mask)
    doc = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert doc["statement"]["predicate"]["rows"] == {"total": 100, "synthetic": 90, "real": 10}
    sheet = (tmp_path / "m" / "datasheet.md").read_text()
    assert "**This dataset is partly synthetic.** 90 of its 100 rows were generated" in sheet
    assert "other 10 rows are REAL rows" in sheet
    assert verify(tmp_path / "m").ok


def test_a_hand_edited_datasheet_flows_into_the_export(run, tmp_path):
    from synthnb.provenance.datasheet import PLACEHOLDER, render_datasheet

    text = render_datasheet(run, "adult_syn")
    text = text.replace(f"<!-- synthnb:prompt licence -->\n{PLACEHOLDER}", "<!-- synthnb:prompt licence -->\nCC BY 4.0")
    text = text.replace(
        f"<!-- synthnb:prompt intended_uses -->\n{PLACEHOLDER}", "<!-- synthnb:prompt intended_uses -->\nTeaching."
    )
    result = synthnb.export(run, tmp_path / "e", name="adult_syn", datasheet=text)
    assert set(result.unanswered) == {"purpose", "consent", "prohibited_uses", "contact"}
    croissant = json.loads((tmp_path / "e" / "croissant.json").read_text())
    assert croissant["license"] == "CC BY 4.0" and croissant["rai:dataUseCases"] == ["Teaching."]
    assert "CC BY 4.0" in (tmp_path / "e" / "datasheet.md").read_text()


def test_export_refuses_a_folder_with_other_files(run, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.docx").write_text("x")
    with pytest.raises(SynthnbError, match="needs a folder of its own"):
        synthnb.export(run, tmp_path / "busy", name="adult_syn")
    synthnb.export(run, tmp_path / "again", name="adult_syn")
    other = run.synthetic.iloc[::-1].reset_index(drop=True)  # another table (same rows, another order)
    with pytest.raises(SynthnbError, match=r"another export .*--force \(overwrite=True\)"):
        synthnb.export(run, tmp_path / "again", name="adult_syn", data=other)
    assert synthnb.export(run, tmp_path / "again", name="adult_syn", data=other, overwrite=True).files


def test_exporting_the_same_table_again_is_a_verified_no_op(run, source, tmp_path):
    """Run All twice: the second export of the same table into the same folder writes nothing and says so."""
    out = tmp_path / "same"
    first = synthnb.export(run, out, name="adult_syn")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = synthnb.fit(source, model="gaussian_copula", seed=3, sensitive="sex,race", target="income")
    second = synthnb.export(again, out, name="adult_syn")  # a refit with the same seed: the same bytes
    assert second.unchanged and not first.unchanged
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert second.files == first.files
    assert "Already exported" in second.message and "nothing was written" in second.message
    assert synthnb.verify(out).ok
    # a different seed is another table: refused without overwrite, even under the same name
    other = synthnb.fit(source, model="gaussian_copula", seed=4, sensitive="sex,race", target="income")
    with pytest.raises(SynthnbError, match="another export"):
        synthnb.export(other, out, name="adult_syn")
    # a tampered folder is never taken for the same export
    data = bytearray((out / "adult_syn.csv").read_bytes())
    data[-5] ^= 0x01
    (out / "adult_syn.csv").write_bytes(bytes(data))
    with pytest.raises(SynthnbError, match="another export"):
        synthnb.export(run, out, name="adult_syn")


def test_cli_exit_codes_and_messages(exported, tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ)

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "synthnb.cli", "verify", str(out), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    ok = cli("--key", exported.key_fingerprint)
    assert ok.returncode == 0 and "OK: all 7 files" in ok.stdout
    wrong = cli("--key", "sha256:" + "cd" * 32)
    assert wrong.returncode == 1 and "does not match the trusted key" in wrong.stderr
    flip_one_byte(out / "prov.json")
    bad = cli()
    assert bad.returncode == 1 and "changed: prov.json" in bad.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "synthnb.cli", "verify", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2 and "is not a folder" in missing.stderr


def test_a_forged_manifest_cannot_point_outside_the_folder(exported, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from synthnb.provenance.manifest import signed_manifest

    out = tmp_path / "out"
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    doc = json.loads((out / "manifest.json").read_text())
    statement = doc["statement"]
    statement["subject"].append({"name": "../secret.txt", "digest": {"sha256": sha(secret)}})
    (out / "manifest.json").write_bytes(manifest_bytes(signed_manifest(statement, Ed25519PrivateKey.generate())))
    result = verify(out)
    assert not result.ok and "'../secret.txt', a path outside the export folder" in result.message


def test_the_run_keeps_its_own_table_and_export_writes_what_the_name_holds(ip, source, tmp_path):
    from IPython.utils.capture import capture_output

    # without fnlwgt: on 300 rows the copula's clipping at the real minimum reuses it above the 1-point margin
    ip.user_ns["adult"] = source.head(600).drop(columns="fnlwgt")
    with capture_output():
        assert ip.run_cell("%synth fit adult --rows 300 --seed 2 --as adult_syn --no-report").success
    run = ip.magics_manager.registry["SynthMagics"].runs["adult_syn"]
    assert ip.user_ns["adult_syn"] is not run.synthetic
    with capture_output():
        assert ip.run_cell('adult_syn.loc[0, "age"] = 99').success
    edited = ip.user_ns["adult_syn"]
    assert frame_digest(run.synthetic) == run.synthetic_sha256 != frame_digest(edited)  # the Run is untouched
    out = tmp_path / "x"
    with capture_output() as cap:
        assert ip.run_cell(f"%synth export adult_syn --to {out}").success
    assert "Exported 7 files" in cap.stdout
    assert sha(out / "adult_syn.csv") == frame_digest(edited)
    pred = json.loads((out / "manifest.json").read_text())["statement"]["predicate"]
    assert pred["derivedFrom"]["sha256"] == run.synthetic_sha256 and pred["tableSha256"] == frame_digest(edited)
    result = ip.run_line_magic("synth", f"verify {out}")
    assert result.ok and "edited after generation" in result.message
    ip.user_ns["adult_syn"] = pd.concat([run.train.head(30), edited.iloc[30:]], ignore_index=True)
    with pytest.raises(SynthnbError, match="exact copies"):
        ip.run_line_magic("synth", f"export adult_syn --to {tmp_path / 'y'}")
    with capture_output() as cap:
        assert ip.run_cell(f'%synth export adult_syn --to {tmp_path / "y"} --allow-risk "teaching only"').success
    assert "Exported DESPITE the export gate" in cap.stdout
    assert "Reason given: 'teaching only'" in ip.run_line_magic("synth", f"verify {tmp_path / 'y'}").message
    ip.user_ns["adult_syn"] = 3
    with pytest.raises(SynthnbError, match="adult_syn holds an object of type int, not a table"):
        ip.run_line_magic("synth", f"export adult_syn --to {tmp_path / 'z'}")
