// curata web page: search, thumbnails, selections. Talks only to the JSON API.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { offset: 0, total: 0, request: null };
const thumbCache = new Map();

function headers(json) {
  const h = {};
  const token = localStorage.getItem("curata-token");
  if (token) h["Authorization"] = "Bearer " + token;
  if (json) h["Content-Type"] = "application/json";
  return h;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = await response.json();
  if (!response.ok || !payload.success) {
    const err = payload.error || {};
    throw new Error(err.field ? `${err.field}: ${err.message}` : payload.message || response.statusText);
  }
  return payload.data;
}

function showError(err) {
  const box = $("error");
  box.textContent = String(err.message || err);
  box.hidden = false;
  setTimeout(() => { box.hidden = true; }, 6000);
}

async function blobUrl(path) {
  if (thumbCache.has(path)) return thumbCache.get(path);
  const response = await fetch(path, { headers: headers(false) });
  if (!response.ok) return null;
  const url = URL.createObjectURL(await response.blob());
  thumbCache.set(path, url);
  return url;
}

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child);
  return node;
}

// A path is a string, or {text, base64} when the file's name is not UTF-8 (docs/api.md).
function pathText(path) {
  return typeof path === "string" ? path : path.text;
}

function words(value) {
  return value.split(",").map((w) => w.trim()).filter(Boolean);
}

// ---- search -------------------------------------------------------------------------

function requestFromForm() {
  const form = new FormData($("search-form"));
  const filters = {};
  for (const key of ["tags", "any_tags", "exclude_tags", "ai_source", "prompt_keywords"]) {
    const list = words(form.get(key) || "");
    if (list.length) filters[key] = list;
  }
  for (const key of ["media_type", "project", "filename_pattern"]) {
    const value = (form.get(key) || "").trim();
    if (value) filters[key] = value;
  }
  const minQuality = form.get("min_quality");
  if (minQuality !== "" && minQuality !== null) filters.quality_rating = { min: Number(minQuality) };
  return {
    filters,
    sort_by: form.get("sort_by"),
    order: form.get("order"),
    limit: Number(form.get("limit") || 48),
    offset: 0,
  };
}

async function runSearch(offset) {
  const request = { ...state.request, offset };
  const data = await api("POST", "/search", request);
  state.offset = offset;
  state.total = data.total_count;
  const last = Math.min(offset + data.results.length, data.total_count);
  $("search-status").textContent =
    `${data.total_count} asset(s); showing ${data.results.length ? offset + 1 : 0}-${last} ` +
    `(${data.query_time_ms.toFixed(1)} ms)`;
  $("prev").disabled = offset === 0;
  $("next").disabled = last >= data.total_count;
  renderGrid($("results"), data.results.map((asset) => ({ asset, caption: asset.tags.slice(0, 4).join(", ") })));
  renderFacets(data.facets);
}

function renderGrid(container, entries) {
  container.replaceChildren();
  for (const { asset, caption } of entries) {
    const path = pathText(asset.file_path);
    const img = el("img", { alt: path, loading: "lazy" });
    const card = el("figure", { className: "card", tabIndex: 0 }, img,
      el("figcaption", { textContent: caption || path.split("/").pop() }));
    card.addEventListener("click", () => showDetail(asset.content_hash));
    container.append(card);
    blobUrl(`/assets/${asset.content_hash}/thumbnail?size=256`).then((url) => {
      if (url) img.src = url; else card.classList.add("nothumb");
    });
  }
}

function renderFacets(facets) {
  const box = $("facets");
  box.replaceChildren();
  if (!facets) return;
  const groups = [
    ["Tags", facets.tags, "tag"], ["AI sources", facets.ai_sources, "source"],
    ["Ratings", facets.quality_ratings, "rating"], ["Types", facets.media_types, "type"],
  ];
  for (const [title, entries, key] of groups) {
    if (!entries || !entries.length) continue;
    const list = el("ul", { className: "list" });
    for (const entry of entries.slice(0, 25)) {
      const item = el("li", { textContent: `${entry[key]} (${entry.count})` });
      if (key === "tag") {
        item.className = "link";
        item.addEventListener("click", () => {
          const input = $("search-form").elements.tags;
          input.value = [...words(input.value), entry.tag].join(", ");
          $("search-form").requestSubmit();
        });
      }
      list.append(item);
    }
    box.append(el("h3", { textContent: title }), list);
  }
}

// ---- asset detail -------------------------------------------------------------------

async function showDetail(hash) {
  try {
    const asset = await api("GET", `/assets/${hash}`);
    const path = pathText(asset.file_path);
    $("detail-title").textContent = path.split("/").pop();
    $("detail-image").src = (await blobUrl(`/assets/${hash}/thumbnail?size=1024`)) || "";
    const rows = [
      ["hash", asset.content_hash], ["path", path],
      ["type", `${asset.media_type} (${asset.file_format || "?"})`],
      ["size", `${asset.file_size.toLocaleString()} bytes`],
      ["rating", asset.quality_rating ?? ""], ["AI source", asset.ai_source || ""],
      ["project", asset.project || ""], ["tags", asset.tags.join(", ")],
      ["prompt", asset.metadata.prompt || ""],
    ];
    const table = $("detail-table");
    table.replaceChildren();
    for (const [name, value] of rows) {
      if (value === "") continue;
      table.append(el("tr", {}, el("th", { textContent: name }), el("td", { textContent: String(value) })));
    }
    $("detail-open").onclick = async () => {
      const url = await blobUrl(`/assets/${hash}/file`);
      if (url) window.open(url, "_blank", "noopener"); else showError("the file is not available");
    };
    $("detail").showModal();
  } catch (err) { showError(err); }
}

// ---- selections ---------------------------------------------------------------------

async function loadProjects() {
  const projects = await api("GET", "/projects");
  const list = $("projects");
  list.replaceChildren();
  const all = el("li", { textContent: "All projects", className: "link" });
  all.addEventListener("click", () => loadSelections(null));
  list.append(all);
  for (const project of projects) {
    const item = el("li", { className: "link",
      textContent: `${project.name} (${project.selection_count} selections, ${project.asset_count} assets)` });
    item.addEventListener("click", () => loadSelections(project.id));
    list.append(item);
  }
  await loadSelections(null);
}

async function loadSelections(projectId) {
  const query = projectId ? `?project_id=${encodeURIComponent(projectId)}` : "";
  const selections = await api("GET", "/selections" + query);
  const list = $("selections");
  list.replaceChildren();
  for (const sel of selections) {
    const item = el("li", { className: "link",
      textContent: `${sel.name} · ${sel.purpose} · ${sel.status} · ${sel.item_count} item(s)` });
    item.addEventListener("click", () => showSelection(sel.project_id, sel.id).catch(showError));
    list.append(item);
  }
}

async function showSelection(projectId, selectionId) {
  const sel = await api("GET",
    `/projects/${encodeURIComponent(projectId)}/selections/${encodeURIComponent(selectionId)}`);
  $("selection-title").textContent = sel.name;
  $("selection-meta").textContent =
    `${sel.project_id} · ${sel.purpose} · ${sel.status} · ${sel.items.length} item(s)` +
    (sel.description ? ` · ${sel.description}` : "");
  renderGrid($("selection-items"), sel.items.map((item) => ({
    asset: { content_hash: item.asset_hash, file_path: item.file_path || item.asset_hash },
    caption: [item.role, item.group, item.selection_reason].filter(Boolean).join(" · "),
  })));
}

// ---- wiring -------------------------------------------------------------------------

function switchView(name) {
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.view === name);
  $("search-view").hidden = name !== "search";
  $("selections-view").hidden = name !== "selections";
  if (name === "selections") loadProjects().catch(showError);
}

async function loadStats() {
  const stats = await api("GET", "/stats");
  $("stats").textContent = `${stats.assets.toLocaleString()} assets · ` +
    `${(stats.total_bytes / 1e9).toFixed(2)} GB`;
}

function start() {
  $("token").value = localStorage.getItem("curata-token") || "";
  $("token").addEventListener("change", (event) => {
    localStorage.setItem("curata-token", event.target.value.trim());
    thumbCache.clear();
    loadStats().catch(showError);
  });
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => switchView(tab.dataset.view));
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.request = requestFromForm();
    runSearch(0).catch(showError);
  });
  $("prev").addEventListener("click", () => runSearch(Math.max(0, state.offset - state.request.limit)).catch(showError));
  $("next").addEventListener("click", () => runSearch(state.offset + state.request.limit).catch(showError));
  loadStats().catch(showError);
  state.request = requestFromForm();
  runSearch(0).catch(showError);
}

start();
