"""Which generators synthnb offers: one registry of :class:`GeneratorSpec`, importable at no cost.

A generator is declared once, here, by one line of :data:`GENERATORS`; the module it names does the work
(and is imported only when a fit, a load or a conditional draw needs it). That module provides:

- ``fit_and_sample(train, spec, n_rows, progress) -> Fitted``: fit on a private copy of the training rows
  and sample *n_rows* (same spec and data -> same bytes);
- ``sample_group(synthesizer, model, column, value, n_rows, seed)``: rows of one group, drawn by the
  generator's own conditioning (``synthnb.augment``);
- ``load_synthesizer(data)``: the fitted model back from the bytes its ``save`` wrote;
- ``library_versions()``: the versions of the libraries whose code decides its bytes.

Nothing else tests a model's name: the magics, the Workbench, ``compare``, ``augment``, the provenance
record and the export read the spec (label, library, whether it trains for epochs).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from synthnb.errors import SynthnbError

__all__ = ["GENERATORS", "MODELS", "NEURAL_MODELS", "GeneratorSpec", "canonical_model", "generator", "implementation"]


@dataclass(frozen=True)
class GeneratorSpec:
    """One generator: its name, how people read it, and which module implements it.

    Attributes
    ----------
    name : str
        What users type (``--model cart``) and what records keep.
    label : str
        The human name shown in summaries, records and the datasheet.
    library : str
        The library whose code fits it (``"SDV"``, ``"synthnb"``), named in records and on the page.
    module : str
        The implementing module (see this package's docstring for what it provides).
    neural : bool
        Trains for epochs (takes ``epochs=``, can be watched with ``monitor_every``/``patience``).
    class_prefix : str
        The start of the fitted model's class path, to pick the loader of an exported model file.
    aliases : tuple of str
        Other spellings users type.
    """

    name: str
    label: str
    library: str
    module: str
    neural: bool = False
    class_prefix: str = ""
    aliases: tuple[str, ...] = field(default=())


_SDV = "synthnb.generators.sdv_adapter"

#: every generator synthnb offers, in the order menus list them; a new one is one module and one line here
GENERATORS: dict[str, GeneratorSpec] = {
    spec.name: spec
    for spec in (
        GeneratorSpec(
            "gaussian_copula", "Gaussian copula", "SDV", _SDV, False, "sdv.", ("gaussiancopula", "gc", "copula")
        ),
        GeneratorSpec("ctgan", "CTGAN", "SDV", _SDV, True, "sdv."),
        GeneratorSpec("tvae", "TVAE", "SDV", _SDV, True, "sdv."),
        GeneratorSpec("copulagan", "CopulaGAN", "SDV", _SDV, True, "sdv.", ("copula_gan",)),
        GeneratorSpec(
            "cart",
            "CART (sequential trees)",
            "synthnb",
            "synthnb.generators.cart",
            False,
            "synthnb.generators.cart.",
            ("synthpop",),
        ),
    )
}


def __getattr__(attr: str):
    # read from the registry each time, so a generator registered later is in every menu and check
    if attr == "MODELS":  # name -> human label (what menus show)
        return {name: spec.label for name, spec in GENERATORS.items()}
    if attr == "NEURAL_MODELS":  # the generators that train for epochs
        return frozenset(name for name, spec in GENERATORS.items() if spec.neural)
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")


def canonical_model(name: str) -> str:
    """Map a user-typed model name to its canonical key, or raise a SynthnbError."""
    if not isinstance(name, str):
        raise SynthnbError(f"model must be a name such as 'gaussian_copula', got {name!r}.")
    key = name.strip().lower().replace("-", "_")
    key = {alias: spec.name for spec in GENERATORS.values() for alias in spec.aliases}.get(key, key)
    if key not in GENERATORS:
        import difflib

        close = difflib.get_close_matches(key, list(GENERATORS), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise SynthnbError(f"unknown model {name!r}; choose one of: {', '.join(GENERATORS)}.{hint}")
    return key


def generator(name: str) -> GeneratorSpec:
    """The spec of the generator a user named (any alias)."""
    return GENERATORS[canonical_model(name)]


def implementation(name: str):
    """The module that fits, samples and loads the generator *name* (imported now, not before)."""
    return importlib.import_module(generator(name).module)
