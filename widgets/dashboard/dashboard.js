// synthnb evaluation dashboard (live view). It draws nothing itself: state.html is the dashboard the
// Python side renders from its one template (synthnb/evaluate/templates/dashboard.html.j2), the same HTML
// that replaces this widget once the evaluation is complete. Here: keep open disclosures open across
// updates, and the Profile button, which needs the kernel.

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

function render({ model, el }) {
  const body = h("div", { class: "sn-body" });
  const profile = h("div", { class: "sn-profile-pane" });
  el.append(h("div", { class: "sn-live" }, body, profile));

  function drawBody() {
    // the HTML is rebuilt on every update: carry over which disclosures the person opened or closed
    const open = new Map([...body.querySelectorAll("details[data-key]")].map((d) => [d.dataset.key, d.open]));
    body.innerHTML = (model.get("state") || {}).html || "";
    for (const d of body.querySelectorAll("details[data-key]")) {
      if (open.has(d.dataset.key)) d.open = open.get(d.dataset.key);
    }
  }

  function drawProfile() {
    const status = model.get("profile_status");
    profile.replaceChildren();
    if (status === "idle") {
      profile.append(h("button", { class: "sn-button", onclick: () => model.send({ type: "profile" }) },
        "Build the ydata-profiling comparison"),
      h("span", { class: "sn-muted" }, " takes a while on large tables; the real side is cached."));
    } else if (status === "building") {
      profile.append(h("p", { class: "sn-muted" }, "building the profile…"));
    } else if (status === "ready") {
      const file = model.get("profile_file");
      if (file) profile.append(h("p", { class: "sn-muted" }, `kept beside the notebook as ${file}`));
      if (profileHtml) {
        const frame = h("iframe", { class: "sn-profile", title: "ydata-profiling comparison" });
        frame.srcdoc = profileHtml;
        profile.append(frame);
      } else {  // a reloaded page: the profile is not in the saved notebook, ask the kernel for it again
        profile.append(h("button", { class: "sn-button", onclick: () => model.send({ type: "profile" }) },
          "Show the ydata-profiling comparison again"));
      }
    } else {
      profile.append(h("p", { class: "sn-error" }, status));
    }
  }

  // the profile's HTML (often megabytes) arrives as one message, never in the state a saved notebook keeps
  let profileHtml = "";
  model.on("msg:custom", (msg) => {
    if (msg && msg.type === "profile_html") {
      profileHtml = msg.html || "";
      drawProfile();
    }
  });
  model.on("change:state", drawBody);
  model.on("change:profile_status", drawProfile);
  model.on("change:profile_file", drawProfile);
  drawBody();
  drawProfile();
}

export default { render };
