// synthnb compare leaderboard (live view): the table drawn from state, sorted by the clicked column.
// The first click sorts best first (as the column's arrow says), a second click reverses; models without
// a value stay last. The best value of each column is bold and starred, as in the static table.

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const CELL = "text-align:right;padding:3px 8px;border-bottom:1px solid var(--jp-border-color2, #ddd)";

function render({ model, el }) {
  let sortKey = null;
  let bestFirst = true;

  function rowsInOrder(state) {
    const rows = [...state.rows];
    if (sortKey === null) return rows;
    const col = state.columns.find((c) => c.key === sortKey);
    const sign = (col.better === "higher") === bestFirst ? -1 : 1;
    return rows.sort((a, b) => {
      const x = a.values[sortKey], y = b.values[sortKey];
      if (x === null && y === null) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return sign * (x - y);
    });
  }

  function draw() {
    const state = model.get("state") || { columns: [], rows: [], best: {}, sentence: "" };
    const head = h("tr", {}, h("th", { style: CELL + ";text-align:left" }, "model"));
    for (const c of state.columns) {
      const arrow = c.better === "higher" ? "↑" : "↓";
      const mark = c.key === sortKey ? (bestFirst ? " ▼" : " ▲") : "";
      head.append(h("th", {
        style: CELL + ";cursor:pointer;user-select:none",
        title: `${c.better} is better; click to sort`,
        "data-key": c.key,
        onclick: () => { bestFirst = sortKey === c.key ? !bestFirst : true; sortKey = c.key; draw(); },
      }, `${c.label} ${arrow}${mark}`));
    }
    const body = h("tbody");
    for (const row of rowsInOrder(state)) {
      const tr = h("tr", { "data-model": row.model },
        h("th", { style: CELL + ";text-align:left" }, row.model, h("br"),
          h("span", { style: "font-weight:normal;opacity:.7" }, row.name)));
      for (const c of state.columns) {
        const best = (state.best[c.key] || []).includes(row.model);
        tr.append(h("td", { style: CELL }, best ? h("b", {}, `${row.text[c.key]} ★`) : row.text[c.key]));
      }
      body.append(tr);
    }
    el.replaceChildren(h("div", { class: "synthnb-leaderboard" },
      h("table", { style: "border-collapse:collapse;font-size:12.5px;font-variant-numeric:tabular-nums" },
        h("thead", {}, head), body),
      h("p", { style: "font-size:12.5px" }, `★ best in its column.${state.note || ""} ${state.sentence}`)));
  }

  model.on("change:state", draw);
  draw();
}

export default { render };
