// synthnb Workbench panel (anywidget ESM). The controls edit `values`; the buttons send {type: "fit" |
// "evaluate" | "export"} and the kernel (synthnb/workbench/panel.py) does the work, reporting through
// `status`, `progress_html`, `message`, `refusal` and `lines`. The dashboard is a widget of its own below.

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function field(label, control, hint) {
  return h("label", { class: "sn-wb-field" }, h("span", { class: "sn-wb-label" }, label), control,
    hint ? h("span", { class: "sn-wb-hint" }, hint) : "");
}

function render({ model, el }) {
  const opts = model.get("options") || {};
  const values = () => model.get("values") || {};
  function set(key, value) {
    model.set("values", { ...values(), [key]: value });
    model.save_changes();
  }
  const intOrNull = (text) => (text.trim() === "" ? null : Number(text));

  const modelSel = h("select", { class: "sn-wb-model", onchange: (e) => set("model", e.target.value) },
    ...(opts.models || []).map(([key, label]) => h("option", { value: key }, label)));
  const rows = h("input", { class: "sn-wb-rows", type: "number", min: "1", placeholder: String(opts.n_rows || ""),
    onchange: (e) => set("rows", intOrNull(e.target.value)) });
  const seed = h("input", { class: "sn-wb-seed", type: "number", min: "0",
    onchange: (e) => set("seed", intOrNull(e.target.value) ?? 0) });
  const epochs = h("input", { class: "sn-wb-epochs", type: "number", min: "1", placeholder: "300",
    onchange: (e) => set("epochs", intOrNull(e.target.value)) });
  const sensitive = h("div", { class: "sn-wb-sensitive" }, ...(opts.columns || []).map((col) =>
    h("label", { class: "sn-wb-check" },
      h("input", { type: "checkbox", value: col, onchange: () => set("sensitive",
        [...sensitive.querySelectorAll("input:checked")].map((i) => i.value)) }), col)));
  const target = h("select", { class: "sn-wb-target", onchange: (e) => set("target", e.target.value || null) },
    h("option", { value: "" }, "(none)"), ...(opts.columns || []).map((col) => h("option", { value: col }, col)));
  const path = h("input", { class: "sn-wb-path", type: "text", onchange: (e) => set("path", e.target.value) });
  const reason = h("input", { class: "sn-wb-reason", type: "text",
    placeholder: "why this table may be exported anyway (recorded with the export)",
    oninput: (e) => set("reason", e.target.value) });

  // A restarted (or stopped) kernel no longer holds this panel: say so and how to bring it back, never
  // swallow a click. JupyterLab's widget manager marks the view disconnected; a send on a dead comm throws.
  const lostNote = h("div", { class: "sn-wb-lost", role: "alert" },
    "This panel lost its kernel (it was restarted or stopped), so a click cannot reach it. Run this cell again " +
    "(Shift+Enter) to bring the Workbench back; the summary cells below it re-create each fit without clicks.");
  lostNote.style.display = "none";
  function lost() {
    lostNote.style.display = "";
    for (const b of [fitBtn, evalBtn, exportBtn, anywayBtn]) b.disabled = true;
    el.querySelector(".sn-wb").dataset.status = "disconnected";
  }
  const disconnected = () => !!el.closest(".jupyter-widgets-disconnected");
  const send = (type) => () => {
    if (disconnected()) return lost();
    try {
      model.send({ type });
    } catch (err) {
      lost();
    }
  };
  const fitBtn = h("button", { class: "sn-wb-fit", onclick: send("fit") }, "Fit");
  const evalBtn = h("button", { class: "sn-wb-evaluate", onclick: send("evaluate") }, "Evaluate");
  const exportBtn = h("button", { class: "sn-wb-export", onclick: send("export") }, "Export");
  const anywayBtn = h("button", { class: "sn-wb-export-anyway", onclick: send("export") }, "Export anyway");

  const status = h("div", { class: "sn-wb-status" });
  const message = h("div", { class: "sn-wb-message" });
  const progress = h("div", { class: "sn-wb-progress" });
  const idents = h("div", { class: "sn-wb-identifiers" });
  const summary = h("div", { class: "sn-wb-summary" });
  const lines = h("div", { class: "sn-wb-lines" });
  const refusalText = h("div", { class: "sn-wb-refusal-text" });
  const refusal = h("div", { class: "sn-wb-refusal" }, refusalText, field("Reason to override", reason), anywayBtn);

  el.append(h("div", { class: "sn-wb" },
    h("div", { class: "sn-wb-title" }, opts.title || "synthnb Workbench"),
    h("div", { class: "sn-wb-grid" },
      field("Model", modelSel), field("Rows", rows, `default ${opts.n_rows}`), field("Seed", seed),
      field("Epochs", epochs, "neural models only"), field("Target", target, "the column a model predicts")),
    field("Sensitive columns", sensitive, "groups compared for fairness"),
    idents,
    h("div", { class: "sn-wb-buttons" }, fitBtn, evalBtn, h("span", { class: "sn-wb-sep" }),
      field("Export to", path), exportBtn, status),
    lostNote, progress, summary, message, lines, refusal));
  const watched = el.closest(".jupyter-widgets") || el.parentElement;
  let observer = null;
  if (watched && typeof MutationObserver !== "undefined") {
    observer = new MutationObserver(() => { if (disconnected()) lost(); });
    observer.observe(watched, { attributes: true, attributeFilter: ["class"] });
  }

  function drawValues() {
    const v = values();
    modelSel.value = v.model || "gaussian_copula";
    rows.value = v.rows ?? "";
    seed.value = v.seed ?? 0;
    epochs.value = v.epochs ?? "";
    epochs.disabled = !(opts.neural || []).includes(v.model);
    const chosen = new Set(v.sensitive || []);
    for (const box of sensitive.querySelectorAll("input")) {
      // the target is what a model predicts, not a group to compare
      box.disabled = box.value === v.target;
      box.checked = chosen.has(box.value) && !box.disabled;
      box.parentElement.title = box.disabled ? "the target: choose another target to compare its groups" : "";
    }
    target.value = v.target || "";
    path.value = v.path || "";
    if (document.activeElement !== reason) reason.value = v.reason || "";
  }
  function drawStatus() {
    const s = model.get("status") || "idle";
    status.textContent = s === "idle" ? "" : `${s}…`;
    if (lostNote.style.display !== "none") return;  // a lost panel stays disabled
    for (const b of [fitBtn, evalBtn, exportBtn, anywayBtn]) b.disabled = s !== "idle";
    el.querySelector(".sn-wb").dataset.status = s;
  }
  function drawMessage() {
    const m = model.get("message") || {};
    message.textContent = m.text || "";
    message.title = m.text || "";
    message.className = `sn-wb-message ${m.kind ? `sn-wb-${m.kind}` : ""}`;
  }
  function drawRefusal() {
    const text = model.get("refusal") || "";
    refusalText.textContent = text;
    refusal.style.display = text ? "" : "none";
  }
  function drawLines() {
    const l = model.get("lines") || {};
    lines.replaceChildren(...Object.entries(l).map(([kind, line]) =>
      h("div", { class: `sn-wb-line sn-wb-line-${kind}` }, h("code", {}, line))));
  }
  const html = (node, key) => () => { node.innerHTML = model.get(key) || ""; };
  const drawers = {
    values: drawValues, status: drawStatus, message: drawMessage, refusal: drawRefusal, lines: drawLines,
    progress_html: html(progress, "progress_html"), identifiers_html: html(idents, "identifiers_html"),
    summary_html: html(summary, "summary_html"),
  };
  for (const [key, draw] of Object.entries(drawers)) {
    model.on(`change:${key}`, draw);
    draw();
  }
  return () => { if (observer) observer.disconnect(); };
}

export default { render };
