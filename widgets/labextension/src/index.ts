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
 * The requests, the replies and their statuses, and the ownership rules are written once in
 * `protocol.json` (with cases that test both sides); the decisions are in `logic.ts`, which this
 * module feeds with the notebook's cells and whose changes it applies to the notebook model.
 */

import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { MarkdownCell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { JSONObject, UUID } from '@lumino/coreutils';

import { Action, ICellData, IReply, decide } from './logic.js';
import protocol from './protocol.json';

// package.json is outside tsc's rootDir, so it is not imported; webpack bundles this require.
declare const require: (id: string) => { version: string };
const VERSION: string = require('../package.json').version;
const TARGET: string = protocol.target;

/** Kernels already hooked: a restart keeps the same connection and its comm targets. */
const hooked = new WeakSet<Kernel.IKernelConnection>();

/** The notebook's cells as the protocol logic reads them. */
function cellData(panel: NotebookPanel): ICellData[] {
  const cells = panel.content.model!.cells;
  const out: ICellData[] = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    out.push({
      id: cell.id,
      cell_type: cell.type,
      source: cell.sharedModel.getSource(),
      metadata: { synthnb: cell.getMetadata('synthnb') }
    });
  }
  return out;
}

function renderMarkdown(panel: NotebookPanel, index: number): void {
  const widget = panel.content.widgets[index];
  if (widget instanceof MarkdownCell) {
    widget.rendered = true;
  }
}

function apply(panel: NotebookPanel, action: Action): void {
  const model = panel.content.model!;
  if (action.kind === 'insert') {
    // the id logic.ts recorded as the cell's cell_id: a later copy of the cell gets another one
    model.sharedModel.insertCell(action.index, {
      id: action.cell.id,
      cell_type: action.cell.cell_type as 'code' | 'markdown',
      source: action.cell.source,
      metadata: { synthnb: action.cell.metadata.synthnb as any }
    });
  } else {
    const cell = model.cells.get(action.index);
    model.sharedModel.transact(() => {
      cell.sharedModel.setSource(action.source);
      cell.setMetadata('synthnb', action.ownership as any);
    });
  }
  renderMarkdown(panel, action.index);
}

function handle(panel: NotebookPanel, request: unknown): IReply {
  if (!panel.content.model) {
    return { status: 'error', key: (request as { key?: string } | null)?.key ?? null, message: 'no notebook model' };
  }
  const { reply, action } = decide(cellData(panel), request, () => UUID.uuid4());
  if (action) {
    apply(panel, action);
  }
  return reply;
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
        ? (handle(panel, msg.content.data) as unknown as JSONObject)
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
