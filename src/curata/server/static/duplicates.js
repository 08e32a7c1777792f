// Duplicates review: groups with the keeper first, each member's distance to it and why the
// keeper was chosen; compare two members side by side (zoom and pan move both); change the
// keeper (tags `keeper` / `duplicate`, undoable); add the keeper to a selection. Nothing is deleted.

import { api, mediaUrl, thumbPath } from "./api.js";
import { $, baseName, el, pathText, toast } from "./dom.js";

export class Duplicates {
  constructor(app) {
    this.app = app; // {bulk, openAsset, chooseSelection}
    this.loaded = false;
    this.compare = [];
    $("dup-form").addEventListener("submit", (e) => { e.preventDefault(); this.load(); });
  }

  show() { if (!this.loaded) this.load(); }

  async load() {
    const f = $("dup-form").elements;
    const box = $("dup-groups");
    $("dup-status").textContent = "Looking for duplicates…";
    box.classList.add("loading");
    try {
      const [data, chosen] = await Promise.all([
        api("POST", "/duplicates", { threshold: Number(f.threshold.value), exact: f.exact.checked }),
        api("POST", "/search", { filters: { tags: ["keeper"] }, limit: 1000, facets: false }),
      ]);
      this.loaded = true;
      this.chosen = new Set(chosen.results.map((a) => a.content_hash));
      $("dup-status").textContent = `${data.group_count} group(s), ${data.member_count} file(s)`;
      box.replaceChildren(...data.groups.map((g, n) => this.group(g, n)));
    } catch (err) {
      $("dup-status").textContent = "";
      box.replaceChildren(el("p", { className: "error", role: "alert", text: err.message }));
    } finally { box.classList.remove("loading"); }
  }

  keeperOf(group) {
    return group.members.find((m) => this.chosen.has(m.content_hash)) || group.keeper;
  }

  group(group, n) {
    const keeper = this.keeperOf(group);
    const overridden = keeper.content_hash !== group.keeper.content_hash;
    const members = [keeper, ...group.members.filter((m) => m !== keeper && !(m.content_hash === keeper.content_hash && pathText(m.path) === pathText(keeper.path)))];
    const section = el("section", { className: "dup-group", dataset: { group: String(n) } },
      el("h3", { text: `Group ${n + 1} · ${group.kind} · ${group.size} member(s)` }),
      el("p", { className: "muted", text: overridden ? `Your keeper (suggested: ${baseName(group.keeper.path)}, by ${group.reason})` : group.explanation || `Suggested keeper, by ${group.reason}` }),
      el("ol", { className: "members" }, members.map((m) => this.member(group, m, m === keeper))),
      el("div", { className: "row" },
        el("button", { type: "button", text: "Compare the two checked", onclick: () => this.openCompare(section) }),
        el("button", { type: "button", text: "Add the keeper to a selection", onclick: () => this.addKeeper(keeper) })));
    return section;
  }

  member(group, m, isKeeper) {
    const img = el("img", { alt: baseName(m.path) });
    mediaUrl(thumbPath(m.content_hash, 256)).then((src) => { img.src = src; });
    return el("li", { className: isKeeper ? "member keeper" : "member", dataset: { hash: m.content_hash } },
      el("button", { type: "button", className: "thumb-button", "aria-label": `open ${baseName(m.path)}`, onclick: () => this.app.openAsset(m.content_hash) }, img),
      el("div", {},
        el("strong", { text: isKeeper ? "keeper" : `${m.match} · distance ${m.distance ?? "?"}` }),
        el("div", { className: "muted", title: pathText(m.path), text: memberLine(m) }),
        el("label", {}, el("input", { type: "checkbox", className: "cmp", value: m.content_hash }), " compare"),
        isKeeper || m.content_hash === this.keeperOf(group).content_hash ? null : el("button", { type: "button", text: "Make keeper", onclick: () => this.makeKeeper(group, m) })));
  }

  async makeKeeper(group, member) {
    const others = [...new Set(group.members.map((m) => m.content_hash))].filter((h) => h !== member.content_hash);
    try {
      await this.app.bulk("change keeper", [
        { action: "tag", assets: [member.content_hash], tags: ["keeper"] },
        { action: "untag", assets: [member.content_hash], tags: ["duplicate"] },
        { action: "untag", assets: others, tags: ["keeper"] },
        { action: "tag", assets: others, tags: ["duplicate"] },
      ]);
      toast("keeper changed; the others are tagged duplicate (Ctrl+Z undoes)");
      await this.load();
    } catch (err) { toast(err.message, "error"); }
  }

  async addKeeper(keeper) {
    try {
      const target = await this.app.chooseSelection("Add the keeper to a selection");
      if (!target) return;
      await this.app.bulk("add keeper", [{ action: "add_to_selection", assets: [keeper.content_hash], ...target }]);
      toast("added");
    } catch (err) { toast(err.message, "error"); }
  }

  async openCompare(section) {
    const hashes = [...section.querySelectorAll(".cmp:checked")].map((c) => c.value);
    if (hashes.length !== 2) { toast("check two members to compare", "error"); return; }
    const dialog = $("compare");
    const view = { scale: 1, x: 0, y: 0 };
    const imgs = await Promise.all(hashes.map(async (h) => el("img", { src: await mediaUrl(thumbPath(h, 1024)), alt: h.slice(0, 12), draggable: "false" })));
    const apply = () => { for (const img of imgs) img.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`; };
    const panes = imgs.map((img) => {
      const pane = el("div", { className: "pane" }, img);
      pane.addEventListener("wheel", (e) => { e.preventDefault(); view.scale = Math.min(16, Math.max(1, view.scale * (e.deltaY < 0 ? 1.2 : 1 / 1.2))); apply(); }, { passive: false });
      pane.addEventListener("pointerdown", (e) => {
        const start = { x: e.clientX - view.x, y: e.clientY - view.y };
        const move = (ev) => { view.x = ev.clientX - start.x; view.y = ev.clientY - start.y; apply(); };
        pane.setPointerCapture(e.pointerId);
        pane.addEventListener("pointermove", move);
        pane.addEventListener("pointerup", () => pane.removeEventListener("pointermove", move), { once: true });
      });
      return pane;
    });
    dialog.replaceChildren(el("div", { className: "panes" }, panes),
      el("div", { className: "row" },
        el("button", { type: "button", text: "Zoom in", onclick: () => { view.scale = Math.min(16, view.scale * 1.5); apply(); } }),
        el("button", { type: "button", text: "Zoom out", onclick: () => { view.scale = Math.max(1, view.scale / 1.5); apply(); } }),
        el("button", { type: "button", text: "Reset", onclick: () => { Object.assign(view, { scale: 1, x: 0, y: 0 }); apply(); } }),
        el("button", { type: "button", text: "Close", onclick: () => dialog.close() })));
    this.view = view;
    dialog.showModal();
  }
}

// One line about a member: name, size in pixels and bytes, rating, generation metadata.
function memberLine(m) {
  const d = m.details || {};
  const parts = [baseName(m.path), `${d.width || "?"}×${d.height || "?"}`];
  if (d.file_size != null) parts.push(`${d.file_size.toLocaleString()} B`);
  if (d.quality_rating != null) parts.push("★" + d.quality_rating);
  if (d.generation) parts.push("generation metadata");
  return parts.join(" · ");
}
