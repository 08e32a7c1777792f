// A small modal form: ask(title, fields) resolves to {name: value} or null when cancelled.

import { $, el } from "./dom.js";

export function ask(title, fields, submitLabel = "OK") {
  const dialog = $("prompt-dialog");
  return new Promise((resolve) => {
    const inputs = fields.map((f) => {
      const input = f.options
        ? el("select", { name: f.name }, f.options.map(([value, label]) => el("option", { value, text: label, selected: value === f.value })))
        : el("input", { name: f.name, value: f.value || "", placeholder: f.placeholder || "", required: f.required });
      return el("label", {}, f.label + " ", input);
    });
    const form = el("form", { method: "dialog", className: "stack" },
      el("h2", { text: title }), ...inputs,
      el("div", { className: "row" },
        el("button", { type: "submit", value: "ok", text: submitLabel }),
        el("button", { type: "button", value: "cancel", text: "Cancel", onclick: () => dialog.close("cancel") })));
    dialog.replaceChildren(form);
    dialog.onclose = () => {
      if (dialog.returnValue !== "ok") return resolve(null);
      const values = {};
      for (const f of fields) values[f.name] = form.elements[f.name].value.trim();
      resolve(values);
    };
    dialog.returnValue = "";
    dialog.showModal();
    (form.querySelector("input") || form.querySelector("select")).focus();
  });
}
