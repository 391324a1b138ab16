"""The keyed-cell request, its digest and its always-shown output bundle."""

from __future__ import annotations

import hashlib
import json

import pytest

from synthnb.notebook import PAYLOAD_MIME, CellRequest, cell_digest
from synthnb.notebook._bundle import cell_bundle, cell_payload


def test_digest_is_sha256_of_utf8_source():
    text = "# synthnb provenance · adult_syn — × ✍️\nx = 1\n"
    assert cell_digest(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert cell_digest(text) != cell_digest(text + " ")


def test_bundle_is_deterministic_and_carries_the_payload():
    req = CellRequest("provenance:a_syn", "a_syn = 1\n", "code", anchor="cell-1")
    first, second = cell_bundle(req), cell_bundle(CellRequest("provenance:a_syn", "a_syn = 1\n", "code", "cell-1"))
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    data, metadata = first
    assert metadata[PAYLOAD_MIME] == {
        "key": "provenance:a_syn",
        "cell_type": "code",
        "source": "a_syn = 1\n",
        "digest": hashlib.sha256(b"a_syn = 1\n").hexdigest(),
        "anchor": "cell-1",
        "position": "below_anchor",
    }
    assert "```python\na_syn = 1\n```" in data["text/markdown"]
    assert PAYLOAD_MIME not in data  # nbval compares data entries; see test_nbval_accepts_a_re_run
    assert cell_payload({"metadata": metadata}) == metadata[PAYLOAD_MIME]
    assert CellRequest.from_payload(metadata[PAYLOAD_MIME]) == req


def test_markdown_bundle_shows_the_markdown_itself():
    req = CellRequest("datasheet:a_syn", "# Datasheet\n\nanswers", "markdown", position="end")
    data, _ = cell_bundle(req)
    assert "# Datasheet\n\nanswers" in data["text/markdown"]
    assert data["text/markdown"].startswith("<details>")


def test_bad_cell_type_and_position_are_refused():
    with pytest.raises(ValueError, match="cell_type"):
        CellRequest("k", "x", "raw")
    with pytest.raises(ValueError, match="position"):
        CellRequest("k", "x", "code", position="top")


def test_front_end_digest_matches_the_kernels():
    """The extension's own SHA-256 (no Web Crypto on plain http) must agree with hashlib byte for byte."""
    import shutil
    import subprocess
    from pathlib import Path

    compiled = Path(__file__).parents[2] / "widgets" / "labextension" / "lib" / "sha256.js"
    node = shutil.which("node")
    if node is None or not compiled.is_file():
        pytest.skip("needs node and the compiled extension (widgets/labextension/lib, built by `make setup`)")
    texts = ["", "abc", "x" * 55, "y" * 56, "z" * 64, "é" * 40 + "✍️\n", "# synthnb provenance · a — ×\n" * 30]
    script = (
        f"import({json.dumps(compiled.as_uri())}).then(m => "
        f"console.log(JSON.stringify({json.dumps(texts)}.map(t => m.sha256Hex(t)))))"
    )
    out = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [cell_digest(t) for t in texts]
