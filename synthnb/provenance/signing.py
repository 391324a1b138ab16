"""Ed25519 keys and DSSE envelopes: the user's signing key, signatures, and key fingerprints.

The private key lives in ``platformdirs.user_config_dir('synthnb')`` (or ``$SYNTHNB_KEY_DIR``),
is made on first use and is readable by its owner only. A signature made with it proves that
the signed bytes are unchanged since the holder of that key signed them; who the holder is can
only be checked against a public key or fingerprint the verifier already trusts.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from synthnb.errors import SynthnbError

__all__ = [
    "KEY_ENV",
    "PAYLOAD_TYPE",
    "key_dir",
    "key_fingerprint",
    "load_or_create_key",
    "pae",
    "public_key_bytes",
    "sign_envelope",
    "verify_envelope",
]

#: environment variable that overrides where the signing key is kept
KEY_ENV = "SYNTHNB_KEY_DIR"
#: DSSE payload type of an in-toto Statement
PAYLOAD_TYPE = "application/vnd.in-toto+json"
_KEY_FILE = "signing-key.pem"


def key_dir() -> Path:
    """The folder holding the signing key (``$SYNTHNB_KEY_DIR`` or the user's config folder)."""
    override = os.environ.get(KEY_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("synthnb"))


def load_or_create_key():
    """The user's Ed25519 private key; made (mode 0600) the first time it is needed."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_dir() / _KEY_FILE
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except ValueError as exc:
            raise SynthnbError(
                f"the signing key {path} cannot be read ({exc}); move it away to make a new one."
            ) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise SynthnbError(f"{path} is not an Ed25519 key; move it away to make a new one.")
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # O_EXCL: never overwrite a key another process made meanwhile; 0600 from the first byte.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_or_create_key()
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def public_key_bytes(private_key) -> bytes:
    """The raw 32-byte public key of *private_key*."""
    from cryptography.hazmat.primitives import serialization

    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_fingerprint(raw_public_key: bytes) -> str:
    """``sha256:<hex>`` of the raw public key: short enough to compare by eye, to publish and to pin."""
    return "sha256:" + hashlib.sha256(raw_public_key).hexdigest()


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what is actually signed (type and payload, length-prefixed)."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def sign_envelope(payload: bytes, private_key, payload_type: str = PAYLOAD_TYPE) -> dict:
    """A DSSE envelope of *payload* signed with *private_key*."""
    raw = public_key_bytes(private_key)
    sig = private_key.sign(pae(payload_type, payload))
    return {
        "payloadType": payload_type,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [{"keyid": key_fingerprint(raw), "sig": base64.b64encode(sig).decode("ascii")}],
    }


def verify_envelope(envelope: dict, raw_public_key: bytes) -> bool:
    """True when one of the envelope's signatures is valid for *raw_public_key*."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        public = Ed25519PublicKey.from_public_bytes(raw_public_key)
        payload = base64.b64decode(envelope["payload"], validate=True)
        message = pae(envelope["payloadType"], payload)
        signatures = [base64.b64decode(s["sig"], validate=True) for s in envelope["signatures"]]
    except (ValueError, KeyError, TypeError):
        return False
    for sig in signatures:
        try:
            public.verify(sig, message)
            return True
        except InvalidSignature:
            continue
    return False
