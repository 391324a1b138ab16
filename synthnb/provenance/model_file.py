"""The fitted model as an export file: written by its own ``save``, loaded only after its digest checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

from synthnb.errors import SynthnbError

__all__ = ["load_model", "save_model"]


def save_model(synthesizer) -> bytes:
    """The bytes of *synthesizer* as its own ``save`` writes them (SDV: cloudpickle; CART: pickle)."""
    import tempfile

    save = getattr(synthesizer, "save", None)
    if save is None:
        raise SynthnbError(
            f"the fitted model ({type(synthesizer).__name__}) has no save method, so it cannot be "
            "exported; export without with_model=True."
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pkl"
        save(str(path))
        return path.read_bytes()


def load_model(directory_or_path, key: str | None = None):
    """Load the fitted model of an export, after checking its sha256 against the signed manifest.

    Loading a pickled model runs code from the file, so nothing is unpickled before the manifest's
    signature is valid (by *key*, when given) and the file's bytes have exactly the digest it lists.

    Parameters
    ----------
    directory_or_path : str or path
        The export folder (written with ``with_model=True``) or its ``NAME.synthesizer.pkl``.
    key : str, optional
        The publisher's key (as for :func:`synthnb.verify`); without it, integrity only.

    Returns
    -------
    object
        The fitted synthesizer, as its own ``save`` wrote it (SDV 2.0: ``.sample(n)["table"]`` draws rows;
        CART: ``.sample(n, seed=...)`` returns a DataFrame).

    Raises
    ------
    SynthnbError
        When the manifest is missing, unsigned or not signed by *key*, when the export has no
        model, or when the model file differs from the manifest.
    """
    from synthnb.generators.backend import load_synthesizer
    from synthnb.provenance.manifest import MANIFEST
    from synthnb.provenance.verify import signed_statement

    path = Path(directory_or_path)
    root = path if path.is_dir() else path.parent
    statement = signed_statement(root, key)
    model = statement.get("predicate", {}).get("model")
    if not model:
        raise SynthnbError(
            f"the export in {root} holds no model file; export it with with_model=True "
            "(%synth export NAME --to DIR --with-model)."
        )
    fname = model["file"]
    if not path.is_dir() and path.name != fname:
        raise SynthnbError(
            f"{path.name} is not the model file of this export ({fname} is); pass the folder or {root / fname}."
        )
    listed = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
    if fname not in listed:
        raise SynthnbError(
            f"{MANIFEST} in {root} names the model {fname} but lists no digest for it; "
            "refusing to load it. Re-export the model."
        )
    file = root / fname
    if not file.is_file():
        raise SynthnbError(f"{file} is missing; the signed manifest lists it. Copy the whole export folder.")
    data = file.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != listed[fname]:
        raise SynthnbError(
            f"{fname} was changed after export: its sha256 {actual[:16]}… differs from {listed[fname][:16]}… in the "
            "signed manifest. Refusing to load it (unpickling a changed file could run any code); get the original "
            "file from the publisher or re-export the model."
        )
    return load_synthesizer(data, model.get("class"))
