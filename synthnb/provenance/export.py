"""Write a synthetic table with everything that proves what it is: data, datasheet, Croissant, PROV, manifest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from synthnb.errors import SynthnbError

__all__ = ["ExportResult", "export", "export_file_names", "model_file_name"]

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
    gate : synthnb.provenance.gate.GateResult
        What the export gate found for the table, and the override reason when it was overridden.
    record : dict
        The provenance record every written file was rendered from (``export_gate``, and
        ``derived_from`` / ``model_file`` when they apply).
    """

    directory: str
    files: dict[str, str] = field(default_factory=dict)
    key_fingerprint: str = ""
    unanswered: tuple[str, ...] = ()
    gate: Any = None
    record: dict[str, Any] = field(default_factory=dict, repr=False)
    unchanged: bool = False

    @property
    def summary(self) -> str:
        """A few short lines for a panel: what was written where, the gate's override, how to verify.

        :attr:`message` adds each file's digest; the signed manifest holds them either way."""
        if self.unchanged:
            return f"Already exported: {self.directory} holds this same table, verified just now; nothing was written."
        lines = [f"Exported {len(self.files)} files to {self.directory}, signed with key {self.key_fingerprint}."]
        if self.gate is not None and self.gate.findings:
            lines.append(f"Exported DESPITE {len(self.gate.findings)} export-gate finding(s); your reason is recorded.")
        lines.append(f"Verify: synthnb verify {self.directory} --key {self.key_fingerprint}")
        if self.unanswered:
            lines.append(f"Open questions in the datasheet: {', '.join(self.unanswered)}.")
        return "\n".join(lines)

    @property
    def message(self) -> str:
        from synthnb.provenance.manifest import MANIFEST

        if self.unchanged:
            table = self.record.get("output", {}).get("sha256", "")
            return (
                f"Already exported: {self.directory} holds this same table (sha256 {table[:16]}…), made the same "
                f"way, and verified just now against its manifest signed by your key {self.key_fingerprint}; "
                "nothing was written. To rewrite it anyway: --force (overwrite=True)."
            )
        listed = [n for n in self.files if n != MANIFEST]
        # the same count verify reports: the files the signed manifest lists, plus the manifest itself
        lines = [
            f"Exported {len(self.files)} files to {self.directory} ({len(listed)} listed in the signed "
            f"{MANIFEST}, and the manifest itself):"
        ]
        lines += [f"  {name:<32} sha256 {digest[:16]}…" for name, digest in self.files.items()]
        if self.gate is not None and self.gate.findings:
            lines.append(
                f"Exported DESPITE the export gate ({len(self.gate.findings)} finding(s)); your reason, "
                f"recorded in the manifest and the datasheet: {self.gate.allow_risk!r}."
            )
        lines.append(
            f"Signed with key {self.key_fingerprint}; verify with: synthnb verify {self.directory} "
            f"--key {self.key_fingerprint}"
        )
        if self.unanswered:
            lines.append(f"The datasheet still has open questions for a person: {', '.join(self.unanswered)}.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.message)


def export_file_names(name: str, with_model: bool = False) -> list[str]:
    """The files an export of *name* writes, in order."""
    model = [model_file_name(name)] if with_model else []
    return [
        f"{name}.csv",
        f"{name}.csv-metadata.json",
        f"{name}.parquet",
        *model,
        DATASHEET,
        CROISSANT,
        PROV,
        "manifest.json",
    ]


def model_file_name(name: str) -> str:
    """The file the fitted synthesizer is saved to by ``export(..., with_model=True)``."""
    return f"{name}.synthesizer.pkl"


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
    allow_risk: str | None = None,
    with_model: bool = False,
    gate=None,
    via: str = "api",
) -> ExportResult:
    """Export a synthetic table with its datasheet, Croissant, PROV and a signed manifest, if the export gate allows.

    Writes ``NAME.csv`` (with ``NAME.csv-metadata.json``, a CSVW sidecar marking it synthetic),
    ``NAME.parquet`` (marked synthetic in its key-value metadata), ``datasheet.md``,
    ``croissant.json`` (Croissant 1.0 + RAI), ``prov.json`` (W3C PROV-JSON) and
    ``manifest.json`` (sha256 of every file in an in-toto Statement, signed with the user's
    Ed25519 key; see :mod:`synthnb.provenance.signing`).

    Before writing anything, the export gate (:mod:`synthnb.provenance.gate`) checks the synthetic
    rows against the run's real training and held-out rows: verbatim reuse of near-unique columns,
    exact copies of training rows and the re-identification risks. It refuses with a SynthnbError
    naming each finding unless *allow_risk* gives a reason, which is then recorded in the provenance
    record, the manifest and the datasheet, and printed by :func:`synthnb.verify`.

    Parameters
    ----------
    run : synthnb.Run
    directory : str or path
        Folder to write to; made if missing. It must not hold other files (they would not be
        covered by the manifest).
    evaluation : optional
        A :func:`synthnb.evaluate` result; its figures go into the datasheet and Croissant, and its
        privacy section feeds the gate when it was computed on the exported rows (otherwise the gate
        computes the privacy figures itself).
    name : str
        Base name of the data files.
    datasheet : str, optional
        A hand-edited datasheet: its answers are kept and synthnb's blocks re-rendered.
    data : pandas.DataFrame, optional
        Export this table instead of ``run.synthetic``: what the notebook variable holds now. When
        its digest differs from the generated table's, it is recorded as derived from it (new
        digest, a PROV derivation, a datasheet line) and the gate checks it again.
    synthetic_mask : array-like of bool, optional
        Which rows of *data* are synthetic (default: all); real rows mixed in on purpose are
        counted as real everywhere and are not put through the gate.
    overwrite : bool
        Replace the files of an earlier export in *directory*.
    allow_risk : str, optional
        Export although the gate found a risk; the reason, in words, is recorded with the export.
    with_model : bool
        Also write the fitted synthesizer (``NAME.synthesizer.pkl``, with its own ``save``); it
        passes the same gate on the table it generated, and :func:`synthnb.load_model` checks its
        sha256 against the signed manifest before loading it.
    gate : synthnb.provenance.gate.GateSettings, optional
        The gate's levels (default: verbatim reuse 1 point above its control, risk level 0.05).
    via : {"api", "magic", "workbench"}
        Whose words a refusal's advice uses (``%synth export`` passes ``"magic"``: its options, not these
        arguments).

    Returns
    -------
    ExportResult
    """
    import numpy as np

    from synthnb._frames import check_frame
    from synthnb.fingerprint import csv_bytes, frame_digest
    from synthnb.provenance.croissant import croissant_metadata
    from synthnb.provenance.datasheet import human_answers, render_record_datasheet, unanswered_prompts
    from synthnb.provenance.gate import check_export
    from synthnb.provenance.manifest import MANIFEST, build_statement, manifest_bytes, signed_manifest
    from synthnb.provenance.prov_json import prov_document
    from synthnb.provenance.record import provenance_record, with_output
    from synthnb.provenance.signing import key_fingerprint, load_or_create_key, public_key_bytes
    from synthnb.run import Run
    from synthnb.spec import check_identifier

    group, marker = None, None
    if type(run).__name__ == "Augmented":  # synthnb.augment's result: its real rows and marked synthetic rows
        if data is not None or synthetic_mask is not None:
            raise SynthnbError("an augmented result knows which rows are synthetic; drop data= and synthetic_mask=.")
        group, marker, synthetic_mask = run.mix["group"], run.marker, run.data[run.marker].to_numpy()
        run, data = run.run, run.data
    if not isinstance(run, Run):
        raise SynthnbError(
            f"export takes the Run that synthnb.fit returned, got {type(run).__name__}; "
            "pass run = synthnb.fit(df) (or data=... with it for a table of your own)."
        )
    check_identifier(name, "the export name")
    if data is not None:
        check_frame(data, "data")
    frame = run.synthetic if data is None else data
    rec = provenance_record(run, name)
    derived = frame_digest(frame) != run.synthetic_sha256
    if data is not None or derived or synthetic_mask is not None:
        rec = with_output(rec, frame, synthetic_mask, group)  # validates the mask
    synthetic_rows = frame if synthetic_mask is None else frame[np.asarray(synthetic_mask)]
    if marker is not None:  # the gate compares the synthetic rows with real rows, which have no marker column
        synthetic_rows = synthetic_rows.drop(columns=marker)
    if derived:
        rec["derived_from"] = {"sha256": run.synthetic_sha256, "rows": int(run.synthetic.shape[0])}

    hint = ""
    if derived and synthetic_mask is None:  # only an edited table can hold real rows put in on purpose
        hint = (
            f"The table was edited after generation and every row is checked as synthetic; if real rows belong in "
            f"it on purpose, export from Python with synthnb.export(..., data={name}, synthetic_mask=...) (one "
            "True/False per row: which rows are synthetic)."
            if via != "api"
            else "data= was given without synthetic_mask=, so every row is checked as synthetic; if real rows belong "
            "in the table on purpose, say which rows are synthetic (synthetic_mask=, one True/False per row)."
        )
    # a generated table's own evaluation is no evidence about an edited one: the gate re-computes for new rows
    table_gate = check_export(
        run,
        synthetic_rows,
        subject=f"the table {name}",
        settings=gate,
        evaluation=evaluation,
        allow_risk=allow_risk,
        hint=hint,
        via=via,
    )
    rec["export_gate"] = table_gate.to_record()
    if with_model:
        model_gate = (
            table_gate
            if not derived
            else check_export(
                run,
                run.synthetic,
                subject=f"the fitted model of {name}",
                settings=gate,
                evaluation=evaluation,
                allow_risk=allow_risk,
                via=via,
            )
        )
        rec["model_gate"] = model_gate.to_record()

    key = load_or_create_key()
    fingerprint = key_fingerprint(public_key_bytes(key))
    names = export_file_names(name, with_model)
    same = None if overwrite else _same_export(Path(directory), names, rec, fingerprint, datasheet)
    if same is not None:
        return ExportResult(
            directory=str(Path(directory)),
            files=same,
            key_fingerprint=fingerprint,
            gate=table_gate,
            record=rec,
            unchanged=True,
        )
    root = _prepare(Path(directory), names, overwrite, also=export_file_names(name, not with_model))

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
    if with_model:
        from synthnb.provenance.model_file import save_model

        model_name = model_file_name(name)
        write(model_name, save_model(run.synthesizer))
        rec["model_file"] = {
            "file": model_name,
            "sha256": written[model_name],
            "class": f"{type(run.synthesizer).__module__}.{type(run.synthesizer).__qualname__}",
            "format": f"{getattr(run.synthesizer, 'save_format', 'cloudpickle')} (the synthesizer's own save)",
        }

    sheet = render_record_datasheet(rec, evaluation, datasheet)
    write(DATASHEET, sheet.encode("utf-8"))
    answers = human_answers(sheet)
    write(CROISSANT, _json_bytes(croissant_metadata(rec, data_files, evaluation=evaluation, answers=answers)))
    write(PROV, (prov_document(rec, data_files).serialize(format="json", indent=2) + "\n").encode("utf-8"))

    exported = datetime.now(timezone.utc).isoformat(timespec="seconds")
    statement = build_statement(rec, written, fingerprint, exported)
    write(MANIFEST, manifest_bytes(signed_manifest(statement, key)))
    return ExportResult(
        directory=str(root),
        files=written,
        key_fingerprint=fingerprint,
        unanswered=tuple(unanswered_prompts(sheet)),
        gate=table_gate,
        record=rec,
    )


def _same_export(root: Path, names: list[str], rec, fingerprint: str, datasheet: str | None) -> dict[str, str] | None:
    """The files (name -> sha256) of the export of this same table that *root* holds, intact and signed by this
    user's key; None when it holds none.

    Same means what a second Run All of a notebook produces: the same table bytes (its digest), from the same
    source, by the same generator, parameters and seed, under the same file names, with the same override
    of the gate (or none). Times differ between the two runs, so the datasheet and metadata files are not
    compared byte for byte; a hand-edited datasheet that differs from the one in the folder is a change.
    """
    from synthnb.provenance.manifest import MANIFEST
    from synthnb.provenance.verify import signed_statement, verify

    if not (root / MANIFEST).is_file() or not verify(root, key=fingerprint).ok:
        return None
    try:
        statement = signed_statement(root, key=fingerprint)
    except SynthnbError:
        return None
    pred, gen = statement["predicate"], rec["generator"]
    files = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
    before = (pred.get("exportGate") or {}).get("allow_risk")
    now = (rec.get("export_gate") or {}).get("allow_risk")
    same = (
        set(files) == set(names) - {MANIFEST}
        and pred.get("tableSha256") == rec["output"]["sha256"]
        and pred.get("rows", {}).get("synthetic") == rec["output"]["synthetic_rows"]
        and pred.get("source", {}).get("sha256") == rec["source"]["sha256"]
        and pred.get("generator", {}).get("model") == gen["model"]
        and pred.get("generator", {}).get("params") == json.loads(json.dumps(gen["params"]))
        and pred.get("generator", {}).get("seed") == gen["seed"]
        and before == now
    )
    if same and datasheet is not None:
        same = (root / DATASHEET).read_text(encoding="utf-8") == datasheet
    if not same:
        return None
    files[MANIFEST] = hashlib.sha256((root / MANIFEST).read_bytes()).hexdigest()
    return files


def _prepare(root: Path, names: list[str], overwrite: bool, also: list[str] = ()) -> Path:
    if root.exists() and not root.is_dir():
        raise SynthnbError(f"{root} is a file, not a folder; pass a folder to export into.")
    root.mkdir(parents=True, exist_ok=True)
    present = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    others = [p for p in present if p not in names and p not in also]
    if others:
        raise SynthnbError(
            f"{root} already holds {', '.join(others[:5])}{' …' if len(others) > 5 else ''}; an export needs a folder "
            "of its own (the signed manifest must cover every file in it). Pick a new or empty folder."
        )
    if present and not overwrite:
        raise SynthnbError(
            f"{root} already holds another export ({', '.join(present)}): not this table, or not made the same way. "
            "Export into a new folder, or replace it with --force (overwrite=True)."
        )
    for stale in present:
        if stale not in names:  # the earlier export had a model file and this one has none (or the reverse)
            (root / stale).unlink()
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
        "tableSchema": {
            "columns": [{"name": c, "titles": c, "datatype": _csvw_type(t)} for c, t in rec["output"]["dtypes"].items()]
        },
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
