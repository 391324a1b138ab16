"""What a keyed cell is: the request synthnb sends to a notebook, its digest and its output payload."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

__all__ = ["PAYLOAD_MIME", "CellRequest", "cell_digest"]

#: MIME type of the payload every keyed cell leaves in the outputs (read back by ``synthnb materialize``)
PAYLOAD_MIME = "application/vnd.synthnb.provenance+json"

#: how a front end or ``materialize`` places a new cell
POSITIONS = ("below_anchor", "end")


def cell_digest(source: str) -> str:
    """SHA-256 (hex) of a cell's source as UTF-8: the front end computes the same to detect human edits."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CellRequest:
    """One cell synthnb wants in the notebook, identified by *key* (e.g. ``provenance:adult_syn``).

    ``anchor`` is the id of the cell that produced it (the executing cell) or None when unknown;
    ``position`` is ``below_anchor`` (right below it, after earlier synthnb cells of the same anchor)
    or ``end`` (the end of the notebook).
    """

    key: str
    source: str
    cell_type: str = "code"
    anchor: str | None = None
    position: str = "below_anchor"

    def __post_init__(self):
        if self.cell_type not in ("code", "markdown"):
            raise ValueError(f"cell_type must be 'code' or 'markdown', not {self.cell_type!r}")
        if self.position not in POSITIONS:
            raise ValueError(f"position must be one of {POSITIONS}, not {self.position!r}")

    @property
    def digest(self) -> str:
        return cell_digest(self.source)

    def payload(self) -> dict[str, Any]:
        """The JSON kept in the outputs; deterministic for a given source and anchor."""
        return {
            "key": self.key,
            "cell_type": self.cell_type,
            "source": self.source,
            "digest": self.digest,
            "anchor": self.anchor,
            "position": self.position,
        }

    def upsert_message(
        self, merge: bool = False, base_digest: str | None = None, update_only: bool = False
    ) -> dict[str, Any]:
        """The comm message asking the front end to add or update this cell.

        *update_only*: change the cell if it is there, never insert it (a later update of a cell a
        person may have deleted since); an upsert with *base_digest* never inserts either.
        """
        return {
            "op": "upsert",
            "key": self.key,
            "cell_type": self.cell_type,
            "source": self.source,
            "digest": self.digest,
            "anchor_cell_id": self.anchor,
            "position": self.position,
            "merge": merge,
            "base_digest": base_digest,
            "update_only": update_only,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> CellRequest:
        return cls(
            key=payload["key"],
            source=payload["source"],
            cell_type=payload.get("cell_type", "code"),
            anchor=payload.get("anchor"),
            position=payload.get("position", "below_anchor"),
        )
