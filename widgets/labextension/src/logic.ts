/**
 * The decisions of the `synthnb.cells` protocol, on plain data: given the notebook's cells and one
 * request from the kernel, which reply to send and what to change in the notebook.
 *
 * No JupyterLab here, so `test/protocol.test.mjs` runs every case of `src/protocol.json` (the
 * written protocol, also checked against the kernel side by tests/notebook/test_protocol_spec.py)
 * on this module with plain `node --test`; index.ts only reads the notebook model into
 * `ICellData` and applies the returned `Action`.
 *
 * Ownership: a cell synthnb creates carries metadata.synthnb = {key, digest, anchor, cell_id}; `digest`
 * is the SHA-256 of the source synthnb wrote and `cell_id` the id the cell was created with. A cell
 * whose id is not its `cell_id` is a pasted copy (JupyterLab gives a pasted cell a new id but keeps its
 * metadata): synthnb did not create it and never touches it. A record without `cell_id` (written
 * before it existed) is owned by key alone, as it always was. A cell whose current source no longer has that digest
 * was edited by a person and is never overwritten, except by an upsert whose `base_digest` equals
 * the current source's digest: the kernel's answer to our `merge` reply, built from that very text.
 * Cells without that metadata were not made by synthnb and are never touched. An upsert that only
 * updates (`update_only`, or a merge answer carrying `base_digest`) never inserts: a cell a person
 * deleted comes back only when the code that makes it runs again.
 */

// `.js`: the compiled module is imported by node as an ES module, which needs the extension.
import { sha256Hex } from './sha256.js';

/** Request ops, as in protocol.json's `ops`. */
export const OPS = ['upsert', 'merge'] as const;

/** Reply statuses this side sends, as in protocol.json's `statuses` whose `from` is `frontend`. */
export const REPLY_STATUSES = [
  'added',
  'updated',
  'unchanged',
  'edited',
  'merge',
  'conflict',
  'source',
  'missing',
  'error'
] as const;

export type Op = (typeof OPS)[number];
export type ReplyStatus = (typeof REPLY_STATUSES)[number];

export interface IOwnership {
  key: string;
  digest: string;
  anchor?: string | null;
  cell_id?: string;
}

/** One notebook cell as the logic needs it. */
export interface ICellData {
  id?: string;
  cell_type: string;
  source: string;
  metadata?: { synthnb?: unknown; [name: string]: unknown };
}

export interface ICellRequest {
  op: Op;
  key: string;
  cell_type?: 'code' | 'markdown';
  source?: string;
  digest?: string;
  anchor_cell_id?: string | null;
  position?: 'below_anchor' | 'end';
  merge?: boolean;
  base_digest?: string | null;
  update_only?: boolean;
}

export interface IReply {
  status: ReplyStatus;
  key: string | null;
  source?: string;
  digest?: string;
  edited?: boolean;
  message?: string;
}

/** What to change: insert a new owned cell at `index`, or rewrite the owned cell at `index`. */
export type Action =
  | {
      kind: 'insert';
      index: number;
      cell: { id: string; cell_type: string; source: string; metadata: { synthnb: IOwnership } };
    }
  | { kind: 'update'; index: number; source: string; ownership: IOwnership };

export interface IDecision {
  reply: IReply;
  action?: Action;
}

/** Makes the id of a cell about to be inserted (index.ts: a UUID, as JupyterLab's own). */
export type NewCellId = () => string;

/** The synthnb ownership record of a cell, or undefined for a cell synthnb did not create. */
export function ownership(cell: ICellData): IOwnership | undefined {
  const meta = cell.metadata?.synthnb as IOwnership | undefined;
  if (!meta || typeof meta !== 'object' || typeof meta.key !== 'string') {
    return undefined;
  }
  // a record naming another cell's id was copied along with a pasted (or duplicated) cell
  return meta.cell_id === undefined || meta.cell_id === cell.id ? meta : undefined;
}

function findKey(cells: readonly ICellData[], key: string): number {
  return cells.findIndex(cell => ownership(cell)?.key === key);
}

/** Where a new cell goes: below its anchor (after earlier synthnb cells of that anchor) or at the end. */
function insertionIndex(cells: readonly ICellData[], req: ICellRequest): number {
  if (req.position === 'below_anchor' && req.anchor_cell_id) {
    const at = cells.findIndex(cell => cell.id === req.anchor_cell_id);
    if (at >= 0) {
      let j = at + 1;
      while (j < cells.length && ownership(cells[j])?.anchor === req.anchor_cell_id) {
        j++;
      }
      return j;
    }
  }
  return cells.length;
}

function upsert(cells: readonly ICellData[], req: ICellRequest, newCellId: NewCellId): IDecision {
  const source = req.source ?? '';
  const digest = sha256Hex(source);
  const index = findKey(cells, req.key);
  if (index < 0 && (req.update_only || req.base_digest)) {
    // a later update (figures that arrived after the fit) or the merge of a cell that was there: the
    // person deleted it meanwhile, and a deleted cell never comes back uninvited
    return { reply: { status: 'missing', key: req.key } };
  }
  if (index < 0) {
    const id = newCellId();
    const meta: IOwnership = { key: req.key, digest, anchor: req.anchor_cell_id ?? null, cell_id: id };
    return {
      reply: { status: 'added', key: req.key, digest },
      action: {
        kind: 'insert',
        index: insertionIndex(cells, req),
        cell: { id, cell_type: req.cell_type ?? 'code', source, metadata: { synthnb: meta } }
      }
    };
  }
  const current = cells[index].source;
  const currentDigest = sha256Hex(current);
  const recorded = ownership(cells[index])!;
  const mergedFromCurrent = !!req.base_digest && req.base_digest === currentDigest;
  if (!mergedFromCurrent) {
    if (current === source) {
      return { reply: { status: 'unchanged', key: req.key, digest } };
    }
    if (req.merge) {
      // the kernel regenerates its own sections from this text, then sends it back with base_digest
      return { reply: { status: 'merge', key: req.key, source: current, digest: currentDigest } };
    }
    if (req.base_digest) {
      return { reply: { status: 'conflict', key: req.key, source: current, digest: currentDigest } };
    }
    if (currentDigest !== recorded.digest) {
      return { reply: { status: 'edited', key: req.key, source: current, digest: currentDigest } };
    }
  }
  return {
    reply: { status: current === source ? 'unchanged' : 'updated', key: req.key, digest },
    action: { kind: 'update', index, source, ownership: { ...recorded, digest } }
  };
}

function currentSource(cells: readonly ICellData[], req: ICellRequest): IDecision {
  const index = findKey(cells, req.key);
  if (index < 0) {
    return { reply: { status: 'missing', key: req.key } };
  }
  const source = cells[index].source;
  const digest = sha256Hex(source);
  return {
    reply: { status: 'source', key: req.key, source, digest, edited: digest !== ownership(cells[index])!.digest }
  };
}

/**
 * The reply to *request* (a comm open's data, unchecked) and the change to make, if any; a cell it
 * inserts gets the id *newCellId* makes, recorded in its ownership as `cell_id`.
 */
export function decide(cells: readonly ICellData[], request: unknown, newCellId: NewCellId): IDecision {
  const req = request as ICellRequest | null | undefined;
  if (typeof req?.key !== 'string') {
    return { reply: { status: 'error', key: null, message: 'no key in the request' } };
  }
  if (req.op === 'upsert') {
    return upsert(cells, req, newCellId);
  }
  if (req.op === 'merge') {
    return currentSource(cells, req);
  }
  return { reply: { status: 'error', key: req.key, message: `unknown op ${String(req.op)}` } };
}
