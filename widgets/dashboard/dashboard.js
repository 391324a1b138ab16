// synthnb evaluation dashboard: headline cards, a tab per section, plots drawn as inline SVG from the
// figure specs the Python side computes. No bundler, no plotting library.

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"];

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

function s(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function legend(svg, names, x, y) {
  names.forEach((name, k) => {
    svg.append(s("rect", { x, y: y + 14 * k, width: 10, height: 10, fill: COLOURS[k % 4] }));
    svg.append(s("text", { x: x + 14, y: y + 9 + 14 * k, "font-size": 11 }, name));
  });
}

function bars(spec) {
  const names = Object.keys(spec.series);
  const row = 6 + 9 * names.length, left = 150, width = 520;
  const height = 40 + row * spec.categories.length + 14 * names.length;
  const vmax = Math.max(1e-12, ...names.flatMap((n) => spec.series[n].map((v) => v || 0)));
  const svg = s("svg", { width, height, class: "synthnb-fig" });
  svg.append(s("text", { x: 4, y: 14, "font-weight": "bold", "font-size": 12 }, spec.title));
  spec.categories.forEach((cat, i) => {
    const y0 = 24 + i * row;
    svg.append(s("text", { x: left - 4, y: y0 + row / 2 + 3, "font-size": 10, "text-anchor": "end" },
      String(cat).slice(0, 24)));
    names.forEach((name, k) => {
      const v = spec.series[name][i] || 0;
      const w = ((width - left - 60) * v) / vmax;
      const r = s("rect", { x: left, y: y0 + 9 * k, width: w.toFixed(1), height: 8, fill: COLOURS[k % 4] });
      r.append(s("title", {}, `${name}: ${v.toFixed(4)}`));
      svg.append(r);
      svg.append(s("text", { x: left + w + 3, y: y0 + 9 * k + 7, "font-size": 9 }, v.toFixed(3)));
    });
  });
  legend(svg, names, left, height - 14 * names.length);
  return svg;
}

function histogram(spec) {
  const names = Object.keys(spec.series);
  const width = 520, height = 200, left = 40, bottom = 40, n = spec.edges.length - 1;
  const vmax = Math.max(1e-12, ...names.flatMap((k) => spec.series[k]));
  const bw = (width - left - 10) / n, plotH = height - bottom - 24, base = 24 + plotH;
  const svg = s("svg", { width, height: height + 14 * names.length, class: "synthnb-fig" });
  svg.append(s("text", { x: 4, y: 14, "font-weight": "bold", "font-size": 12 }, spec.title));
  names.forEach((name, k) => {
    const pts = [`${left},${base}`];
    spec.series[name].forEach((v, i) => {
      const y = 24 + plotH * (1 - v / vmax);
      pts.push(`${left + i * bw},${y}`, `${left + (i + 1) * bw},${y}`);
    });
    pts.push(`${left + n * bw},${base}`);
    svg.append(s("polygon", { points: pts.join(" "), fill: COLOURS[k % 4], "fill-opacity": 0.35,
      stroke: COLOURS[k % 4], "stroke-width": 1.5 }));
  });
  svg.append(s("text", { x: left, y: height - bottom + 30, "font-size": 10 }, Number(spec.edges[0]).toPrecision(4)));
  svg.append(s("text", { x: width - 10, y: height - bottom + 30, "font-size": 10, "text-anchor": "end" },
    Number(spec.edges[n]).toPrecision(4)));
  svg.append(s("text", { x: 4, y: 30, "font-size": 9 }, vmax.toFixed(3)));
  legend(svg, names, left, height);
  return svg;
}

function heatmap(spec) {
  const n = spec.labels.length, cell = 22, left = 120, top = 30, vmax = spec.vmax || 1;
  const svg = s("svg", { width: Math.max(left + n * cell + 10, 7 * spec.title.length), height: top + n * cell + 110,
    class: "synthnb-fig" });
  svg.append(s("text", { x: 4, y: 14, "font-weight": "bold", "font-size": 12 }, spec.title));
  spec.values.forEach((row, i) => {
    svg.append(s("text", { x: left - 4, y: top + i * cell + 15, "font-size": 10, "text-anchor": "end" },
      spec.labels[i].slice(0, 18)));
    row.forEach((v, j) => {
      const t = v === null ? null : Math.max(0, Math.min(1, v / vmax));
      const fill = t === null ? "#eee" : `rgb(255,${Math.round(255 * (1 - t))},${Math.round(255 * (1 - t))})`;
      const r = s("rect", { x: left + j * cell, y: top + i * cell, width: cell - 1, height: cell - 1, fill });
      r.append(s("title", {}, `${spec.labels[i]} × ${spec.labels[j]}: ${v === null ? "n/a" : v.toFixed(3)}`));
      svg.append(r);
    });
  });
  spec.labels.forEach((lab, j) => {
    const x = left + j * cell + 14, y = top + n * cell + 4;
    svg.append(s("text", { x, y, "font-size": 10, transform: `rotate(60 ${x} ${y})` }, lab.slice(0, 18)));
  });
  return svg;
}

const DRAW = { bars, histogram, heatmap };

function table(rows) {
  if (!rows || !rows.length) return h("p", {}, "(empty)");
  const cols = Object.keys(rows[0]);
  const fmt = (v) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : v ?? "");
  return h("table", {}, h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", {}, c)))),
    h("tbody", {}, ...rows.slice(0, 200).map((r) => h("tr", {}, ...cols.map((c) => h("td", {}, fmt(r[c])))))));
}

function card(c) {
  const score = c.score === null || c.score === undefined ? "—" : c.score.toFixed(2);
  return h("div", { class: `sn-card sn-${c.level}` },
    h("div", { class: "sn-card-title" }, c.title),
    h("div", { class: "sn-card-score" }, score),
    h("div", { class: "sn-card-level" }, c.level),
    h("div", { class: "sn-card-headline" }, c.headline || ""),
    h("details", {}, h("summary", {}, "how is this judged?"), h("div", { class: "sn-why" }, c.thresholds || "")));
}

function sectionBody(entry) {
  const sec = entry.section;
  if (entry.status === "pending") return h("p", { class: "sn-muted" }, "waiting…");
  if (entry.status === "running") return h("p", { class: "sn-muted" }, "computing…");
  if (sec.error) return h("p", { class: "sn-error" }, `Could not be computed: ${sec.error}`);
  const body = h("div", {}, h("p", {}, h("b", {}, sec.headline)), h("p", { class: "sn-why" }, sec.thresholds));
  if (sec.findings.length) body.append(h("ul", {}, ...sec.findings.map((f) => h("li", {}, f))));
  const figs = h("div", { class: "sn-figs" });
  for (const spec of sec.figures) if (DRAW[spec.kind]) figs.append(h("div", { class: "sn-fig" }, DRAW[spec.kind](spec)));
  body.append(figs);
  for (const [name, rows] of Object.entries(sec.tables)) {
    body.append(h("details", {}, h("summary", {}, name.replaceAll("_", " ")), table(rows)));
  }
  const lib = Object.entries(sec.library).map(([k, v]) => `${k} ${v}`).join(", ");
  body.append(h("p", { class: "sn-muted" }, `Computed by ${lib || "synthnb"} in ${sec.seconds.toFixed(2)} s.`));
  return body;
}

function render({ model, el }) {
  let active = null;
  const root = h("div", { class: "sn-dash" });
  el.append(root);

  function profilePane() {
    const status = model.get("profile_status");
    const pane = h("div", {});
    if (status === "idle") {
      pane.append(h("button", { class: "sn-button", onclick: () => model.send({ type: "profile" }) },
        "Build the ydata-profiling comparison"));
      pane.append(h("p", { class: "sn-muted" }, "Takes a while on large tables; the real side is cached."));
    } else if (status === "building") {
      pane.append(h("p", { class: "sn-muted" }, "building the profile…"));
    } else if (status === "ready") {
      const frame = h("iframe", { class: "sn-profile" });
      frame.srcdoc = model.get("profile_html");
      pane.append(frame);
    } else {
      pane.append(h("p", { class: "sn-error" }, status));
    }
    return pane;
  }

  function draw() {
    const state = model.get("state") || {};
    const sections = state.sections || [];
    if (!active && sections.length) active = sections[0].name;
    root.replaceChildren();
    root.append(h("div", { class: "sn-title" }, state.title || "synthnb evaluation"));
    root.append(h("div", { class: "sn-cards" }, ...(state.cards || []).map(card)));
    if ((state.findings || []).length) {
      root.append(h("details", { open: "" }, h("summary", {}, "Findings"),
        h("ul", {}, ...state.findings.map((f) => h("li", {}, f)))));
    }
    const tabs = h("div", { class: "sn-tabs" });
    for (const entry of [...sections, { name: "profile", title: "Profile", status: "done" }]) {
      tabs.append(h("button", {
        class: `sn-tab sn-tab-${entry.status}${entry.name === active ? " sn-active" : ""}`,
        onclick: () => { active = entry.name; draw(); },
      }, entry.title + (entry.status === "running" ? " …" : entry.status === "error" ? " ⚠" : "")));
    }
    root.append(tabs);
    const entry = sections.find((e) => e.name === active);
    root.append(h("div", { class: "sn-pane" }, active === "profile" ? profilePane() : entry ? sectionBody(entry) : ""));
  }

  model.on("change:state", draw);
  model.on("change:profile_status", draw);
  draw();
}

export default { render };
