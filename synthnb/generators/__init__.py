"""Which generators synthnb offers, by name; importing this costs nothing (SDV loads lazily)."""

from __future__ import annotations

from synthnb.errors import SynthnbError

__all__ = ["MODELS", "NEURAL_MODELS", "canonical_model"]

#: name -> human label. The SDV classes are looked up in ``sdv_adapter`` only when fitting; ``cart`` is synthnb's own
#: (``cart.py``); ``backend.py`` routes a fit to one or the other.
MODELS: dict[str, str] = {
    "gaussian_copula": "Gaussian copula",
    "ctgan": "CTGAN",
    "tvae": "TVAE",
    "copulagan": "CopulaGAN",
    "cart": "CART (sequential trees)",
}
NEURAL_MODELS = frozenset({"ctgan", "tvae", "copulagan"})

_ALIASES = {
    "gaussiancopula": "gaussian_copula",
    "gc": "gaussian_copula",
    "copula": "gaussian_copula",
    "copula_gan": "copulagan",
    "synthpop": "cart",
}


def canonical_model(name: str) -> str:
    """Map a user-typed model name to its canonical key, or raise a SynthnbError."""
    if not isinstance(name, str):
        raise SynthnbError(f"model must be a name such as 'gaussian_copula', got {name!r}.")
    key = name.strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in MODELS:
        raise SynthnbError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}.")
    return key
