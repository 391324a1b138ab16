/**
 * synthnb's front end: lets the kernel add or update its own keyed cells in the notebook that ran
 * the code (JupyterLab 4 and Notebook 7).
 *
 * Protocol (the kernel side is synthnb/notebook/_frontend.py and upsert.py):
 *
 * 1. Every execute request this notebook sends carries `metadata.synthnb = {frontend, target}`.
 *    The kernel therefore knows *while the cell runs* that a synthnb front end serves this
 *    notebook, without waiting for a reply it could only read after the cell (and, under
 *    "Run All", after every queued cell) has finished.
 * 2. The kernel opens a comm on the target `synthnb.cells`; the open message's data is the
 *    request. We act on it at once, reply with one message on that comm and close it.
 *
 * Requests:
 *   {op: 'upsert', key, cell_type, source, digest, anchor_cell_id, position: 'below_anchor'|'end',
 *    merge?: boolean, base_digest?: string}
 *   {op: 'merge', key}
 * Replies: {status, key, source?, digest?}, status one of
 *   added | updated | unchanged | edited | merge | conflict | source | missing | error.
 *
 * Ownership: a cell we create carries metadata.synthnb = {key, digest, anchor}; `digest` is the
 * SHA-256 of the source synthnb wrote. A cell whose current source no longer has that digest was
 * edited by a person and is never overwritten, except by an upsert whose `base_digest` equals the
 * current source's digest: the kernel's answer to our `merge` reply, built from that very text.
 */

import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { MarkdownCell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { JSONObject } from '@lumino/coreutils';

import { sha256Hex } from './sha256';

const TARGET = 'synthnb.cells';
const VERSION = '0.1.0';

interface ICellRequest {
  op: 'upsert' | 'merge';
  key: string;
  cell_type?: 'code' | 'markdown';
  source?: string;
  digest?: string;
  anchor_cell_id?: string | null;
  position?: 'below_anchor' | 'end';
  merge?: boolean;
  base_digest?: string | null;
}

interface IOwnership {
  key: string;
  digest: string;
  anchor?: string | null;
}

/** Kernels already hooked: a restart keeps the same connection and its comm targets. */
const hooked = new WeakSet<Kernel.IKernelConnection>();

function ownership(panel: NotebookPanel, index: number): IOwnership | undefined {
  const cell = panel.content.model!.cells.get(index);
  const meta = cell.getMetadata('synthnb') as IOwnership | undefined;
  return meta && typeof meta.key === 'string' ? meta : undefined;
}

function findKey(panel: NotebookPanel, key: string): number {
  const cells = panel.content.model!.cells;
  for (let i = 0; i < cells.length; i++) {
    if (ownership(panel, i)?.key === key) {
      return i;
    }
  }
  return -1;
}

/** Where a new cell goes: below its anchor (after earlier synthnb cells of that anchor) or at the end. */
function insertionIndex(panel: NotebookPanel, req: ICellRequest): number {
  const cells = panel.content.model!.cells;
  if (req.position === 'below_anchor' && req.anchor_cell_id) {
    for (let i = 0; i < cells.length; i++) {
      if (cells.get(i).id === req.anchor_cell_id) {
        let j = i + 1;
        while (j < cells.length && ownership(panel, j)?.anchor === req.anchor_cell_id) {
          j++;
        }
        return j;
      }
    }
  }
  return cells.length;
}

function renderMarkdown(panel: NotebookPanel, index: number): void {
  const widget = panel.content.widgets[index];
  if (widget instanceof MarkdownCell) {
    widget.rendered = true;
  }
}

function upsert(panel: NotebookPanel, req: ICellRequest): JSONObject {
  const model = panel.content.model!;
  const source = req.source ?? '';
  const digest = sha256Hex(source);
  const meta: IOwnership = { key: req.key, digest, anchor: req.anchor_cell_id ?? null };
  const index = findKey(panel, req.key);
  if (index < 0) {
    const at = insertionIndex(panel, req);
    model.sharedModel.insertCell(at, {
      cell_type: req.cell_type ?? 'code',
      source,
      metadata: { synthnb: meta as any }
    });
    renderMarkdown(panel, at);
    return { status: 'added', key: req.key, digest };
  }
  const cell = model.cells.get(index);
  const current = cell.sharedModel.getSource();
  const currentDigest = sha256Hex(current);
  const recorded = ownership(panel, index)!;
  const mergedFromCurrent = !!req.base_digest && req.base_digest === currentDigest;
  if (!mergedFromCurrent) {
    if (current === source) {
      return { status: 'unchanged', key: req.key, digest };
    }
    if (req.merge) {
      // the kernel regenerates its own sections from this text, then sends it back with base_digest
      return { status: 'merge', key: req.key, source: current, digest: currentDigest };
    }
    if (req.base_digest) {
      return { status: 'conflict', key: req.key, source: current, digest: currentDigest };
    }
    if (currentDigest !== recorded.digest) {
      return { status: 'edited', key: req.key, source: current, digest: currentDigest };
    }
  }
  model.sharedModel.transact(() => {
    cell.sharedModel.setSource(source);
    cell.setMetadata('synthnb', { ...recorded, digest } as any);
  });
  renderMarkdown(panel, index);
  return { status: current === source ? 'unchanged' : 'updated', key: req.key, digest };
}

function currentSource(panel: NotebookPanel, req: ICellRequest): JSONObject {
  const index = findKey(panel, req.key);
  if (index < 0) {
    return { status: 'missing', key: req.key };
  }
  const source = panel.content.model!.cells.get(index).sharedModel.getSource();
  const digest = sha256Hex(source);
  return {
    status: 'source',
    key: req.key,
    source,
    digest,
    edited: digest !== ownership(panel, index)!.digest
  };
}

function handle(panel: NotebookPanel, req: ICellRequest): JSONObject {
  if (!panel.content.model || typeof req?.key !== 'string') {
    return { status: 'error', key: req?.key ?? null, message: 'no notebook model or no key' };
  }
  if (req.op === 'upsert') {
    return upsert(panel, req);
  }
  if (req.op === 'merge') {
    return currentSource(panel, req);
  }
  return { status: 'error', key: req.key, message: `unknown op ${String(req.op)}` };
}

function hookKernel(tracker: INotebookTracker, kernel: Kernel.IKernelConnection): void {
  if (hooked.has(kernel)) {
    return;
  }
  hooked.add(kernel);
  kernel.registerCommTarget(TARGET, (comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg) => {
    // looked up now, not when hooked: views of one notebook share its kernel, and any may be closed since
    const panel = tracker.find(p => !p.isDisposed && p.sessionContext.session?.kernel === kernel);
    let reply: JSONObject;
    try {
      reply = panel
        ? handle(panel, msg.content.data as unknown as ICellRequest)
        : { status: 'error', key: null, message: 'no open notebook uses this kernel' };
    } catch (err) {
      reply = { status: 'error', key: null, message: String(err) };
    }
    comm.send(reply);
    comm.close();
  });
  // Stamp this notebook's execute requests so the kernel knows, while a cell runs, that we are here.
  const requestExecute = kernel.requestExecute.bind(kernel);
  kernel.requestExecute = (content, disposeOnDone, metadata) =>
    requestExecute(content, disposeOnDone, {
      ...(metadata ?? {}),
      synthnb: { frontend: VERSION, target: TARGET }
    });
}

function attach(tracker: INotebookTracker, panel: NotebookPanel): void {
  const context = panel.sessionContext;
  const hook = () => {
    const kernel = context.session?.kernel;
    if (kernel) {
      hookKernel(tracker, kernel);
    }
  };
  context.kernelChanged.connect(hook);
  context.ready.then(hook).catch(() => undefined);
  hook();
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'synthnb:cells',
  description: "Lets synthnb's kernel side add and update its own keyed cells in the notebook that ran the code.",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    tracker.forEach(panel => attach(tracker, panel));
    tracker.widgetAdded.connect((_sender, panel) => attach(tracker, panel));
  }
};

export default plugin;
