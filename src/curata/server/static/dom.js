// Small DOM helpers: data goes in as text only (never as HTML).

export const $ = (id) => document.getElementById(id);

export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else if (key in node && typeof value !== "string") node[key] = value;
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}

// A path is a string, or {text, base64} when the file's name is not UTF-8 (docs/api.md).
export function pathText(path) {
  return path == null ? "" : typeof path === "string" ? path : path.text;
}

export function baseName(path) {
  return pathText(path).split("/").pop();
}

export function words(value) {
  return String(value || "").split(",").map((w) => w.trim()).filter(Boolean);
}

// A transient message near the top of the page (role=status) or an error (role=alert).
export function toast(message, kind = "info") {
  const box = $("toast");
  box.textContent = message;
  box.className = "toast " + kind;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 8000 : 3000);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast("copied");
  } catch {
    const area = el("textarea", { className: "offscreen" });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    toast("copied");
  }
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}
