"""``synthnb materialize`` on notebooks executed headless by nbclient (real kernel, real fits)."""

from __future__ import annotations

import copy as copy_module
import hashlib

import nbformat

from synthnb.cli import main
from synthnb.notebook import PAYLOAD_MIME, cell_digest, materialize
from synthnb.provenance.cell import HEADER_MARK


def _keys(nb):
    return [c.metadata.get("synthnb", {}).get("key") for c in nb.cells]


def _write(text, tmp_path):
    path = tmp_path / "fits.ipynb"
    path.write_text(text)
    return path


def test_headless_run_keeps_both_bundles_for_each_fit(executed, user_cells):
    nb = nbformat.reads(executed, as_version=4)
    assert [c.source for c in nb.cells] == user_cells  # nbclient added no cells
    for index, name in ((1, "a_syn"), (3, "b_syn")):
        payloads = [o.metadata[PAYLOAD_MIME] for o in nb.cells[index].outputs if PAYLOAD_MIME in o.get("metadata", {})]
        assert [p["key"] for p in payloads] == [f"provenance:{name}", f"datasheet:{name}"]
        prov, sheet = payloads
        assert prov["cell_type"] == "code" and prov["position"] == "below_anchor"
        assert prov["source"].startswith(f"{HEADER_MARK} {name}")
        assert sheet["cell_type"] == "markdown" and sheet["position"] == "end"
        for p in payloads:
            assert p["digest"] == hashlib.sha256(p["source"].encode("utf-8")).hexdigest()
            assert p["anchor"] is None  # nbclient sends no cell id; materialize anchors on the output's cell
    assert nb.cells[4].outputs[0]["text"] == "1500 1500 42\n"


def test_materialize_places_cells_and_is_idempotent(executed, user_cells, tmp_path, capsys):
    path = _write(executed, tmp_path)
    assert main(["materialize", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "provenance:a_syn: cell 3 added" in printed
    nb = nbformat.read(path, as_version=4)
    assert _keys(nb) == [
        None,
        None,
        "provenance:a_syn",
        None,
        None,
        "provenance:b_syn",
        None,
        "datasheet:a_syn",
        "datasheet:b_syn",
    ]
    assert [nb.cells[i].source for i in (0, 1, 3, 4, 6)] == user_cells  # the user's cells, unchanged
    prov = nb.cells[2]
    assert prov.cell_type == "code" and prov.source.startswith(f"{HEADER_MARK} a_syn")
    assert prov.metadata.synthnb == {
        "key": "provenance:a_syn",
        "digest": cell_digest(prov.source),
        "anchor": nb.cells[1].id,
        "cell_id": prov.id,
    }
    assert nb.cells[7].cell_type == "markdown" and "a_syn" in nb.cells[7].source
    nbformat.validate(nb)

    before = path.read_bytes()
    assert main(["materialize", str(path)]) == 0
    assert path.read_bytes() == before  # second run: byte for byte the same
    assert "unchanged (already current)" in capsys.readouterr().out


def test_materialize_leaves_edited_cells_alone_and_updates_its_own(executed, tmp_path):
    path = _write(executed, tmp_path)
    main(["materialize", str(path)])
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].source += "# my note\n"  # a person edits provenance:a_syn
    # a re-execution produced new text for provenance:b_syn (as a re-fit would)
    for out in nb.cells[4].outputs:
        payload = out.get("metadata", {}).get(PAYLOAD_MIME)
        if payload and payload["key"] == "provenance:b_syn":
            payload["source"] += "# regenerated\n"
            payload["digest"] = cell_digest(payload["source"])
    nbformat.write(nb, path)

    changes = {c.key: c.status for c in materialize(path)}
    assert changes == {
        "provenance:a_syn": "edited",
        "datasheet:a_syn": "unchanged",
        "provenance:b_syn": "updated",
        "datasheet:b_syn": "unchanged",
    }
    after = nbformat.read(path, as_version=4)
    assert after.cells[2].source.endswith("# my note\n")
    assert after.cells[5].source.endswith("# regenerated\n")
    assert after.cells[5].metadata.synthnb["digest"] == cell_digest(after.cells[5].source)
    assert len(after.cells) == 9


def _regenerate(nb, key):
    """What a re-execution does to *key*'s bundle: new text (as a re-fit would)."""
    for out in (o for c in nb.cells if c.cell_type == "code" for o in c.outputs):
        payload = out.get("metadata", {}).get(PAYLOAD_MIME)
        if payload and payload["key"] == key:
            payload["source"] += "# regenerated\n"
            payload["digest"] = cell_digest(payload["source"])


def _pasted_copy(cell):
    """A copy as JupyterLab pastes it: the same text and metadata under a new id."""
    copy = nbformat.v4.new_code_cell(cell.source, metadata=copy_module.deepcopy(dict(cell.metadata)))
    assert copy.id != cell.id
    return copy


def test_materialize_never_takes_a_pasted_copy_for_its_cell(executed, tmp_path):
    path = _write(executed, tmp_path)
    main(["materialize", str(path)])
    nb = nbformat.read(path, as_version=4)
    original = nb.cells[2]
    assert original.metadata.synthnb["key"] == "provenance:a_syn"
    nb.cells.insert(0, _pasted_copy(original))  # above the original: found first in notebook order
    nb.cells.append(_pasted_copy(original))  # and one below
    _regenerate(nb, "provenance:a_syn")
    nbformat.write(nb, path)

    changes = {c.key: (c.status, c.index) for c in materialize(path)}
    assert changes["provenance:a_syn"] == ("updated", 3)
    after = nbformat.read(path, as_version=4)
    assert after.cells[3].id == original.id and after.cells[3].source.endswith("# regenerated\n")
    assert after.cells[0].source == after.cells[-1].source == original.source  # the copies, untouched
    assert after.cells[0].metadata == after.cells[-1].metadata == original.metadata

    # the original deleted, only the copies carry the key: a new cell is added below the fit, not adopted
    del after.cells[3]
    _regenerate(after, "provenance:a_syn")
    nbformat.write(after, path)
    changes = {c.key: (c.status, c.index) for c in materialize(path)}
    assert changes["provenance:a_syn"] == ("added", 3)
    final = nbformat.read(path, as_version=4)
    made = final.cells[3]
    assert made.metadata.synthnb["cell_id"] == made.id and made.source.endswith("# regenerated\n# regenerated\n")
    assert final.cells[0].source == final.cells[-1].source == original.source
    nbformat.validate(final)


def test_materialize_owns_a_record_without_cell_id_by_key(executed, tmp_path):
    """Cells written before cell_id existed keep the old rule: the first cell with the key is synthnb's."""
    path = _write(executed, tmp_path)
    main(["materialize", str(path)])
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.get("synthnb", {}).pop("cell_id", None)
    _regenerate(nb, "provenance:b_syn")
    nbformat.write(nb, path)
    changes = {c.key: c.status for c in materialize(path)}
    assert changes["provenance:b_syn"] == "updated" and changes["provenance:a_syn"] == "unchanged"
    after = nbformat.read(path, as_version=4)
    assert after.cells[5].source.endswith("# regenerated\n") and "cell_id" not in after.cells[5].metadata.synthnb


def test_materialize_to_another_file_and_errors(executed, tmp_path, capsys):
    path = _write(executed, tmp_path)
    out = tmp_path / "out.ipynb"
    assert main(["materialize", str(path), "-o", str(out)]) == 0
    assert path.read_text() == executed and len(nbformat.read(out, as_version=4).cells) == 9
    assert main(["materialize", str(tmp_path / "missing.ipynb")]) == 2
    assert "no notebook at" in capsys.readouterr().err


def test_nbval_accepts_a_re_run_of_a_saved_fit_notebook(executed, tmp_path):
    """The bundle is nbval-stable: a re-run (new fit time stamps) matches the saved outputs under the
    project's sanitize file, and a materialized notebook (keyed cells added) passes too."""
    import subprocess
    import sys
    from pathlib import Path

    sanitize = Path(__file__).resolve().parents[2] / "notebooks" / "nbval-sanitize.cfg"
    path = _write(executed, tmp_path)
    materialized = tmp_path / "materialized.ipynb"
    materialize(path, materialized)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            str(path),
            str(materialized),
            "--nbval-sanitize-with",
            str(sanitize),
            "-o",
            "addopts=",
            "--rootdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:]
