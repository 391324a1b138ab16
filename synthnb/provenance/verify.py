"""Check an exported folder against its signed manifest: every byte, every file, and the signer."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from synthnb.errors import SynthnbError

__all__ = ["VerifyResult", "signed_statement", "verify"]

_HEX64 = re.compile(r"^(?:sha256:)?([0-9a-fA-F]{64})$")


@dataclass(frozen=True)
class VerifyResult:
    """What :func:`verify` found. True in a boolean context when everything checks out.

    Attributes
    ----------
    ok : bool
    directory : str
    checked : tuple of str
        Files listed in the signed manifest.
    changed, missing, extra : tuple of str
        Files whose bytes differ from the manifest, listed files that are absent, and files in
        the folder the manifest does not list.
    problems : tuple of str
        Problems with the manifest itself (edited, unsigned, not signed by the trusted key).
    signer : str or None
        Fingerprint of the key whose signature is valid (None when the signature is not).
    trusted : bool or None
        Whether the signer is the trusted key; None when no trusted key was given.
    notes : tuple of str
        What the signed manifest says a reader must know: an export that overrode the export gate
        (its findings and the reason given), a table edited after generation.
    """

    ok: bool
    directory: str
    checked: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    signer: str | None = None
    trusted: bool | None = None
    notes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok

    @property
    def message(self) -> str:
        """The verdict in words, one finding per line."""
        notes = "".join(f"\n{n}" for n in self.notes)
        if self.ok:
            # the count export reports too: the files the manifest lists plus the manifest itself
            head = (
                f"OK: all {len(self.checked) + 1} files of {self.directory} check out: the {len(self.checked)} files "
                "listed in the signed manifest match it, the manifest's signature is valid, and the folder holds "
                "nothing else."
            )
            if self.trusted:
                return f"{head}\nSigned by the trusted key {self.signer}.{notes}"
            return (
                f"{head}\nIntegrity only: the manifest is signed by key {self.signer}, but no trusted key was given. "
                "This proves the files are unchanged since the holder of that key signed them, not who that was: "
                "anyone can re-sign changed files with their own key. Pass --key (key=) with the publisher's key "
                f"fingerprint to check the signer.{notes}"
            )
        lines = [f"FAILED: {self.directory} does not match its signed manifest."]
        lines += [f"- changed: {name} (its sha256 differs from the manifest)" for name in self.changed]
        lines += [f"- missing: {name} (listed in the manifest, not in the folder)" for name in self.missing]
        lines += [f"- extra: {name} (in the folder, not listed in the manifest)" for name in self.extra]
        lines += [f"- {p}" for p in self.problems]
        return "\n".join(lines) + notes

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.message)


def verify(directory, key: str | None = None) -> VerifyResult:
    """Check every file of an export against its signed ``manifest.json``.

    Parameters
    ----------
    directory : str or path
        The export folder.
    key : str, optional
        The key you trust: its fingerprint (``sha256:<hex>``), the raw public key in base64,
        a PEM public key, or a path to a file holding one of those. Without it the check proves
        integrity only (see :attr:`VerifyResult.message`).

    Returns
    -------
    VerifyResult
    """
    from synthnb.provenance.manifest import MANIFEST, manifest_bytes, payload_bytes
    from synthnb.provenance.signing import key_fingerprint, verify_envelope

    root = Path(directory)
    if not root.is_dir():
        raise SynthnbError(
            f"{directory} is not a folder; pass the folder an export wrote (e.g. %synth export NAME --to DIR)."
        )
    present = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    trusted_fp = _trusted_fingerprint(key) if key is not None else None
    fail = _failure(str(root))

    path = root / MANIFEST
    if not path.is_file():
        return fail(
            missing=(MANIFEST,), extra=tuple(present), problems=(f"{MANIFEST} is missing, so nothing can be verified.",)
        )
    raw = path.read_bytes()
    try:
        doc = json.loads(raw)
        envelope, carried = doc["envelope"], doc["publicKey"]
        public = base64.b64decode(carried["raw"], validate=True)
        payload = base64.b64decode(envelope["payload"], validate=True)
        statement = json.loads(payload)
        subjects = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
    except (ValueError, KeyError, TypeError, binascii.Error):
        return fail(
            changed=(MANIFEST,),
            problems=(f"{MANIFEST} cannot be read as a synthnb manifest: it was changed or damaged.",),
        )

    problems, changed_manifest = [], False
    signer = key_fingerprint(public) if verify_envelope(envelope, public) else None
    if signer is None:
        changed_manifest = True
        problems.append(
            f"the signature in {MANIFEST} does not match its contents: the manifest was changed after it was signed."
        )
    elif carried.get("fingerprint") != signer or doc.get("statement") != statement:
        changed_manifest = True
        problems.append(f"{MANIFEST} was edited: its readable part no longer matches what was signed.")
    if raw != manifest_bytes(doc) or payload != payload_bytes(statement):
        changed_manifest = True
        problems.append(f"{MANIFEST} was edited: its bytes differ from the layout synthnb writes.")
    trusted = None
    if trusted_fp is not None:
        trusted = signer == trusted_fp
        if not trusted:
            problems.append(
                f"the signature does not match the trusted key {trusted_fp}: the manifest is signed by "
                f"{signer or 'no valid key'}."
            )

    changed, missing = [], []
    for name, digest in subjects.items():
        if _unsafe(name):
            # a forged manifest must not make verify read files outside the folder
            problems.append(f"{MANIFEST} lists {name!r}, a path outside the export folder; refusing to read it.")
            continue
        file = root / name
        if not file.is_file():
            missing.append(name)
        elif hashlib.sha256(file.read_bytes()).hexdigest() != digest:
            changed.append(name)
    if changed_manifest:
        changed.append(MANIFEST)
    extra = [name for name in present if name not in subjects and name != MANIFEST]
    ok = not (problems or changed or missing or extra)
    return VerifyResult(
        ok=ok,
        directory=str(root),
        checked=tuple(sorted(subjects)),
        changed=tuple(changed),
        missing=tuple(missing),
        extra=tuple(extra),
        problems=tuple(problems),
        signer=signer,
        trusted=trusted,
        notes=_notes(statement) if signer else (),
    )


def _notes(statement) -> tuple[str, ...]:
    """What a signed statement says a reader must know (read from the signed payload, never the readable copy)."""
    pred = statement.get("predicate", {}) if isinstance(statement, dict) else {}
    out = []
    for key, what in (("exportGate", "the table"), ("modelGate", "the model file")):
        gate = pred.get(key)
        if isinstance(gate, dict) and gate.get("findings"):
            found = "; ".join(str(f.get("message", f)) if isinstance(f, dict) else str(f) for f in gate["findings"])
            out.append(f"EXPORTED DESPITE THE EXPORT GATE ({what}): {found}\nReason given: {gate.get('allow_risk')!r}")
    derived = pred.get("derivedFrom")
    if isinstance(derived, dict):
        out.append(
            f"The table was edited after generation: derived from the generated table with sha256 "
            f"{derived.get('sha256')} (now {pred.get('tableSha256')})."
        )
    return tuple(out)


def signed_statement(directory, key: str | None = None) -> dict:
    """The in-toto statement of an export's manifest, once its signature is valid (by *key*, when given).

    Raises SynthnbError when the manifest is missing, unreadable, not validly signed or signed by
    another key than *key*. Only the signed payload is returned, never the readable copy beside it.
    """
    from synthnb.provenance.manifest import MANIFEST
    from synthnb.provenance.signing import key_fingerprint, verify_envelope

    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise SynthnbError(f"{path} is missing, so nothing in {directory} can be checked; pass an export folder.")
    try:
        doc = json.loads(path.read_bytes())
        envelope = doc["envelope"]
        public = base64.b64decode(doc["publicKey"]["raw"], validate=True)
        statement = json.loads(base64.b64decode(envelope["payload"], validate=True))
        # the shape every reader relies on, checked before anything else reads it
        {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
        dict(statement["predicate"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise SynthnbError(
            f"{path} cannot be read as a synthnb manifest: it was changed or damaged; run synthnb verify on the folder."
        ) from None
    if not verify_envelope(envelope, public):
        raise SynthnbError(
            f"the signature in {path} does not match its contents: the manifest was changed after it "
            "was signed. Run synthnb verify on the folder."
        )
    if key is not None and key_fingerprint(public) != _trusted_fingerprint(key):
        raise SynthnbError(f"{path} is signed by {key_fingerprint(public)}, not by the trusted key {key}.")
    return statement


def _unsafe(name: str) -> bool:
    from pathlib import PurePosixPath, PureWindowsPath

    parts = PurePosixPath(name).parts
    return not name or PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or ".." in parts


def _failure(directory: str):
    def make(**kwargs) -> VerifyResult:
        return VerifyResult(ok=False, directory=directory, **kwargs)

    return make


def _trusted_fingerprint(key: str) -> str:
    """Turn a fingerprint, a base64 raw key, a PEM key or a path to one of those into ``sha256:<hex>``."""
    from synthnb.provenance.signing import key_fingerprint

    text = str(key).strip()
    path = Path(text).expanduser()
    if len(text) < 4096 and "\n" not in text and path.is_file():
        text = path.read_text(encoding="utf-8").strip()
    match = _HEX64.match(text)
    if match:
        return "sha256:" + match.group(1).lower()
    if "BEGIN PUBLIC KEY" in text:
        from cryptography.hazmat.primitives import serialization

        try:
            public = serialization.load_pem_public_key(text.encode())
            return key_fingerprint(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
        except (ValueError, TypeError):
            pass
    else:
        try:
            raw = base64.b64decode(text, validate=True)
        except (ValueError, binascii.Error):
            raw = b""
        if len(raw) == 32:
            return key_fingerprint(raw)
    raise SynthnbError(
        f"--key {key!r} is neither a key fingerprint (sha256:<64 hex digits>), a base64 Ed25519 public key, a PEM "
        "public key, nor a file holding one; copy the fingerprint from the publisher's manifest.json ('publicKey')."
    )
