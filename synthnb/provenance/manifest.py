"""The signed manifest: an in-toto Statement (sha256 of every file + essentials) in a DSSE envelope.

``manifest.json`` holds the envelope (what is signed), the public key that signed it and a
readable copy of the statement. It is written in one canonical layout, so any edit to it, even
of white space, is detectable by :mod:`synthnb.provenance.verify`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from synthnb.provenance.record import library_label

__all__ = [
    "MANIFEST",
    "PREDICATE_TYPE",
    "STATEMENT_TYPE",
    "build_statement",
    "manifest_bytes",
    "payload_bytes",
    "signed_manifest",
]

MANIFEST = "manifest.json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "urn:synthnb:manifest:v1"
_NOTE = (
    "Signed manifest of a SYNTHETIC dataset made by synthnb. 'envelope' is a DSSE envelope (Ed25519) of the "
    "in-toto Statement copied readably in 'statement'. Check every file with: synthnb verify <this folder> "
    "--key <the publisher's key fingerprint>."
)


def build_statement(
    rec: Mapping[str, Any], files: Mapping[str, str], key_fingerprint: str, exported: str
) -> dict[str, Any]:
    """The in-toto Statement: one subject per file (name, sha256) and synthnb's predicate.

    Besides the essentials, the predicate carries the export gate's result (``exportGate``, with the
    reason when it was overridden; ``modelGate`` for an exported model), the generated table an
    edited one derives from (``derivedFrom``), the model file (``model``) and the identifier
    columns with what the fit did with them (``identifiers``), when the record has them.
    """
    gen, out, src = rec["generator"], rec["output"], rec["source"]
    statement = {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": name, "digest": {"sha256": digest}} for name, digest in sorted(files.items())],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "synthetic": True,
            "rows": {"total": out["rows"], "synthetic": out["synthetic_rows"], "real": out["real_rows"]}
            | ({"syntheticGroup": out["synthetic_group"]} if "synthetic_group" in out else {}),
            "generator": {
                "software": f"synthnb {rec['versions'].get('synthnb', '?')}",
                "library": library_label(rec),
                "model": gen["model"],
                "params": gen["params"],
                "seed": gen["seed"],
                "holdout": gen["holdout"],
            },
            "source": {"sha256": src["sha256"], "rows": src["rows"], "columns": src["columns"]},
            "tableSha256": out["sha256"],
            "created": rec["created"],
            "exported": exported,
            "versions": rec["versions"],
            "signingKey": key_fingerprint,
        },
    }
    predicate = statement["predicate"]
    # what a reader must know beyond the files: each is signed with them, and verify prints the first three
    optional = {
        "exportGate": "export_gate",
        "modelGate": "model_gate",
        "derivedFrom": "derived_from",
        "model": "model_file",
        "identifiers": "identifiers",
    }
    for field, key in optional.items():
        if rec.get(key) is not None:
            predicate[field] = rec[key]
    return statement


def signed_manifest(statement: Mapping[str, Any], private_key) -> dict[str, Any]:
    """The manifest document: note, readable statement, public key and the DSSE envelope."""
    from synthnb.provenance.signing import key_fingerprint, public_key_bytes, sign_envelope

    raw = public_key_bytes(private_key)
    return {
        "note": _NOTE,
        "statement": statement,
        "publicKey": {
            "algorithm": "ed25519",
            "raw": base64.b64encode(raw).decode("ascii"),
            "fingerprint": key_fingerprint(raw),
        },
        "envelope": sign_envelope(payload_bytes(statement), private_key),
    }


def payload_bytes(statement: Mapping[str, Any]) -> bytes:
    """The exact bytes that are signed: compact, key-sorted JSON."""
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def manifest_bytes(doc: Mapping[str, Any]) -> bytes:
    """The canonical file layout of the manifest (verify compares the file against it byte for byte)."""
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
