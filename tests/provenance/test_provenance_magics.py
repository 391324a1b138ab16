"""``%synth datasheet``, ``%synth export`` and ``%synth verify`` through a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.utils.capture import capture_output

from synthnb import SynthnbError
from synthnb.notebook._cells import PAYLOAD_MIME
from synthnb.provenance.datasheet import PLACEHOLDER


@pytest.fixture
def shell(ip, source):
    # without fnlwgt: on 300 rows the copula's clipping at the real minimum reuses its values above the export
    # gate's 1-point margin (tests/provenance/test_gate.py covers the gate)
    ip.user_ns["adult"] = source.head(600).drop(columns="fnlwgt")
    with capture_output():
        assert ip.run_cell("%synth fit adult --rows 300 --seed 2 --as adult_syn --no-report").success
    return ip


def _sheet(outputs) -> str:
    """The datasheet text of the folded output ``%synth datasheet`` shows (its keyed-cell payload)."""
    (text,) = [o.metadata[PAYLOAD_MIME]["source"] for o in outputs if PAYLOAD_MIME in (o.metadata or {})]
    return text


def test_datasheet_is_one_line_and_the_text_folded(shell):
    with capture_output() as cap:
        assert shell.run_cell("%synth datasheet adult_syn").success
    plain = [o.data["text/plain"] for o in cap.outputs if "Re-rendered" in o.data.get("text/plain", "")]
    assert plain == [
        "Re-rendered the datasheet of adult_syn (no evaluation yet: figures pending), keeping your answers in its "
        "cell: it is the Markdown cell at the end of the notebook, and folded below."
    ]
    folded = [o.data["text/markdown"] for o in cap.outputs if "text/markdown" in o.data]
    assert len(folded) == 1 and folded[0].startswith("<details><summary>synthnb · datasheet:adult_syn")
    text = _sheet(cap.outputs)
    assert text.startswith("# Datasheet") and text in folded[0]
    assert "**This dataset is synthetic.** Its 300 rows were generated" in text
    assert "_Figures pending_" in text


def test_datasheet_from_an_edited_file_keeps_the_answers(shell, tmp_path):
    with capture_output() as cap:
        shell.run_cell("%synth datasheet adult_syn")
    text = _sheet(cap.outputs)
    path = tmp_path / "sheet.md"
    path.write_text(
        text.replace(
            f"<!-- synthnb:prompt contact -->\n{PLACEHOLDER}", "<!-- synthnb:prompt contact -->\nAda, ada@example.org"
        )
    )
    with capture_output() as cap:
        assert shell.run_cell(f"%synth datasheet adult_syn --from {path}").success
    again = _sheet(cap.outputs)
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
