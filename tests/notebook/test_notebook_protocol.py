"""The kernel side of the synthnb.cells protocol, talking to a real ipykernel over ZMQ.

The test plays the front end's part with jupyter_client exactly as the JupyterLab extension does
(stamped execute requests, replies on the comm), so the kernel's fallback, its no-wait behaviour and
the datasheet merge round-trip are checked without a browser; tests/browser runs the real extension.
"""

from __future__ import annotations

import time

import pytest

from synthnb import __version__
from synthnb.notebook import PAYLOAD_MIME, cell_digest

STAMP = {"synthnb": {"frontend": __version__, "target": "synthnb.cells"}, "cellId": "fit-cell-1"}


@pytest.fixture(scope="module")
def kernel():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    kc.execute_interactive("from synthnb.notebook import upsert_cell", timeout=60)
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def _execute(kc, code, metadata=None):
    """Send an execute request (with front-end metadata) and collect its reply and IOPub messages."""
    content = {
        "code": code,
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": True,
    }
    msg = kc.session.msg("execute_request", content, metadata=metadata or {})
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"], _until_idle(kc, msg["header"]["msg_id"])


def _until_idle(kc, msg_id, timeout=60):
    reply = kc.get_shell_msg(timeout=timeout)
    assert reply["parent_header"]["msg_id"] == msg_id
    messages = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") == msg_id:
            messages.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return reply, messages
    raise AssertionError("the kernel did not go idle")


def _reply_on_comm(kc, comm_id, data):
    """Answer a comm as the front end does, and return the IOPub messages the kernel sends in response."""
    msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
    kc.shell_channel.send(msg)
    out = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        m = kc.get_iopub_msg(timeout=30)
        if m["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            out.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return out
    raise AssertionError("no idle after the comm reply")


def _of_type(messages, msg_type):
    return [m for m in messages if m["msg_type"] == msg_type]


def test_without_front_end_falls_back_to_set_next_input_and_shows_the_bundle(kernel):
    start = time.monotonic()
    _, (reply, io) = _execute(kernel, "upsert_cell('provenance:t', 't = 1\\n')")
    assert time.monotonic() - start < 5  # never waits for a front end that is not there
    assert reply["content"]["payload"] == [{"source": "set_next_input", "text": "t = 1\n", "replace": False}]
    assert not _of_type(io, "comm_open")
    (shown,) = [m for m in _of_type(io, "display_data") if PAYLOAD_MIME in m["content"]["metadata"]]
    payload = shown["content"]["metadata"][PAYLOAD_MIME]
    assert payload["source"] == "t = 1\n" and payload["digest"] == cell_digest("t = 1\n")
    assert payload["anchor"] is None


def test_markdown_fallback_is_the_displayed_bundle_only(kernel):
    _, (reply, io) = _execute(kernel, "upsert_cell('datasheet:t', '# Sheet', 'markdown')")
    assert reply["content"]["payload"] == []
    (shown,) = [m for m in _of_type(io, "display_data") if PAYLOAD_MIME in m["content"]["metadata"]]
    assert "# Sheet" in shown["content"]["data"]["text/markdown"]


def test_with_front_end_the_request_goes_out_on_the_comm_without_set_next_input(kernel):
    _, (reply, io) = _execute(kernel, "upsert_cell('provenance:u', 'u = 2\\n')", metadata=STAMP)
    assert reply["content"]["payload"] == []
    (opened,) = _of_type(io, "comm_open")
    assert opened["content"]["target_name"] == "synthnb.cells"
    assert opened["content"]["data"] == {
        "op": "upsert",
        "key": "provenance:u",
        "cell_type": "code",
        "source": "u = 2\n",
        "digest": cell_digest("u = 2\n"),
        "anchor_cell_id": "fit-cell-1",
        "position": "below_anchor",
        "merge": False,
        "base_digest": None,
        "update_only": False,
    }
    # the bundle is shown all the same, so the saved notebook carries it
    assert any(PAYLOAD_MIME in m["content"]["metadata"] for m in _of_type(io, "display_data"))
    # an "edited" answer is reported to the person under the bundle
    out = _reply_on_comm(kernel, opened["content"]["comm_id"], {"status": "edited", "key": "provenance:u"})
    (update,) = _of_type(out, "update_display_data")
    assert update["content"]["transient"]["display_id"] == "synthnb-status-provenance:u"
    assert "cell left as you edited it" in update["content"]["data"]["text/plain"]


def test_merge_round_trip_keeps_the_persons_text(kernel):
    code = (
        "merge = lambda previous: previous.replace('old figures', 'new figures')\n"
        "upsert_cell('datasheet:m', 'intro\\nold figures\\n', 'markdown', merge=merge)"
    )
    _, (_, io) = _execute(kernel, code, metadata=STAMP)
    (opened,) = _of_type(io, "comm_open")
    assert opened["content"]["data"]["merge"] is True
    assert opened["content"]["data"]["position"] == "end"
    edited = "intro\nold figures\n\nAnswer: teaching only.\n"
    out = _reply_on_comm(
        kernel,
        opened["content"]["comm_id"],
        {"status": "merge", "key": "datasheet:m", "source": edited, "digest": cell_digest(edited)},
    )
    (second,) = _of_type(out, "comm_open")
    data = second["content"]["data"]
    assert data["source"] == "intro\nnew figures\n\nAnswer: teaching only.\n"
    assert data["base_digest"] == cell_digest(edited)
    assert data["digest"] == cell_digest(data["source"])
    done = _reply_on_comm(kernel, second["content"]["comm_id"], {"status": "updated", "key": "datasheet:m"})
    (update,) = _of_type(done, "update_display_data")
    assert "cell updated; your answers kept" in update["content"]["data"]["text/plain"]


def test_fit_sends_both_cells_and_update_datasheet_follows_the_evaluation(kernel):
    setup = "%load_ext synthnb\nimport synthnb\ndf = synthnb.datasets.load_adult().head(600)"
    _, (reply, _) = _execute(kernel, setup)
    assert reply["content"]["status"] == "ok"
    _, (reply, io) = _execute(kernel, "%synth fit df --as a_syn --no-report", metadata=STAMP)
    assert reply["content"]["status"] == "ok", reply["content"]
    opened = [m["content"]["data"] for m in _of_type(io, "comm_open")]
    assert [(d["key"], d["cell_type"], d["position"], d["merge"]) for d in opened] == [
        ("provenance:a_syn", "code", "below_anchor", False),
        ("datasheet:a_syn", "markdown", "end", True),
    ]
    assert all(d["anchor_cell_id"] == "fit-cell-1" for d in opened)
    assert opened[0]["source"].startswith("# synthnb provenance · a_syn")
    before = opened[1]["source"]

    # later (e.g. from the dashboard, in another execution that carries no stamp) the evaluation arrives
    code = (
        "from synthnb.notebook import update_datasheet\n"
        "from synthnb.session import session_for\n"
        "run = session_for(get_ipython()).run('a_syn')\n"
        "ev = synthnb.evaluate(run, sections=['fidelity'])\n"
        "update_datasheet(get_ipython(), 'a_syn', ev)"
    )
    _, (reply, io) = _execute(kernel, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    (updated,) = _of_type(io, "update_display_data")
    assert updated["content"]["transient"]["display_id"] == "synthnb-cell-datasheet:a_syn"
    payload = updated["content"]["metadata"][PAYLOAD_MIME]
    (sent,) = [m["content"]["data"] for m in _of_type(io, "comm_open")]
    assert sent["key"] == "datasheet:a_syn" and sent["merge"] is True and sent["anchor_cell_id"] == "fit-cell-1"
    assert sent["source"] == payload["source"] != before
    assert "Figures pending" in before and "Figures pending" not in sent["source"]

    _, (reply, _) = _execute(kernel, "update_datasheet(get_ipython(), 'nope', ev)")
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "SynthnbError"
