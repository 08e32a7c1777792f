// The asset view: preview, locations, generation metadata, tags, rating, selections,
// similar assets and near-duplicates.

import { api, mediaUrl, thumbPath } from "./api.js";
import { $, baseName, copyText, el, pathText } from "./dom.js";

const PARAMS = [
  ["seed", "Seed"], ["steps", "Steps"], ["sampler", "Sampler"], ["scheduler", "Scheduler"],
  ["cfg_scale", "CFG scale"], ["model", "Model"], ["model_hash", "Model hash"],
  ["denoise", "Denoise"],
];

export function generation(asset) {
  return (asset.metadata && asset.metadata.generation_params) || {};
}

function sizeOf(asset) {
  const p = generation(asset);
  const d = asset.metadata && asset.metadata.dimensions;
  if (p.width && p.height) return `${p.width}x${p.height}`;
  return d ? `${d.width}x${d.height}` : "";
}

function loras(p) {
  const list = p.loras || p.lora || [];
  if (!Array.isArray(list)) return String(list);
  return list.map((l) => (typeof l === "object" ? `${l.name || l.model_name || "?"}:${l.weight ?? l.strength ?? ""}` : String(l))).join(", ");
}

// The parameters as AUTOMATIC1111 writes them ("parameters" text of a PNG).
export function a1111Text(asset) {
  const m = asset.metadata || {};
  const p = generation(asset);
  const parts = [];
  for (const [key, label] of PARAMS) if (p[key] !== undefined && p[key] !== null) parts.push(`${label}: ${p[key]}`);
  const size = sizeOf(asset);
  if (size) parts.push(`Size: ${size}`);
  if (loras(p)) parts.push(`Lora: ${loras(p)}`);
  return [m.prompt || "", m.negative_prompt ? `Negative prompt: ${m.negative_prompt}` : null, parts.join(", ")]
    .filter((x) => x !== null).join("\n");
}

function value(v) {
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

export class AssetPanel {
  // actions: {rate(hash, n), tag(hash, tags), untag(hash, tags), open(hash), close()}
  constructor(actions) {
    this.box = $("asset-panel");
    this.actions = actions;
    this.hash = null;
  }

  get open() { return !this.box.hidden; }

  close() {
    this.box.hidden = true;
    this.box.replaceChildren();
    this.hash = null;
  }

  async show(hash) {
    this.hash = hash;
    this.box.hidden = false;
    this.box.replaceChildren(el("p", { className: "muted loading", text: "Loading…" }));
    let asset;
    try {
      asset = await api("GET", `/assets/${hash}`);
    } catch (err) {
      this.box.replaceChildren(this.closeButton(), el("p", { className: "error", role: "alert", text: err.message }));
      return;
    }
    if (this.hash !== hash) return;
    this.asset = asset;
    this.render();
    this.loadRelated(asset);
  }

  closeButton() {
    return el("button", { type: "button", className: "close", "aria-label": "close", text: "×", onclick: () => this.actions.close() });
  }

  render() {
    const a = this.asset;
    const m = a.metadata || {};
    const p = generation(a);
    const preview = el("div", { className: "preview" });
    this.fillPreview(preview, a);
    const rows = [
      ["Prompt", m.prompt], ["Negative prompt", m.negative_prompt],
      ...PARAMS.map(([key, label]) => [label, p[key]]),
      ["LoRAs", loras(p)], ["Size", sizeOf(a)],
    ];
    const known = new Set([...PARAMS.map(([k]) => k), "loras", "lora", "width", "height"]);
    for (const [key, v] of Object.entries(p)) if (!known.has(key)) rows.push([key, v]);
    rows.push(["AI source", a.ai_source], ["Type", `${a.media_type} (${a.file_format || "?"})`],
      ["File size", `${a.file_size.toLocaleString()} bytes`], ["Project", a.project], ["Hash", a.content_hash]);
    const table = el("table", { className: "meta", id: "asset-meta" },
      rows.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) =>
        el("tr", { dataset: { key: k } }, el("th", { text: k }), el("td", { text: value(v) }))));
    const stars = el("div", { className: "stars", role: "group", "aria-label": "rating" },
      [0, 1, 2, 3, 4, 5].map((n) => el("button", {
        type: "button", text: n === 0 ? "0" : "★".repeat(n), "aria-pressed": String(a.quality_rating === n),
        "aria-label": `rate ${n}`, onclick: () => this.actions.rate(a.content_hash, n),
      })));
    const tagInput = el("input", { placeholder: "add a tag", "aria-label": "add a tag", id: "asset-tag-input" });
    const tags = el("div", { className: "chips", id: "asset-tags" },
      a.tags.map((t) => el("span", { className: "chip" }, t,
        el("button", { type: "button", "aria-label": `remove tag ${t}`, text: "×", onclick: () => this.actions.untag(a.content_hash, [t]) }))),
      el("form", { onsubmit: (e) => { e.preventDefault(); if (tagInput.value.trim()) this.actions.tag(a.content_hash, [tagInput.value.trim()]); } }, tagInput));
    const locations = el("ul", { className: "list", id: "asset-locations" },
      (a.locations.length ? a.locations : [{ path: a.file_path }]).map((l) =>
        el("li", { className: l.missing ? "missing" : "" }, pathText(l.path), l.missing ? el("strong", { text: " (missing)" }) : null)));
    this.box.replaceChildren(
      this.closeButton(),
      el("h2", { text: baseName(a.file_path) }),
      preview,
      el("div", { className: "row" },
        el("button", { type: "button", text: "Copy prompt", disabled: !m.prompt, onclick: () => copyText(m.prompt || "") }),
        el("button", { type: "button", text: "Copy seed", disabled: p.seed === undefined, onclick: () => copyText(String(p.seed)) }),
        el("button", { type: "button", text: "Copy parameters", onclick: () => copyText(a1111Text(a)) })),
      el("h3", { text: "Rating" }), stars,
      el("h3", { text: "Tags" }), tags,
      el("h3", { text: "Generation" }), table,
      el("h3", { text: "Locations" }), locations,
      el("h3", { text: "In selections" }), el("ul", { className: "list", id: "asset-selections" }, el("li", { className: "muted", text: "…" })),
      el("h3", { text: "Similar" }), el("div", { className: "strip", id: "asset-similar" }, el("span", { className: "muted", text: "…" })),
      el("h3", { text: "Near-duplicates" }), el("div", { className: "strip", id: "asset-dups" }, el("span", { className: "muted", text: "…" })),
    );
  }

  async fillPreview(box, a) {
    const file = `/assets/${a.content_hash}/file`;
    if (a.media_type === "video" || a.media_type === "audio") {
      const src = await mediaUrl(file);
      box.append(el(a.media_type, { controls: true, preload: "metadata", src }));
    } else if (a.media_type === "image") {
      const src = await mediaUrl(thumbPath(a.content_hash, 1024));
      box.append(el("img", { src, alt: baseName(a.file_path) }));
    } else {
      box.append(el("p", { className: "muted", text: `${a.media_type}: no preview` }));
    }
  }

  async loadRelated(a) {
    const hash = a.content_hash;
    api("GET", `/assets/${hash}/selections`).then((list) => {
      if (this.hash !== hash) return;
      $("asset-selections").replaceChildren(...(list.length ? list.map((s) =>
        el("li", { text: `${s.selection_name} (${s.project_id}) · ${s.status}${s.role ? " · " + s.role : ""}` }))
        : [el("li", { className: "muted", text: "none" })]));
    }, (err) => $("asset-selections").replaceChildren(el("li", { className: "error", text: err.message })));
    if (!a.phash) {
      for (const id of ["asset-similar", "asset-dups"]) $(id).replaceChildren(el("span", { className: "muted", text: "no perceptual hash" }));
      return;
    }
    try {
      const similar = await api("POST", "/similar", { target: hash, threshold: 24, limit: 12 });
      if (this.hash !== hash) return;
      const strip = (matches) => matches.length ? matches.map((m) => {
        const img = el("img", { alt: baseName(m.asset.file_path) });
        mediaUrl(thumbPath(m.asset.content_hash, 128)).then((src) => { img.src = src; });
        return el("button", { type: "button", className: "mini", title: pathText(m.asset.file_path),
          onclick: () => this.actions.open(m.asset.content_hash) }, img, el("span", { text: `distance ${m.distance}` }));
      }) : [el("span", { className: "muted", text: "none" })];
      $("asset-similar").replaceChildren(...strip(similar.results.filter((m) => m.distance > 10)));
      $("asset-dups").replaceChildren(...strip(similar.results.filter((m) => m.distance <= 10)));
    } catch (err) {
      $("asset-similar").replaceChildren(el("span", { className: "error", text: err.message }));
    }
  }
}
