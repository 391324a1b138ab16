"""``%synth datasheet``, ``%synth export`` and ``%synth verify`` through a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.utils.capture import capture_output

from synthnb import SynthnbError
from synthnb.provenance.datasheet import PLACEHOLDER


@pytest.fixture
def shell(ip, source):
    # without fnlwgt: on 300 rows the copula's clipping at the real minimum reuses its values above the export
    # gate's 1-point margin (tests/provenance/test_gate.py covers the gate)
    ip.user_ns["adult"] = source.head(600).drop(columns="fnlwgt")
    with capture_output():
        assert ip.run_cell("%synth fit adult --rows 300 --seed 2 --as adult_syn --no-report").success
    return ip


def test_datasheet_is_shown_as_markdown(shell):
    with capture_output() as cap:
        assert shell.run_cell("%synth datasheet adult_syn").success
    md = [o.data["text/markdown"] for o in cap.outputs if o.data.get("text/markdown", "").startswith("# Datasheet")]
    assert len(md) == 1
    assert "**This dataset is synthetic.** Its 300 rows were generated" in md[0]
    assert "_Figures pending_" in md[0]


def test_datasheet_from_an_edited_file_keeps_the_answers(shell, tmp_path):
    with capture_output() as cap:
        shell.run_cell("%synth datasheet adult_syn")
    text = next(o.data["text/markdown"] for o in cap.outputs if "text/markdown" in o.data)
    path = tmp_path / "sheet.md"
    path.write_text(
        text.replace(
            f"<!-- synthnb:prompt contact -->\n{PLACEHOLDER}", "<!-- synthnb:prompt contact -->\nAda, ada@example.org"
        )
    )
    with capture_output() as cap:
        assert shell.run_cell(f"%synth datasheet adult_syn --from {path}").success
    again = next(o.data["text/markdown"] for o in cap.outputs if "text/markdown" in o.data)
    assert "Ada, ada@example.org" in again and again.count(PLACEHOLDER) == 5


def test_export_then_verify_then_tamper(shell, tmp_path):
    out = tmp_path / "export"
    with capture_output() as cap:
        assert shell.run_cell(f"%synth export adult_syn --to {out}").success
    assert "Exported 7 files" in cap.stdout and "synthnb verify" in cap.stdout
    result = shell.run_line_magic("synth", f"verify {out}")
    assert result.ok and "Integrity only" in result.message
    data = bytearray((out / "adult_syn.parquet").read_bytes())
    data[-20] ^= 0xFF
    (out / "adult_syn.parquet").write_bytes(bytes(data))
    result = shell.run_line_magic("synth", f"verify {out}")
    assert not result and result.changed == ("adult_syn.parquet",)
    with capture_output() as cap:
        shell.run_cell(f"%synth verify {out}", store_history=True)
    assert "FAILED" in cap.stdout and "changed: adult_syn.parquet" in cap.stdout
    with capture_output():
        assert not shell.run_cell(f"%synth export adult_syn --to {out}").success  # refuses to overwrite
        assert shell.run_cell(f"%synth export adult_syn --to {out} --force").success
    assert shell.run_line_magic("synth", f"verify {out}").ok


@pytest.mark.parametrize(
    "line,needle",
    [
        ("datasheet nope", "'nope' is not a synthetic table made by %synth fit"),
        ("export nope --to x", "'nope' is not a synthetic table made by %synth fit"),
        ("export adult_syn", "the following arguments are required: --to"),
        ("verify /no/such/folder", "is not a folder"),
        ("datasheet adult_syn --from /no/such.md", "cannot read the datasheet"),
    ],
)
def test_mistakes_name_the_fix(shell, line, needle):
    with pytest.raises(SynthnbError, match=needle.replace("(", r"\(")):
        shell.run_line_magic("synth", line)
