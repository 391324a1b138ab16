"""Write a synthetic table with everything that proves what it is: data, datasheet, Croissant, PROV, manifest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from synthnb.errors import SynthnbError

__all__ = ["ExportResult", "export", "export_file_names"]

DATASHEET = "datasheet.md"
CROISSANT = "croissant.json"
PROV = "prov.json"


@dataclass(frozen=True)
class ExportResult:
    """Where :func:`export` wrote what.

    Attributes
    ----------
    directory : str
    files : dict
        File name -> sha256, in the order written (``manifest.json`` last).
    key_fingerprint : str
        Fingerprint of the key that signed the manifest; publish it so others can verify.
    unanswered : tuple of str
        Datasheet questions only a person can answer that are still open.
    """

    directory: str
    files: dict[str, str] = field(default_factory=dict)
    key_fingerprint: str = ""
    unanswered: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        lines = [f"Exported {len(self.files)} files to {self.directory}:"]
        lines += [f"  {name:<32} sha256 {digest[:16]}…" for name, digest in self.files.items()]
        lines.append(f"Signed with key {self.key_fingerprint}; verify with: synthnb verify {self.directory} "
                     f"--key {self.key_fingerprint}")
        if self.unanswered:
            lines.append(f"The datasheet still has open questions for a person: {', '.join(self.unanswered)}.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.message)


def export_file_names(name: str) -> list[str]:
    """The files an export of *name* writes, in order."""
    return [f"{name}.csv", f"{name}.csv-metadata.json", f"{name}.parquet", DATASHEET, CROISSANT, PROV,
            "manifest.json"]


def export(
    run,
    directory,
    evaluation=None,
    *,
    name: str = "synthetic",
    datasheet: str | None = None,
    data=None,
    synthetic_mask=None,
    overwrite: bool = False,
) -> ExportResult:
    """Export *run*'s synthetic table with its datasheet, Croissant, PROV and a signed manifest.

    Writes ``NAME.csv`` (with ``NAME.csv-metadata.json``, a CSVW sidecar marking it synthetic),
    ``NAME.parquet`` (marked synthetic in its key-value metadata), ``datasheet.md``,
    ``croissant.json`` (Croissant 1.0 + RAI), ``prov.json`` (W3C PROV-JSON) and
    ``manifest.json`` (sha256 of every file in an in-toto Statement, signed with the user's
    Ed25519 key; see :mod:`synthnb.provenance.signing`).

    Parameters
    ----------
    run : synthnb.Run
    directory : str or path
        Folder to write to; made if missing. It must not hold other files (they would not be
        covered by the manifest).
    evaluation : optional
        A :func:`synthnb.evaluate` result; its figures go into the datasheet and Croissant.
    name : str
        Base name of the data files.
    datasheet : str, optional
        A hand-edited datasheet: its answers are kept and synthnb's blocks re-rendered.
    data : pandas.DataFrame, optional
        Export this table instead of ``run.synthetic`` (e.g. real rows augmented with
        synthetic ones); requires *synthetic_mask*.
    synthetic_mask : array-like of bool, optional
        Which rows of *data* are synthetic; their count is recorded everywhere.
    overwrite : bool
        Replace the files of an earlier export in *directory*.

    Returns
    -------
    ExportResult
    """
    from synthnb._frames import check_frame
    from synthnb.fingerprint import csv_bytes
    from synthnb.provenance.croissant import croissant_metadata
    from synthnb.provenance.datasheet import human_answers, render_record_datasheet, unanswered_prompts
    from synthnb.provenance.manifest import MANIFEST, build_statement, manifest_bytes, signed_manifest
    from synthnb.provenance.prov_json import prov_document
    from synthnb.provenance.record import provenance_record, with_output
    from synthnb.provenance.signing import key_fingerprint, load_or_create_key, public_key_bytes
    from synthnb.run import Run
    from synthnb.spec import check_identifier

    if not isinstance(run, Run):
        raise SynthnbError(f"export takes the Run that synthnb.fit returned, got {type(run).__name__}; "
                           "pass run = synthnb.fit(df) (or data=... with it for a table of your own).")
    check_identifier(name, "the export name")
    if data is not None:
        check_frame(data, "data")
    if data is not None and synthetic_mask is None:
        raise SynthnbError(
            "data= was given without synthetic_mask=: say which rows are synthetic (one True/False per row) so "
            "the export does not call real rows synthetic."
        )
    frame = run.synthetic if data is None else data
    rec = provenance_record(run, name)
    if data is not None:
        rec = with_output(rec, frame, synthetic_mask)
    root = _prepare(Path(directory), export_file_names(name), overwrite)
    key = load_or_create_key()
    fingerprint = key_fingerprint(public_key_bytes(key))

    written: dict[str, str] = {}

    def write(fname: str, payload: bytes) -> str:
        (root / fname).write_bytes(payload)
        written[fname] = hashlib.sha256(payload).hexdigest()
        return written[fname]

    csv_name, parquet_name = f"{name}.csv", f"{name}.parquet"
    write(csv_name, csv_bytes(frame))
    write(f"{name}.csv-metadata.json", _json_bytes(_csv_sidecar(rec, csv_name)))
    write(parquet_name, _parquet_bytes(frame, rec))
    data_files = {csv_name: written[csv_name], parquet_name: written[parquet_name]}

    sheet = render_record_datasheet(rec, evaluation, datasheet)
    write(DATASHEET, sheet.encode("utf-8"))
    answers = human_answers(sheet)
    write(CROISSANT, _json_bytes(croissant_metadata(rec, data_files, evaluation=evaluation, answers=answers)))
    write(PROV, (prov_document(rec, data_files).serialize(format="json", indent=2) + "\n").encode("utf-8"))

    exported = datetime.now(timezone.utc).isoformat(timespec="seconds")
    statement = build_statement(rec, written, fingerprint, exported)
    write(MANIFEST, manifest_bytes(signed_manifest(statement, key)))
    return ExportResult(
        directory=str(root), files=written, key_fingerprint=fingerprint, unanswered=tuple(unanswered_prompts(sheet))
    )


def _prepare(root: Path, names: list[str], overwrite: bool) -> Path:
    if root.exists() and not root.is_dir():
        raise SynthnbError(f"{root} is a file, not a folder; pass a folder to export into.")
    root.mkdir(parents=True, exist_ok=True)
    present = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    others = [p for p in present if p not in names]
    if others:
        raise SynthnbError(
            f"{root} already holds {', '.join(others[:5])}{' …' if len(others) > 5 else ''}; an export needs a folder "
            "of its own (the signed manifest must cover every file in it). Pick a new or empty folder."
        )
    if present and not overwrite:
        raise SynthnbError(
            f"{root} already holds an export ({', '.join(present)}); pass overwrite=True (--force) to replace it."
        )
    return root


def _json_bytes(doc) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _marker(rec) -> dict:
    """The 'this is synthetic' facts stamped on each data file."""
    out, gen = rec["output"], rec["generator"]
    return {
        "synthetic": True,
        "rows": out["rows"],
        "synthetic_rows": out["synthetic_rows"],
        "real_rows": out["real_rows"],
        "generator": f"synthnb {rec['versions'].get('synthnb', '?')} / SDV {rec['versions'].get('sdv', '?')} "
                     f"{gen['model']}",
        "params": gen["params"],
        "seed": gen["seed"],
        "source_sha256": rec["source"]["sha256"],
        "table_sha256": out["sha256"],
        "created": rec["created"],
        "datasheet": DATASHEET,
    }


def _csv_sidecar(rec, csv_name: str) -> dict:
    # CSVW ("CSV on the Web") metadata: tools find it next to the CSV by the -metadata.json name.
    marker = _marker(rec)
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_name,
        "dc:title": f"{rec['name']} (SYNTHETIC data)",
        "dc:description": (
            f"SYNTHETIC: {marker['synthetic_rows']:,} of {marker['rows']:,} rows were generated by "
            f"{marker['generator']}"
            + (f"; the other {marker['real_rows']:,} rows are REAL" if marker["real_rows"] else "")
            + ". See datasheet.md."
        ),
        "dc:creator": f"synthnb {rec['versions'].get('synthnb', '?')}",
        "dc:created": rec["created"],
        "notes": [{"synthnb": marker}],
        "tableSchema": {"columns": [{"name": c, "titles": c, "datatype": _csvw_type(t)}
                                    for c, t in rec["output"]["dtypes"].items()]},
    }


def _csvw_type(dtype: str) -> str:
    if dtype.startswith(("int", "uint", "Int", "UInt")):
        return "integer"
    if dtype.startswith(("float", "Float")):
        return "double"
    if dtype in ("bool", "boolean"):
        return "boolean"
    if dtype.startswith("datetime"):
        return "datetime"
    return "string"


def _parquet_bytes(frame, rec) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"synthetic"] = b"true"
    meta[b"synthnb"] = json.dumps(_marker(rec), sort_keys=True).encode("utf-8")
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()
