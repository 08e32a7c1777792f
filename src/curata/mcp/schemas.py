"""Lean tool schemas: what an assistant needs to call a tool, in a few kilobytes.

The tool list is sent to the model on every turn, so it is kept under 20 KB
(``tests/mcp/test_budget.py``). A tool's input schema is its request model's JSON schema
made lean: no generated titles, no ``default: null``, ``X | None`` written as ``X``
(leaving a field out is how an assistant says none), no ``additionalProperties`` (the
server still refuses unknown fields, naming them), no long or trivial regular expressions
and no bounds that only guard the server (it still applies them; the descriptions say
what is allowed), no docstrings of nested models, and models used once written in place.
The search filters are described in full by ``search_assets`` only; the other tools
that take them point there. Arguments are validated against the full request model, so
a lean schema never lets a bad call through.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

#: Models described by one tool only; elsewhere a reference to them is a pointer.
SHARED = {
    "SearchFilters": ("search_assets", "search filters, as in search_assets"),
    "SearchRequest": ("search_assets", "a search: the arguments of search_assets"),
    "SelectionConstraints": ("create_selection", "as in create_selection"),
    "Budget": ("create_selection", "as in create_selection"),
    "ItemFields": ("", "the fields of an item of items, but asset_hash"),
}
#: Sub-schemas whose description repeats their field's.
ANONYMOUS = {"items", "propertyNames", "additionalProperties"}
#: An enum longer than this is written as a string (its field's description names them).
LONG_ENUM = 16
LONG_PATTERN = 80
#: Patterns that only refuse what no assistant sends (a NUL, a blank name, a language
#: code that is not one).
TRIVIAL_PATTERNS = {r"^[^\u0000]*$", r"\S", r"^[A-Za-z0-9-]{0,16}$"}
#: Bounds that only guard the server (an assistant never comes near them).
GUARDS = {"maximum": 10**6, "maxLength": 64, "maxItems": 1000, "maxProperties": 1000}
FLOORS = {"minLength": 1, "minimum": 0}


def first_sentence(text: str, most: int = 110, lists: bool = False) -> str:
    """``text`` up to the end of its first sentence, on one line, without reST's
    backquotes; a sentence longer than ``most`` ends at its first colon or semicolon
    (where its details begin), and with ``lists`` at the last comma before ``most``
    (the rest of an enumeration)."""
    flat = " ".join(text.replace("``", "").split())
    end = re.search(r"(?<=\.)\s", flat)
    sentence = flat[: end.start()] if end else flat
    if len(sentence) > most and (clause := re.search(r"[:;]\s", sentence)):
        sentence = sentence[: clause.start()] + "."
    if lists and len(sentence) > most and (comma := sentence.rfind(", ", 0, most)) > 0:
        sentence = sentence[:comma] + "."
    return sentence


def _lean(node: Any, tool: str, nested: bool) -> Any:
    if isinstance(node, list):
        return [_lean(item, tool, nested) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        owner = SHARED.get(ref.rsplit("/", 1)[-1])
        if owner and owner[0] != tool:
            return {"type": "object", "description": owner[1]}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "default" and value in (None, False):
            continue  # leaving a field out says none, or no
        if key == "additionalProperties" and isinstance(value, bool):
            continue  # false: the server names an unknown field; true: the default
        if key == "propertyNames" and value == {}:
            continue
        if key == "pattern" and (len(value) > LONG_PATTERN or value in TRIVIAL_PATTERNS):
            continue
        if key in GUARDS and isinstance(value, int | float) and value >= GUARDS[key]:
            continue
        if key in FLOORS and value == FLOORS[key]:
            continue
        if key == "enum" and len(value) > LONG_ENUM:
            continue
        if key == "anyOf" and all(_bound_required(option) for option in value):
            continue  # "give at least one bound": the description says so
        if key in ("properties", "$defs"):
            out[key] = {name: _lean(sub, tool, key == "$defs") for name, sub in value.items()}
        elif key == "description" and nested:
            continue  # a nested model's docstring: its fields' descriptions say enough
        elif key in ANONYMOUS and isinstance(value, dict):
            lean = {k: v for k, v in _lean(value, tool, False).items() if k != "description"}
            if lean or key != "propertyNames":  # {}: any name (what is left of a guard)
                out[key] = lean
        else:
            out[key] = _lean(value, tool, False)
    options = out.get("anyOf")
    if isinstance(options, list) and any(map(_unwritten, options)):
        rest = [option for option in options if not _unwritten(option)]
        del out["anyOf"]
        out = {**rest[0], **out} if len(rest) == 1 else {**out, "anyOf": rest}
    return out


def _bound_required(option: Any) -> bool:
    return isinstance(option, dict) and set(option) == {"properties", "required"}


def _unwritten(option: Any) -> bool:
    """``null`` (leave the field out) or a non-UTF-8 path (no assistant writes one)."""
    return option == {"type": "null"} or (
        isinstance(option, dict) and option.get("required") == ["text", "base64"]
    )


def _refs(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
    return found.union(*(_refs(value) for value in node.values()))


def lean_schema(schema: dict[str, Any], tool: str) -> dict[str, Any]:
    """``schema`` (a model's JSON schema) made lean for ``tool`` (see the module)."""
    out = _lean(schema, tool, False)
    out.pop("description", None)  # the request model's docstring: the tool's says it
    paging = out.get("properties", {})
    if "cursor" in paging:  # a list tool: the instructions say its paging, once
        paging["limit"] = {"type": "integer"}
        paging["compact"] = {"type": "boolean"}
    defs = out.pop("$defs", {})
    if defs:
        # Keep the definitions still referenced, from the top and from each other.
        keep: set[str] = set()
        todo = _refs(out)
        while todo:
            name = todo.pop()
            if name not in keep and name in defs:
                keep.add(name)
                todo |= _refs(defs[name])
        uses = _ref_counts([out, *(defs[name] for name in keep)])
        once = {name for name in keep if uses[name] == 1 and name not in _refs(defs[name])}
        out = _inline(out, defs, once)
        kept = {name: _inline(defs[name], defs, once) for name in defs if name in keep - once}
        if kept:
            out["$defs"] = kept
    return out


def _ref_counts(nodes: list[Any]) -> Counter[str]:
    counts: Counter[str] = Counter()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                counts[node["$ref"].rsplit("/", 1)[-1]] += 1
            for value in node.values():
                walk(value)

    walk(nodes)
    return counts


def _inline(node: Any, defs: dict[str, Any], once: set[str]) -> Any:
    """``node`` with the references to the definitions used ``once`` written in place."""
    if isinstance(node, list):
        return [_inline(item, defs, once) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _inline(value, defs, once) for key, value in node.items()}
    name = out["$ref"].rsplit("/", 1)[-1] if isinstance(out.get("$ref"), str) else None
    if name in once:
        del out["$ref"]
        out = {**_inline(defs[name], defs, once), **out}
    return out
