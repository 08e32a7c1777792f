// The selections board: selections by project; items by group with role, reason and notes
// editable in place; drag-and-drop to reorder and to move between groups; status; history;
// similar assets with recommendation scores; export.

import { api, mediaUrl, thumbPath } from "./api.js";
import { ask } from "./ask.js";
import { $, baseName, el, pathText, toast, words } from "./dom.js";

const NEXT = { draft: ["active", "archived"], active: ["draft", "archived"], exported: ["active", "archived"], archived: ["active"] };
const UNGROUPED = "";

const enc = encodeURIComponent;

export class Board {
  constructor(app) {
    this.app = app; // {bulk, openAsset, setCurrent, syncUrl}
    this.sel = null;
    this.pending = null;
    $("new-selection").addEventListener("submit", (e) => { e.preventDefault(); this.create(e.target); });
  }

  currentKey() {
    return this.sel ? `${this.sel.project_id}/${this.sel.id}` : this.pending;
  }

  async load() {
    const box = $("selection-list");
    box.replaceChildren(el("p", { className: "muted loading", text: "Loading…" }));
    try {
      const list = await api("GET", "/selections");
      const byProject = new Map();
      for (const s of list) (byProject.get(s.project_id) || byProject.set(s.project_id, []).get(s.project_id)).push(s);
      box.replaceChildren(...[...byProject].map(([project, sels]) => el("section", {},
        el("h2", { text: project }),
        el("ul", { className: "list" }, sels.map((s) => el("li", {},
          el("button", { type: "button", className: "link sel-link", dataset: { key: `${s.project_id}/${s.id}` },
            onclick: () => this.show(s.project_id, s.id) },
            el("strong", { text: s.name }), ` · ${s.purpose} · ${s.status} · `, el("span", { className: "count", text: `${s.item_count} item(s)` }))))))));
      if (!list.length) box.replaceChildren(el("p", { className: "muted", text: "No selections yet." }));
      if (this.pending) { const [p, s] = this.pending.split("/"); this.pending = null; this.show(p, s); }
      else this.reload();
    } catch (err) { box.replaceChildren(el("p", { className: "error", text: err.message })); }
  }

  async create(form) {
    const errorBox = form.querySelector(".error");
    errorBox.hidden = true;
    const body = { project_id: form.elements.project_id.value.trim(), name: form.elements.name.value.trim(), purpose: form.elements.purpose.value };
    try {
      const projects = await api("GET", "/projects");
      if (!projects.some((p) => p.id === body.project_id)) {
        await api("POST", "/projects", { name: body.project_id, project_id: body.project_id });
      }
      const sel = await api("POST", "/selections", body);
      form.elements.name.value = "";
      await this.load();
      this.show(sel.project_id, sel.id);
    } catch (err) {
      errorBox.textContent = err.message;
      errorBox.hidden = false;
      const input = err.field && form.elements[err.field];
      if (input) input.setAttribute("aria-invalid", "true");
    }
  }

  reload() { if (this.sel) this.show(this.sel.project_id, this.sel.id); }

  async update(body, message) {
    try {
      await api("PATCH", "/selections", { project_id: this.sel.project_id, selection_id: this.sel.id, ...body });
      if (message) toast(message);
    } catch (err) { toast(err.message, "error"); }
    await this.show(this.sel.project_id, this.sel.id);
  }

  async show(projectId, selectionId) {
    const box = $("selection-detail");
    box.classList.add("loading");
    try {
      const base = `/projects/${enc(projectId)}/selections/${enc(selectionId)}`;
      const [sel, history] = await Promise.all([api("GET", base), api("GET", `/projects/${enc(projectId)}/selections/${enc(selectionId)}/history`)]);
      this.sel = sel;
      this.app.setCurrent({ project_id: sel.project_id, selection_id: sel.id, name: sel.name });
      this.app.syncUrl();
      box.replaceChildren(this.header(sel), this.groups(sel), this.similarBox(), this.timeline(history));
    } catch (err) {
      box.replaceChildren(el("p", { className: "error", role: "alert", text: err.message }));
    } finally { box.classList.remove("loading"); }
  }

  header(sel) {
    const edit = el("form", { className: "filter-panel", id: "selection-edit", onsubmit: (e) => {
      e.preventDefault();
      const f = e.target.elements;
      let criteria;
      try { criteria = JSON.parse(f.criteria.value || "{}"); } catch { toast("criteria: not valid JSON", "error"); f.criteria.setAttribute("aria-invalid", "true"); return; }
      this.update({ action: "update", purpose: f.purpose.value, description: f.description.value || null, tags: words(f.tags.value), criteria }, "saved");
    } },
      el("label", {}, "Purpose ", el("select", { name: "purpose" }, ["curation", "presentation", "export", "reference", "training", "portfolio", "social_media"].map((p) => el("option", { text: p, selected: p === sel.purpose })))),
      el("label", {}, "Description ", el("input", { name: "description", value: sel.description || "" })),
      el("label", {}, "Tags ", el("input", { name: "tags", value: sel.tags.join(", ") })),
      el("label", {}, "Criteria (JSON) ", el("input", { name: "criteria", value: JSON.stringify(sel.criteria || {}) })),
      el("button", { type: "submit", text: "Save" }));
    const status = el("select", { "aria-label": "status", id: "selection-status", onchange: (e) => this.update({ action: "set_status", status: e.target.value }, `status: ${e.target.value}`) },
      el("option", { text: sel.status, selected: true }), (NEXT[sel.status] || []).map((s) => el("option", { text: s })));
    return el("div", { className: "stack" },
      el("div", { className: "row" }, el("h2", { text: sel.name, id: "selection-title" }),
        el("span", { className: "muted", text: `${sel.project_id} · ${sel.items.length} item(s)` }), status,
        el("button", { type: "button", text: "New group", onclick: async () => {
          const values = await ask("New group", [{ name: "group", label: "Name", required: true }], "Create");
          const name = values && values.group;
          if (name) this.update({ action: "group", group_action: "create", group: name }, `group ${name}`);
        } }),
        el("button", { type: "button", text: "Find similar", id: "find-similar", onclick: () => this.similar() }),
        el("button", { type: "button", text: "Export…", id: "export-open", onclick: () => this.exportDialog() })),
      edit);
  }

  groups(sel) {
    const names = [UNGROUPED, ...sel.groups.map((g) => g.name)];
    const board = el("div", { className: "columns-board" });
    for (const name of names) {
      const items = sel.items.filter((i) => (i.group || UNGROUPED) === name);
      if (name === UNGROUPED && !items.length && sel.groups.length) continue;
      const column = el("section", { className: "column", dataset: { group: name } },
        el("h3", { text: name || "Ungrouped" }), el("ol", { className: "items" }, items.map((i) => this.item(i))));
      column.addEventListener("dragover", (e) => { e.preventDefault(); column.classList.add("over"); });
      column.addEventListener("dragleave", () => column.classList.remove("over"));
      column.addEventListener("drop", (e) => { e.preventDefault(); column.classList.remove("over"); this.drop(e, name); });
      board.append(column);
    }
    return board;
  }

  item(i) {
    const img = el("img", { alt: baseName(i.file_path || i.asset_hash) });
    mediaUrl(thumbPath(i.asset_hash, 128)).then((src) => { img.src = src; });
    const field = (key, label) => el("label", {}, label + " ", el("input", { name: key, value: i[key] || "", "aria-label": `${label} of ${baseName(i.file_path)}`,
      onchange: (e) => this.update({ action: "update_items", items: [{ asset_hash: i.asset_hash, [key]: e.target.value.trim() || null }] }, "saved") }));
    const li = el("li", { className: "item", draggable: "true", dataset: { hash: i.asset_hash } },
      el("button", { type: "button", className: "thumb-button", "aria-label": `open ${baseName(i.file_path)}`, onclick: () => this.app.openAsset(i.asset_hash) }, img),
      el("div", { className: "item-fields" },
        el("strong", { text: baseName(pathText(i.file_path) || i.asset_hash) }),
        field("role", "Role"), field("selection_reason", "Reason"), field("quality_notes", "Quality"), field("usage_notes", "Usage")));
    li.addEventListener("dragstart", (e) => { e.dataTransfer.setData("text/plain", i.asset_hash); li.classList.add("dragging"); });
    li.addEventListener("dragend", () => li.classList.remove("dragging"));
    return li;
  }

  // Drop an item on a column (move into that group) or on another item (placed before it).
  drop(event, group) {
    const hash = event.dataTransfer.getData("text/plain");
    const item = this.sel.items.find((i) => i.asset_hash === hash);
    if (!item) return;
    if ((item.group || UNGROUPED) !== group) {
      this.update({ action: "group", group_action: "move", asset_hashes: [hash], ...(group ? { group } : {}) }, `moved to ${group || "ungrouped"}`);
      return;
    }
    const target = event.target.closest(".item");
    if (!target || target.dataset.hash === hash) return;
    const order = this.sel.items.map((i) => i.asset_hash).filter((h) => h !== hash);
    order.splice(order.indexOf(target.dataset.hash), 0, hash);
    this.update({ action: "reorder", asset_hashes: order }, "reordered");
  }

  similarBox() {
    return el("section", { id: "similar-box", className: "stack" });
  }

  async similar() {
    const box = $("similar-box");
    box.replaceChildren(el("p", { className: "muted loading", text: "Looking for similar assets…" }));
    try {
      const data = await api("POST", "/selections/similar", { project_id: this.sel.project_id, selection_id: this.sel.id, threshold: 16, limit: 24 });
      const rows = data.results.map((r, n) => {
        const img = el("img", { alt: baseName(r.asset.file_path) });
        mediaUrl(thumbPath(r.asset.content_hash, 128)).then((src) => { img.src = src; });
        const add = () => this.app.bulk(`add ${baseName(r.asset.file_path)}`, [{ action: "add_to_selection", assets: [r.asset.content_hash], project_id: this.sel.project_id, selection_id: this.sel.id, selection_reason: `similar (score ${r.similarity.recommendation_score.toFixed(2)})` }])
          .then(() => { toast("added"); this.reload(); }).catch((err) => toast(err.message, "error"));
        return el("li", { className: "rec", tabIndex: 0, dataset: { hash: r.asset.content_hash },
          onkeydown: (e) => { if (e.key === "+" || e.key === "Enter") { e.preventDefault(); e.stopPropagation(); add(); } } },
          img, el("span", { text: `${baseName(r.asset.file_path)} · score ${r.similarity.recommendation_score.toFixed(3)} · distance ${r.similarity.min_distance}` }),
          el("button", { type: "button", text: "Add", "aria-label": `add ${baseName(r.asset.file_path)}`, onclick: add }));
      });
      box.replaceChildren(el("h3", { text: "Similar to this selection (Enter or + adds the focused one)" }),
        rows.length ? el("ol", { className: "recs" }, rows) : el("p", { className: "muted", text: "nothing similar" }));
      const first = box.querySelector(".rec");
      if (first) first.focus();
    } catch (err) { box.replaceChildren(el("p", { className: "error", text: err.message })); }
  }

  timeline(history) {
    return el("section", {}, el("h3", { text: "History" }),
      el("ol", { className: "timeline", id: "history" }, [...history].reverse().map((h) => el("li", {},
        el("time", { text: new Date(h.at).toLocaleString() }), ` ${h.actor || "?"} · `, el("strong", { text: h.action }),
        h.asset_hashes.length ? ` · ${h.asset_hashes.length} asset(s)` : "", h.notes ? ` · ${h.notes}` : ""))));
  }

  exportDialog() {
    const dialog = $("export-dialog");
    const sel = this.sel;
    const form = el("form", { className: "stack", onsubmit: async (e) => {
      e.preventDefault();
      const f = e.target.elements;
      const out = form.querySelector(".result");
      out.replaceChildren(el("p", { className: "loading", role: "status", text: "Exporting…" }));
      form.querySelector("button[type=submit]").disabled = true;
      try {
        const result = await api("POST", "/selections/export", {
          project_id: sel.project_id, selection_id: sel.id, export_path: f.export_path.value.trim(),
          layout: f.layout.value, mode: f.mode.value, metadata: f.metadata.value, zip: f.zip.checked, contact_sheet: f.contact_sheet.checked, sidecars: f.sidecars.checked, overwrite: f.overwrite.checked,
        });
        const fresh = await api("GET", `/projects/${enc(sel.project_id)}/selections/${enc(sel.id)}`);
        const record = fresh.exports.at(-1);
        const link = (name, label) => el("a", { href: `/projects/${enc(sel.project_id)}/selections/${enc(sel.id)}/exports/${record.id}/files/${name}`, target: "_blank", rel: "noopener", text: label });
        out.replaceChildren(el("p", { role: "status", text: `Exported ${result.exported_count} of ${result.item_count} item(s), ${result.files_written} file(s) to ${pathText(result.export_path)}` }),
          el("p", {}, link("manifest.json", "manifest.json"), " · ", link("manifest.csv", "manifest.csv"), f.contact_sheet.checked ? [" · ", link("contact_sheet.html", "contact sheet")] : null));
      } catch (err) {
        out.replaceChildren(el("p", { className: "error", role: "alert", text: err.message }));
      } finally { form.querySelector("button[type=submit]").disabled = false; }
    } },
      el("h2", { text: `Export ${sel.name}` }),
      el("label", {}, "Folder on the server ", el("input", { name: "export_path", required: true, placeholder: "/exports/hero-q4" })),
      el("label", {}, "Layout ", el("select", { name: "layout" }, ["by_group", "by_role", "flat"].map((v) => el("option", { text: v })))),
      el("label", {}, "Mode ", el("select", { name: "mode" }, ["copy", "hardlink", "symlink"].map((v) => el("option", { text: v })))),
      el("label", {}, "Embedded metadata ", el("select", { name: "metadata" }, ["keep", "strip", "sidecar-only"].map((v) => el("option", { text: v })))),
      el("label", {}, el("input", { type: "checkbox", name: "zip" }), " zip"),
      el("label", {}, el("input", { type: "checkbox", name: "contact_sheet", checked: true }), " contact sheet"),
      el("label", {}, el("input", { type: "checkbox", name: "sidecars", checked: true }), " metadata sidecars"),
      el("label", {}, el("input", { type: "checkbox", name: "overwrite" }), " replace an earlier export there"),
      el("div", { className: "row" }, el("button", { type: "submit", text: "Export" }), el("button", { type: "button", text: "Close", onclick: () => dialog.close() })),
      el("div", { className: "result" }));
    dialog.replaceChildren(form);
    dialog.showModal();
  }
}
