// Runs every case of src/protocol.json against the extension's protocol logic (compiled to lib/).
// The kernel side is checked against the same file by tests/notebook/test_protocol_spec.py.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { OPS, REPLY_STATUSES, decide } from '../lib/logic.js';
import { sha256Hex } from '../lib/sha256.js';

const protocol = JSON.parse(readFileSync(new URL('../src/protocol.json', import.meta.url), 'utf8'));

/** The notebook after an action, as index.ts applies it to the model (an inserted cell has the id decide() chose). */
function applied(cells, action) {
  const after = structuredClone(cells);
  if (action?.kind === 'insert') {
    after.splice(action.index, 0, action.cell);
  } else if (action?.kind === 'update') {
    const cell = after[action.index];
    cell.source = action.source;
    cell.metadata = { ...cell.metadata, synthnb: action.ownership };
  }
  return after;
}

test('the ops and reply statuses are those of protocol.json', () => {
  assert.deepEqual([...OPS], Object.keys(protocol.ops));
  const fromFrontend = Object.entries(protocol.statuses).filter(([, s]) => s.from === 'frontend').map(([n]) => n);
  assert.deepEqual([...REPLY_STATUSES], fromFrontend);
});

test('every reply status is exercised by some case', () => {
  const seen = new Set(protocol.cases.map(c => c.reply.status));
  assert.deepEqual(REPLY_STATUSES.filter(s => !seen.has(s)), []);
});

test('the digests of protocol.json are the SHA-256 this side computes', () => {
  for (const [text, digest] of Object.entries(protocol.digests)) {
    assert.equal(sha256Hex(text), digest, JSON.stringify(text));
  }
});

for (const c of protocol.cases) {
  test(`case ${c.name}: ${c.about}`, () => {
    const before = structuredClone(c.cells_before);
    const { reply, action } = decide(c.cells_before, c.request, () => protocol.new_cell_id);
    assert.deepEqual(c.cells_before, before, 'decide() must not modify the cells it reads');
    assert.deepEqual(reply, c.reply);
    assert.deepEqual(applied(c.cells_before, action), c.cells_after);
    if (action?.kind === 'insert') {
      for (const [key, value] of Object.entries(action.cell.metadata.synthnb)) {
        assert.ok(protocol.ownership.includes(key), `ownership key ${key} is not in protocol.json`);
        assert.notEqual(value, undefined);
      }
      assert.equal(action.cell.metadata.synthnb.cell_id, action.cell.id, 'an inserted cell records its own id');
    }
  });
}

test('a copy of a cell synthnb inserted is not owned, whatever the order of the cells', () => {
  const fit = { id: 'fit', cell_type: 'code', source: '%synth fit df\n' };
  const request = { op: 'upsert', key: 'k', cell_type: 'code', source: 'a\n', anchor_cell_id: 'fit', position: 'below_anchor' };
  const { action } = decide([fit], request, () => 'made');
  const made = applied([fit], action)[1];
  const copy = { ...structuredClone(made), id: 'pasted' }; // JupyterLab's paste: new id, same metadata
  const update = { ...request, source: 'b\n' };
  for (const cells of [[fit, copy, made], [fit, made, copy], [copy, fit, made]]) {
    const decision = decide(cells, update, () => 'unused');
    assert.equal(decision.reply.status, 'updated');
    assert.equal(cells[decision.action.index], made);
  }
  assert.equal(decide([fit, copy], update, () => 'again').action.kind, 'insert');
});
