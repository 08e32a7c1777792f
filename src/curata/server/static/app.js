// curata workbench: library, asset view, culling, bulk actions, selections, duplicates.
// Plain ES modules; every change goes through the JSON API (see /docs).

import { api, forgetBlobs, mediaUrl, thumbPath } from "./api.js";
import { ask } from "./ask.js";
import { AssetPanel, generation } from "./asset.js";
import { $, baseName, debounce, el, pathText, toast, words } from "./dom.js";
import { Duplicates } from "./duplicates.js";
import { chipsOf, filtersFromForm, formFromFilters, queryFromUrl, queryToUrl, withFacet } from "./filters.js";
import { VirtualGrid } from "./grid.js";
import { Board } from "./selections.js";

const PAGE = 200;
const state = {
  view: "library",
  query: { filters: {}, sort_by: "created_date", order: "desc" },
  selected: new Set(), // content hashes of the multi-selection
  anchor: -1,
  undo: [], // ids of bulk actions, newest last
  current: JSON.parse(localStorage.getItem("curata-current") || "null"), // {project_id, selection_id, name}
  caption: localStorage.getItem("curata-caption") || "name",
  searchSeq: 0,
};

// ---- library ------------------------------------------------------------------------

function caption(asset) {
  if (state.caption === "prompt") return (asset.metadata && asset.metadata.prompt || "").slice(0, 60) || baseName(asset.file_path);
  if (state.caption === "rating") {
    const model = generation(asset).model || asset.ai_source || "";
    return `${"★".repeat(asset.quality_rating || 0) || "☆"} ${model}`.trim();
  }
  return baseName(asset.file_path);
}

function renderCard(card, asset, index) {
  card.classList.remove("placeholder");
  const rejected = asset.tags.some((t) => t.toLowerCase() === "rejected");
  card.classList.toggle("rejected", rejected);
  card.classList.toggle("selected", state.selected.has(asset.content_hash));
  card.setAttribute("aria-selected", String(state.selected.has(asset.content_hash)));
  card.dataset.hash = asset.content_hash;
  card.dataset.rating = asset.quality_rating ?? "";
  const img = el("img", { alt: baseName(asset.file_path), loading: "lazy", decoding: "async" });
  const kind = () => el("span", { className: "kind", text: asset.media_type });
  const pictured = ["image", "video", "audio"].includes(asset.media_type);  // a still, a cover
  const thumb = el("div", { className: "thumb" }, pictured ? img : kind());
  if (pictured) {
    img.addEventListener("error", () => thumb.replaceChildren(kind()), { once: true });
    mediaUrl(thumbPath(asset.content_hash, 256)).then((src) => {
      if (card.dataset.hash !== asset.content_hash) return;
      if (src) img.src = src; else thumb.replaceChildren(kind());
    });
  }
  card.replaceChildren(...[
    thumb,
    el("figcaption", { text: caption(asset), title: baseName(asset.file_path) }),
    el("span", { className: "badge", text: asset.quality_rating ? "★" + asset.quality_rating : "" }),
    rejected ? el("span", { className: "reject", text: "rejected" }) : null,
  ].filter(Boolean));
}

function searchRequest(offset, limit, facets) {
  return { ...state.query, limit, offset, facets };
}

function markFieldError(err) {
  const form = $("filters");
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  const box = $("filter-error");
  if (!err) { box.hidden = true; return; }
  box.textContent = err.message;
  box.hidden = false;
  if (err.field) {
    const name = err.field.replace(/^filters\./, "");
    const input = [...form.elements].find((i) => i.name && (name === i.name || name.startsWith(i.name + ".") || i.name.startsWith(name)));
    if (input) {
      input.setAttribute("aria-invalid", "true");
      if (input.closest("#filter-panel")) { $("filter-panel").hidden = false; $("more-filters").setAttribute("aria-expanded", "true"); }
    }
  }
}

async function runSearch() {
  const seq = ++state.searchSeq;
  $("status").textContent = "Searching…";
  $("grid").classList.add("loading");
  renderChips();
  try {
    const data = await api("POST", "/search", searchRequest(0, PAGE, true));
    if (seq !== state.searchSeq) return;
    markFieldError(null);
    $("grid").classList.remove("stale");
    grid.reset(data.total_count, data.results);
    $("status").textContent = `${data.total_count.toLocaleString()} result(s) · ${data.query_time_ms.toFixed(0)} ms`;
    renderFacets(data.facets);
  } catch (err) {
    if (seq !== state.searchSeq) return;
    markFieldError(err);
    $("grid").classList.add("stale");
    $("status").textContent = "The results below are from the previous search.";
  } finally {
    if (seq === state.searchSeq) $("grid").classList.remove("loading");
  }
}

function fetchPage(offset, limit) {
  return api("POST", "/search", searchRequest(offset, limit, false)).then((d) => d.results);
}

function setQuery(filters, push = true) {
  state.query.filters = filters;
  formFromFilters($("filters"), filters);
  syncUrl(push);
  runSearch();
}

function syncUrl(push) {
  const url = queryToUrl(state.query, { view: state.view, asset: panel.hash, selection: board.currentKey() });
  if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
}

function renderChips() {
  markFolder();
  $("chips").replaceChildren(...chipsOf(state.query.filters).map((chip) =>
    el("span", { className: "chip" }, chip.label,
      el("button", { type: "button", "aria-label": `remove filter ${chip.label}`, text: "×",
        onclick: () => setQuery(chip.remove(state.query.filters)) }))));
}

function renderFacets(facets) {
  const box = $("facets");
  box.replaceChildren();
  if (!facets) return;
  const groups = [
    ["Tags", facets.tags, "tag", (e) => e.tag], ["AI sources", facets.ai_sources, "source", (e) => e.source],
    ["Ratings", facets.quality_ratings, "rating", (e) => e.rating], ["Types", facets.media_types, "type", (e) => e.type],
    ["Projects", facets.projects, "project", (e) => e.project], ["Formats", facets.file_formats, "format", (e) => e.format],
  ];
  for (const [title, entries, kind, valueOf] of groups) {
    if (!entries || !entries.length) continue;
    box.append(el("h3", { text: title }), el("ul", { className: "list facet", dataset: { kind } },
      entries.slice(0, 40).map((e) => el("li", {}, el("button", {
        type: "button", className: "link", dataset: { value: String(valueOf(e)) },
        onclick: () => setQuery(withFacet(state.query.filters, kind, valueOf(e))),
      }, `${kind === "rating" ? "★" + valueOf(e) : valueOf(e)}`, el("span", { className: "count", text: String(e.count) }))))));
  }
}

// The folder tree: the catalog's scan roots (GET /folders), each opened on demand to its
// subfolders with their counts; a folder's button filters the library by it.
async function loadFolders() {
  const section = $("folders-section");
  if (!operations.has("GET /folders")) { section.hidden = true; return; }
  try {
    const top = await api("GET", "/folders");
    $("folders").replaceChildren(...top.children.map(folderNode));
    markFolder();
  } catch (err) {
    $("folders").replaceChildren(el("li", { className: "error", role: "alert", text: `folders: ${err.message}` }));
  }
}

const folderKey = (path) => (typeof path === "string" ? path : JSON.stringify(path));

function folderNode(node) {
  const key = folderKey(node.path);
  const inner = el("ul", { role: "group", hidden: true });
  const toggle = el("button", { type: "button", className: "toggle", text: "▸", "aria-expanded": "false", "aria-label": `show the folders in ${node.name}` });
  toggle.addEventListener("click", async () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "▾" : "▸";
    inner.hidden = !open;
    if (!open || inner.dataset.loaded) return;
    try {
      const listing = await api("GET", `/folders?path=${encodeURIComponent(key)}`);
      inner.dataset.loaded = "1";
      inner.replaceChildren(...listing.children.map(folderNode));
      if (listing.truncated) inner.append(el("li", { className: "muted", text: `… ${listing.child_count - listing.children.length} more` }));
      if (!listing.children.length) { toggle.hidden = true; inner.hidden = true; }
      markFolder();
    } catch (err) { inner.replaceChildren(el("li", { className: "error", role: "alert", text: `folders: ${err.message}` })); }
  });
  return el("li", { className: "folder", dataset: { key } },
    el("div", { className: "row" }, toggle,
      el("button", { type: "button", className: "link grow", title: pathText(node.path), "aria-pressed": "false",
        onclick: () => setQuery({ ...state.query.filters, folder: node.path }) },
        node.name, el("span", { className: "count", text: String(node.count) }))),
    inner);
}

// The folder the library is filtered by, pressed in the tree.
function markFolder() {
  const active = state.query.filters.folder == null ? null : folderKey(state.query.filters.folder);
  for (const li of document.querySelectorAll("#folders li.folder")) {
    li.querySelector(":scope > .row > button.link").setAttribute("aria-pressed", String(li.dataset.key === active));
  }
}

// ---- saved searches -----------------------------------------------------------------

async function loadSaved() {
  try {
    const saved = await api("GET", "/saved-searches");
    $("saved-list").replaceChildren(...saved.map((s) => el("li", { className: "row" },
      el("button", { type: "button", className: "link grow", text: s.name, onclick: () => {
        state.query.sort_by = s.request.sort_by; state.query.order = s.request.order;
        $("filters").elements.sort_by.value = s.request.sort_by; $("filters").elements.order.value = s.request.order;
        $("saved-name").value = s.name;
        setQuery(s.request.filters || {});
      } }),
      el("button", { type: "button", text: "Update", "aria-label": `update ${s.name}`, onclick: () =>
        api("PATCH", "/saved-searches", { name: s.name, project: s.project, request: searchRequest(0, 48, true) })
          .then(() => toast(`updated ${s.name}`)).catch((e) => toast(e.message, "error")) }),
      el("button", { type: "button", text: "×", "aria-label": `delete ${s.name}`, onclick: () =>
        api("DELETE", `/saved-searches?name=${encodeURIComponent(s.name)}${s.project ? "&project=" + encodeURIComponent(s.project) : ""}`)
          .then(loadSaved).catch((e) => toast(e.message, "error")) }))));
  } catch (err) {
    $("saved-list").replaceChildren(el("li", { className: "error", text: err.message }));
  }
}

async function saveSearch() {
  const name = $("saved-name").value.trim();
  if (!name) { toast("name: give the saved search a name", "error"); $("saved-name").focus(); return; }
  try {
    await api("POST", "/saved-searches", { name, request: searchRequest(0, 48, true) });
    toast(`saved ${name}`);
    loadSaved();
  } catch (err) { toast(err.message, "error"); }
}

// ---- changes, bulk actions and undo ------------------------------------------------

function patchLoaded(hashes, change) {
  const set = new Set(hashes);
  for (const [, asset] of grid.loaded()) {
    if (set.has(asset.content_hash)) grid.update(change({ ...asset, tags: [...asset.tags] }));
  }
}

async function bulk(label, steps) {
  const result = await api("POST", "/bulk", { label, steps });
  state.undo.push(result.id);
  if (state.undo.length > 50) state.undo.shift();
  return result;
}

async function rate(hashes, rating) {
  const result = await bulk(`rate ${rating}`, [{ action: "rate", assets: hashes, rating }]);
  patchLoaded(result.assets, (a) => ({ ...a, quality_rating: rating }));
  if (panel.hash && hashes.includes(panel.hash)) panel.show(panel.hash);
  return result;
}

async function tag(hashes, tags, remove = false) {
  const result = await bulk(`${remove ? "untag" : "tag"} ${tags.join(", ")}`, [{ action: remove ? "untag" : "tag", assets: hashes, tags }]);
  const lower = tags.map((t) => t.toLowerCase());
  patchLoaded(result.assets, (a) => ({ ...a, tags: remove ? a.tags.filter((t) => !lower.includes(t.toLowerCase())) : [...new Set([...a.tags, ...lower])] }));
  if (panel.hash && hashes.includes(panel.hash)) panel.show(panel.hash);
  return result;
}

async function undo() {
  const id = state.undo.pop();
  if (!id) { toast("nothing to undo"); return; }
  try {
    const result = await api("POST", `/bulk/${id}/undo`);
    const loaded = new Set(grid.loaded().map(([, a]) => a.content_hash));
    await Promise.all(result.assets.filter((h) => loaded.has(h)).map((h) =>
      api("GET", `/assets/${h}`).then((a) => grid.update(a))));
    if (panel.hash && result.assets.includes(panel.hash)) panel.show(panel.hash);
    if (state.view === "selections") board.reload();
    toast(`undone: ${result.label || "last action"}`);
  } catch (err) { toast(err.message, "error"); }
}

async function chooseSelection(title) {
  let selections = [];
  try { selections = await api("GET", "/selections"); } catch (err) { toast(err.message, "error"); return null; }
  if (!selections.length) { toast("create a selection first (Selections view)", "error"); return null; }
  const key = (s) => `${s.project_id}/${s.id}`;
  const current = state.current ? `${state.current.project_id}/${state.current.selection_id}` : key(selections[0]);
  const values = await ask(title, [
    { name: "selection", label: "Selection", value: current, options: selections.map((s) => [key(s), `${s.name} (${s.project_id})`]) },
    { name: "role", label: "Role", placeholder: "hero, primary, supporting…" },
    { name: "reason", label: "Reason", placeholder: "why it is in" },
  ], "Add");
  if (!values) return null;
  const [project_id, selection_id] = values.selection.split("/");
  const chosen = selections.find((s) => key(s) === values.selection);
  setCurrent({ project_id, selection_id, name: chosen ? chosen.name : selection_id });
  return { project_id, selection_id, role: values.role || null, selection_reason: values.reason || null };
}

async function addToSelection(hashes) {
  const target = await chooseSelection(`Add ${hashes.length} asset(s) to a selection`);
  if (!target) return;
  await bulk(`add to ${target.selection_id}`, [{ action: "add_to_selection", assets: hashes, ...target }]);
  toast(`added to ${state.current.name}`);
}

function targets() {
  if (state.selected.size) return [...state.selected];
  if (panel.open && panel.hash) return [panel.hash];
  const asset = grid.asset(grid.focus);
  return asset ? [asset.content_hash] : [];
}

function updateBulkBar() {
  $("bulkbar").hidden = state.selected.size === 0;
  $("bulk-count").textContent = `${state.selected.size} selected`;
  grid.refreshCards();
}

function toggleSelected(index) {
  const asset = grid.asset(index);
  if (!asset) return;
  if (state.selected.has(asset.content_hash)) state.selected.delete(asset.content_hash);
  else state.selected.add(asset.content_hash);
  state.anchor = index;
  updateBulkBar();
}

function clickCard(index, event) {
  $("grid").focus({ preventScroll: true });
  if (event.shiftKey && state.anchor >= 0) {
    const [from, to] = [Math.min(state.anchor, index), Math.max(state.anchor, index)];
    for (let i = from; i <= to; i++) { const a = grid.asset(i); if (a) state.selected.add(a.content_hash); }
    updateBulkBar();
  } else if (event.ctrlKey || event.metaKey) {
    toggleSelected(index);
  } else {
    state.anchor = index;
  }
  grid.setFocus(index);
}

function openAsset(hash) {
  panel.show(hash);
  syncUrl(false);
}

function closeAsset() {
  panel.close();
  syncUrl(false);
  $("grid").focus({ preventScroll: true });
}

// ---- keyboard ----------------------------------------------------------------------

const MOVES = { ArrowLeft: [-1, 0], h: [-1, 0], ArrowRight: [1, 0], l: [1, 0], ArrowUp: [0, -1], k: [0, -1], ArrowDown: [0, 1], j: [0, 1] };

async function onKey(event) {
  if (event.defaultPrevented) return;
  const typing = event.target.closest("input, textarea, select, [contenteditable]");
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z" && !typing) {
    event.preventDefault();
    return undo();
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey || document.querySelector("dialog[open]")) return;
  if (event.key === "?") { event.preventDefault(); $("help").showModal(); return; }
  if (event.key === "Escape" && panel.open) { event.preventDefault(); closeAsset(); return; }
  if (state.view !== "library") return;
  // Enter and Space press the focused button or link, not the grid's focused card
  if ((event.key === "Enter" || event.key === " ") && event.target.closest("a, button, summary")) return;
  const run = (promise) => promise.catch((err) => toast(err.message, "error"));
  if (MOVES[event.key]) {
    event.preventDefault();
    grid.move(...MOVES[event.key]);
    if (panel.open) { const a = grid.asset(grid.focus); if (a) openAsset(a.content_hash); }
  } else if (event.key === "Enter") {
    const a = grid.asset(grid.focus);
    if (a) { event.preventDefault(); openAsset(a.content_hash); }
  } else if (/^[0-5]$/.test(event.key)) {
    const hashes = targets();
    if (hashes.length) { event.preventDefault(); run(rate(hashes, Number(event.key))); }
  } else if (event.key === " ") {
    event.preventDefault();
    toggleSelected(grid.focus);
  } else if (event.key === "x") {
    const hashes = targets();
    if (hashes.length) { event.preventDefault(); run(tag(hashes, ["rejected"]).then(() => toast("rejected (Ctrl+Z undoes)"))); }
  } else if (event.key === "t") {
    const hashes = targets();
    if (!hashes.length) return;
    event.preventDefault();
    const values = await ask(`Tag ${hashes.length} asset(s)`, [{ name: "tags", label: "Tags", placeholder: "portrait, style:noir", required: true }], "Tag");
    if (values && words(values.tags).length) run(tag(hashes, words(values.tags)));
    $("grid").focus({ preventScroll: true });
  } else if (event.key === "a") {
    const hashes = targets();
    if (!hashes.length) return;
    event.preventDefault();
    await run(addToSelection(hashes));
    $("grid").focus({ preventScroll: true });
  }
}

// ---- views and start ----------------------------------------------------------------

function showView(name, push = true) {
  state.view = ["library", "selections", "duplicates"].includes(name) ? name : "library";
  for (const tab of document.querySelectorAll(".tab")) tab.setAttribute("aria-current", String(tab.dataset.view === state.view));
  for (const view of ["library", "selections", "duplicates"]) $(`${view}-view`).hidden = view !== state.view;
  if (state.view === "selections") board.load();
  if (state.view === "duplicates") dups.show();
  syncUrl(push);
}

async function loadStats() {
  try {
    const stats = await api("GET", "/stats");
    $("stats").textContent = `${stats.assets.toLocaleString()} assets`;
  } catch (err) { $("stats").textContent = err.message; }
}

const operations = new Set();
const panel = new AssetPanel({
  rate: (hash, n) => rate([hash], n).catch((e) => toast(e.message, "error")),
  tag: (hash, tags) => tag([hash], tags).catch((e) => toast(e.message, "error")),
  untag: (hash, tags) => tag([hash], tags, true).catch((e) => toast(e.message, "error")),
  open: (hash) => openAsset(hash),
  close: () => closeAsset(),
});
const grid = new VirtualGrid($("grid"), {
  pageSize: PAGE, fetchPage, renderCard, onClickCard: clickCard,
  onOpen: (index) => { const a = grid.asset(index); if (a) openAsset(a.content_hash); },
});
function setCurrent(selection) {
  state.current = selection;
  localStorage.setItem("curata-current", JSON.stringify(selection));
}

const board = new Board({ bulk, openAsset, setCurrent, syncUrl: () => syncUrl(false) });
const dups = new Duplicates({ bulk, openAsset, chooseSelection });
window.curata = { grid, state, board }; // for the browser tests and the console

function wire() {
  $("skip").addEventListener("click", (event) => {
    event.preventDefault();
    if (state.view !== "library") showView("library");
    $("grid").focus();
  });
  const form = $("filters");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    state.query.sort_by = form.elements.sort_by.value;
    state.query.order = form.elements.order.value;
    setQuery(filtersFromForm(form));
  });
  $("more-filters").addEventListener("click", () => {
    const panelBox = $("filter-panel");
    panelBox.hidden = !panelBox.hidden;
    $("more-filters").setAttribute("aria-expanded", String(!panelBox.hidden));
  });
  $("sidebar-open").addEventListener("click", () => $("sidebar").classList.add("open"));
  $("sidebar-close").addEventListener("click", () => $("sidebar").classList.remove("open"));
  $("saved-save").addEventListener("click", saveSearch);
  $("thumb-size").addEventListener("change", (e) => { grid.setSize(e.target.value); localStorage.setItem("curata-size", e.target.value); });
  $("caption").addEventListener("change", (e) => { state.caption = e.target.value; localStorage.setItem("curata-caption", e.target.value); grid.refreshCards(); });
  $("bulk-rating").addEventListener("change", (e) => {
    if (e.target.value === "") return;
    rate([...state.selected], Number(e.target.value)).then(() => toast("rated")).catch((err) => toast(err.message, "error"));
    e.target.value = "";
  });
  $("bulk-tag").addEventListener("click", () => tag([...state.selected], words($("bulk-tags").value)).then(() => toast("tagged")).catch((err) => toast(err.message, "error")));
  $("bulk-untag").addEventListener("click", () => tag([...state.selected], words($("bulk-tags").value), true).then(() => toast("untagged")).catch((err) => toast(err.message, "error")));
  $("bulk-select").addEventListener("click", () => addToSelection([...state.selected]).catch((err) => toast(err.message, "error")));
  $("bulk-clear").addEventListener("click", () => { state.selected.clear(); updateBulkBar(); });
  $("help-button").addEventListener("click", () => $("help").showModal());
  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", (event) => { event.preventDefault(); showView(tab.dataset.view); });
  }
  $("token").value = localStorage.getItem("curata-token") || "";
  $("token").addEventListener("change", (event) => {
    localStorage.setItem("curata-token", event.target.value.trim());
    forgetBlobs();
    start();
  });
  document.addEventListener("keydown", onKey);
  window.addEventListener("popstate", () => fromUrl());
  window.addEventListener("resize", debounce(() => grid.render(), 100));
}

function fromUrl() {
  const parsed = queryFromUrl(location.search);
  state.query = parsed.query;
  const form = $("filters");
  formFromFilters(form, state.query.filters);
  form.elements.sort_by.value = state.query.sort_by;
  form.elements.order.value = state.query.order;
  if (parsed.asset) panel.show(parsed.asset); else if (panel.open) panel.close();
  if (parsed.selection) board.pending = parsed.selection;
  showView(parsed.view, false);
  runSearch();
}

// Live updates (GET /events, server-sent): "changes" (new, changed, moved, missing
// assets, from a scan or --watch) re-run the search; "progress" and "scan" show a scan's
// progress and its end in the header.
function connectLive() {
  if (!operations.has("GET /events")) return;
  const source = new EventSource("/events");
  const json = (e) => { try { return JSON.parse(e.data); } catch { return null; } };
  source.addEventListener("changes", debounce(() => { if (state.view === "library") runSearch(); loadStats(); }, 300));
  source.addEventListener("progress", (e) => {
    const p = json(e) && json(e).progress;
    if (p) $("stats").textContent = `scanning: ${p.phase} ${p.files_done}${p.files_total != null ? " / " + p.files_total : ""} file(s)`;
  });
  source.addEventListener("scan", (e) => { const job = json(e); if (job && job.state !== "running") loadStats(); });
}

async function start() {
  try {
    const spec = await fetch("/openapi.json").then((r) => r.json());
    for (const [path, item] of Object.entries(spec.paths)) for (const method of Object.keys(item)) operations.add(`${method.toUpperCase()} ${path}`);
  } catch { /* the page still works without knowing the optional endpoints */ }
  loadStats();
  loadSaved();
  loadFolders();
  connectLive();
}

grid.setSize(localStorage.getItem("curata-size") || "medium");
$("thumb-size").value = localStorage.getItem("curata-size") || "medium";
$("caption").value = state.caption;
wire();
start().then(fromUrl);
