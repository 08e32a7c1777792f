// The search request <-> the filter form, the chips and the URL. Pure functions of data.

import { pathText, words } from "./dom.js";

const LISTS = ["file_formats", "tags", "any_tags", "exclude_tags", "ai_source", "has_metadata", "prompt_keywords"];
const TEXTS = ["media_type", "project", "filename_pattern", "folder"];
const RANGES = ["file_size", "quality_rating", "dimensions.width", "dimensions.height", "dimensions.aspect_ratio",
  "duration", "generation.steps", "generation.cfg_scale", "generation.denoise"];
const FLAGS = ["missing"];
const BY_KEY = ["tag_values", "tag_ranges", "tag_patterns"];

function getPath(obj, path) {
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function setPath(obj, path, value) {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] = o[k] || {};
  o[keys.at(-1)] = value;
}

function deletePath(obj, path) {
  const keys = path.split(".");
  const parents = [obj];
  for (const k of keys.slice(0, -1)) parents.push(parents.at(-1)?.[k]);
  if (!parents.at(-1)) return;
  delete parents.at(-1)[keys.at(-1)];
  for (let i = keys.length - 2; i >= 0; i--) {
    if (Object.keys(parents[i + 1]).length === 0) delete parents[i][keys[i]];
  }
}

// "key=a|b" lines -> {key: [a, b]}; "key=1..5" -> {key: {min, max}}; "key=regex" -> {key: regex}
function parseLines(text, kind) {
  const out = {};
  for (const line of String(text || "").split("\n")) {
    const at = line.indexOf("=");
    if (at < 1) continue;
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (kind === "tag_values") out[key] = value.split("|").map((v) => v.trim()).filter(Boolean);
    else if (kind === "tag_ranges") {
      const [min, max] = value.split("..");
      const range = {};
      if (min && min.trim()) range.min = Number(min);
      if (max && max.trim()) range.max = Number(max);
      out[key] = range;
    } else out[key] = value;
  }
  return out;
}

function formatLines(value, kind) {
  return Object.entries(value || {}).map(([key, v]) => {
    if (kind === "tag_values") return `${key}=${v.join("|")}`;
    if (kind === "tag_ranges") return `${key}=${v.min ?? ""}..${v.max ?? ""}`;
    return `${key}=${v}`;
  }).join("\n");
}

export function filtersFromForm(form) {
  const f = {};
  const value = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
  for (const key of LISTS) { const list = words(value(key)); if (list.length) f[key] = list; }
  for (const key of TEXTS) if (value(key)) f[key] = objectOf(form.elements[key]) ?? value(key);
  for (const key of FLAGS) if (value(key)) f[key] = value(key) === "true";
  for (const key of RANGES) {
    for (const bound of ["min", "max"]) {
      const v = value(`${key}.${bound}`);
      if (v !== "") setPath(f, `${key}.${bound}`, Number(v));
    }
  }
  for (const key of BY_KEY) {
    const parsed = parseLines(value(key), key);
    if (Object.keys(parsed).length) f[key] = parsed;
  }
  for (const bound of ["start", "end"]) {
    const v = value(`date_range.${bound}`);
    if (v) setPath(f, `date_range.${bound}`, v);
  }
  return f;
}

export function formFromFilters(form, filters) {
  for (const input of form.elements) {
    if (!input.name || input.name === "sort_by" || input.name === "order") continue;
    const name = input.name;
    const v = getPath(filters, name);
    if (LISTS.includes(name)) input.value = (v || []).join(", ");
    else if (BY_KEY.includes(name)) input.value = formatLines(v, name);
    else input.value = v !== null && typeof v === "object" ? pathText(v) : v ?? "";
    // a path object (a name that is not UTF-8) stays one while its text is not edited
    if (v !== null && typeof v === "object" && !Array.isArray(v) && "base64" in v) input.dataset.object = JSON.stringify(v);
    else delete input.dataset.object;
  }
}

function objectOf(input) {
  if (!input.dataset.object) return undefined;
  const object = JSON.parse(input.dataset.object);
  return object.text === input.value.trim() ? object : undefined;
}

// Every active filter as a chip: {label, remove(filters) -> filters}
export function chipsOf(filters) {
  const chips = [];
  const without = (mutate) => (f) => { const copy = structuredClone(f); mutate(copy); return copy; };
  for (const key of LISTS) {
    for (const item of filters[key] || []) {
      chips.push({ label: `${key.replace(/_/g, " ")}: ${item}`, field: key,
        remove: without((c) => { c[key] = c[key].filter((x) => x !== item); if (!c[key].length) delete c[key]; }) });
    }
  }
  for (const key of TEXTS) {
    if (filters[key]) chips.push({ label: `${key.replace(/_/g, " ")}: ${pathText(filters[key])}`, field: key, remove: without((c) => delete c[key]) });
  }
  for (const key of FLAGS) {
    if (typeof filters[key] === "boolean") chips.push({ label: `${key}: ${filters[key]}`, field: key, remove: without((c) => delete c[key]) });
  }
  for (const key of RANGES) {
    const r = getPath(filters, key);
    if (r) chips.push({ label: `${key.split(".").pop().replace(/_/g, " ")}: ${r.min ?? ""}–${r.max ?? ""}`, field: key,
      remove: without((c) => deletePath(c, key)) });
  }
  for (const key of BY_KEY) {
    for (const tagKey of Object.keys(filters[key] || {})) {
      chips.push({ label: `${key.replace(/_/g, " ")}: ${formatLines({ [tagKey]: filters[key][tagKey] }, key)}`, field: key,
        remove: without((c) => { delete c[key][tagKey]; if (!Object.keys(c[key]).length) delete c[key]; }) });
    }
  }
  if (filters.date_range) {
    chips.push({ label: `created: ${filters.date_range.start || ""}–${filters.date_range.end || ""}`, field: "date_range",
      remove: without((c) => delete c.date_range) });
  }
  return chips;
}

// A facet entry clicked -> the filters with it added.
export function withFacet(filters, kind, value) {
  const f = structuredClone(filters);
  const add = (key, v) => { f[key] = [...new Set([...(f[key] || []), v])]; };
  if (kind === "tag") add("tags", value);
  else if (kind === "source") add("ai_source", value);
  else if (kind === "format") add("file_formats", value);
  else if (kind === "type") f.media_type = value;
  else if (kind === "project") f.project = value;
  else if (kind === "rating") f.quality_rating = { min: value, max: value };
  return f;
}

export function queryToUrl(query, extra) {
  const params = new URLSearchParams();
  if (extra.view && extra.view !== "library") params.set("view", extra.view);
  if (Object.keys(query.filters).length) params.set("q", JSON.stringify(query.filters));
  if (query.sort_by !== "created_date") params.set("sort", query.sort_by);
  if (query.order !== "desc") params.set("order", query.order);
  for (const [k, v] of Object.entries(extra)) if (k !== "view" && v) params.set(k, v);
  const text = params.toString();
  return text ? "?" + text : location.pathname;
}

export function queryFromUrl(search) {
  const params = new URLSearchParams(search);
  let filters = {};
  try { filters = JSON.parse(params.get("q") || "{}"); } catch { filters = {}; }
  if (typeof filters !== "object" || filters === null || Array.isArray(filters)) filters = {};
  return {
    query: { filters, sort_by: params.get("sort") || "created_date", order: params.get("order") || "desc" },
    view: params.get("view") || "library",
    asset: params.get("asset"),
    selection: params.get("selection"),
  };
}
