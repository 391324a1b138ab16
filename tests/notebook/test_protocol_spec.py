"""The kernel side of the synthnb.cells protocol agrees with its written form, widgets/labextension/src/protocol.json.

The extension's side runs every case of the same file (widgets/labextension/test/protocol.test.mjs,
`make test-js`); here the kernel's constants, the requests it builds, the statuses it reports and its
digests are checked against that file, so neither side can drift from it alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synthnb.notebook._cells import POSITIONS, CellRequest, cell_digest
from synthnb.notebook._frontend import TARGET, frontend_present
from synthnb.notebook.upsert import _REPORTS

SPEC = json.loads(
    (Path(__file__).resolve().parents[2] / "widgets" / "labextension" / "src" / "protocol.json").read_text("utf-8")
)
# requests the kernel builds: every upsert case but those the front end must refuse (it never sends those)
KERNEL_UPSERTS = [c for c in SPEC["cases"] if c["request"]["op"] == "upsert" and c["reply"]["status"] != "error"]


class _Shell:
    """Just what frontend_present reads: the executing request's header."""

    def __init__(self, metadata):
        self.parent_header = {"metadata": metadata}


def test_target_positions_and_cell_types_are_the_protocols():
    assert TARGET == SPEC["target"]
    assert list(POSITIONS) == SPEC["positions"]
    for cell_type in SPEC["cell_types"]:
        assert CellRequest("k", "x", cell_type).cell_type == cell_type
    with pytest.raises(ValueError, match="cell_type"):
        CellRequest("k", "x", "raw")


def test_the_stamp_the_extension_sends_is_recognised():
    stamp = {SPEC["stamp"]["metadata_key"]: {"frontend": "0.0.0", "target": SPEC["target"]}}
    assert sorted(stamp[SPEC["stamp"]["metadata_key"]]) == sorted(SPEC["stamp"]["fields"])
    assert frontend_present(_Shell(stamp))
    assert not frontend_present(_Shell({SPEC["stamp"]["metadata_key"]: {"target": "other.target"}}))
    assert not frontend_present(_Shell({}))


def test_the_statuses_the_kernel_reports_are_the_protocols():
    noted = {name for name, status in SPEC["statuses"].items() if status["note"]}
    assert set(_REPORTS) == noted
    # a status the kernel makes up itself is never one the front end sends, and vice versa
    kernel_own = {name for name, status in SPEC["statuses"].items() if status["from"] == "kernel"}
    assert kernel_own == {"merged"}
    assert {c["reply"]["status"] for c in SPEC["cases"]}.isdisjoint(kernel_own)


def test_upsert_message_has_the_protocols_keys():
    message = CellRequest("k", "x").upsert_message()
    assert list(message) == SPEC["ops"]["upsert"]
    assert message["op"] == "upsert" and "upsert" in SPEC["ops"] and "merge" in SPEC["ops"]


@pytest.mark.parametrize("case", KERNEL_UPSERTS, ids=[c["name"] for c in KERNEL_UPSERTS])
def test_each_case_request_is_the_message_the_kernel_builds(case):
    req = case["request"]
    request = CellRequest(req["key"], req["source"], req["cell_type"], req["anchor_cell_id"], req["position"])
    message = request.upsert_message(merge=req["merge"], base_digest=req["base_digest"], update_only=req["update_only"])
    assert message == req


def test_digests_are_the_kernels_sha256():
    assert SPEC["digests"]
    for text, digest in SPEC["digests"].items():
        assert cell_digest(text) == digest, text


def _digests_in(value):
    if isinstance(value, dict):
        for name, item in value.items():
            if name in ("digest", "base_digest") and item is not None:
                yield item
            else:
                yield from _digests_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _digests_in(item)


def test_every_digest_in_the_cases_is_the_digest_of_a_known_text():
    """So a case's ownership records and replies name texts, not made-up hex: edited means a real mismatch."""
    known = set(SPEC["digests"].values())
    found = list(_digests_in(SPEC["cases"]))
    assert len(found) > len(SPEC["cases"])
    assert [d for d in found if d not in known] == []


def test_replies_carry_the_digest_of_the_source_they_carry():
    for case in SPEC["cases"]:
        reply = case["reply"]
        if "source" in reply:
            assert reply["digest"] == cell_digest(reply["source"]), case["name"]
        elif "digest" in reply:
            assert reply["digest"] == cell_digest(case["request"]["source"]), case["name"]


def test_cases_cover_every_front_end_status():
    from_frontend = {name for name, status in SPEC["statuses"].items() if status["from"] == "frontend"}
    assert {c["reply"]["status"] for c in SPEC["cases"]} == from_frontend


def _case(name):
    return next(c for c in SPEC["cases"] if c["name"] == name)


def test_the_kernels_merge_round_trip_follows_the_cases(monkeypatch):
    """Kernel side of merge: the `merge` reply's text, merged, goes back with base_digest; `updated` reads `merged`."""
    from synthnb.notebook import upsert

    asked, merged, written = (
        _case("merge_sends_the_current_text"),
        _case("merged_text_written_over_the_base_it_came_from"),
        _case("merged_text_equal_to_the_base_takes_ownership"),
    )
    sent, reports = [], []
    monkeypatch.setattr(upsert, "open_request", lambda message, on_reply: sent.append((message, on_reply)))
    req = asked["request"]
    request = CellRequest(req["key"], req["source"], req["cell_type"], req["anchor_cell_id"], req["position"])
    person = asked["reply"]["source"]
    merge = {person: merged["request"]["source"]}.__getitem__  # the datasheet's merge, for this one text
    upsert.send_upsert(request, merge=merge, report=lambda status, reply: reports.append(status))

    assert [m for m, _ in sent] == [req]
    sent[0][1](asked["reply"])
    assert [m for m, _ in sent] == [req, merged["request"]]
    sent[1][1](merged["reply"])
    assert reports == ["merged"]
    sent[1][1](written["reply"])
    sent[1][1](_case("conflict_when_edited_during_the_merge")["reply"])
    assert reports == ["merged", "merged", "conflict"]
    assert all(status in _REPORTS for status in reports)


def _materialize_cases():
    """Upserts materialize can meet: the anchor cell is in the notebook (it holds the output) and no merge is asked."""
    for case in SPEC["cases"]:
        req = case["request"]
        ids = [cell.get("id") for cell in case["cells_before"]]
        merging = req.get("merge") or req.get("base_digest") or req.get("update_only")
        if req.get("op") == "upsert" and not merging and req.get("anchor_cell_id") in ids:
            yield case


@pytest.mark.parametrize("case", list(_materialize_cases()), ids=lambda c: c["name"])
def test_materialize_follows_the_protocols_ownership_cases(case):
    """The offline materialize owns, updates, leaves alone and places cells as the extension does, copies included."""
    import nbformat

    from synthnb.notebook.materialize import _upsert

    def cell(data):
        make = nbformat.v4.new_markdown_cell if data["cell_type"] == "markdown" else nbformat.v4.new_code_cell
        made = make(data["source"], metadata=json.loads(json.dumps(data.get("metadata", {}))))
        made.id = data["id"]
        return made

    def plain(made):
        data = {"id": made.id, "cell_type": made.cell_type, "source": made.source}
        return {**data, "metadata": made.metadata} if made.metadata else data

    nb = nbformat.v4.new_notebook()
    nb.cells = [cell(data) for data in case["cells_before"]]
    req = case["request"]
    anchor = next(c for c in nb.cells if c.id == req["anchor_cell_id"])
    change = _upsert(nb, CellRequest(req["key"], req["source"], req["cell_type"], None, req["position"]), anchor)
    assert change.status == case["reply"]["status"]
    if change.status == "added":  # materialize's fresh id stands where the cases write new_cell_id
        made = nb.cells[change.index]
        assert made.metadata["synthnb"]["cell_id"] == made.id
        made.id = made.metadata["synthnb"]["cell_id"] = SPEC["new_cell_id"]
    assert [plain(c) for c in nb.cells] == case["cells_after"]
    nbformat.validate(nb)
