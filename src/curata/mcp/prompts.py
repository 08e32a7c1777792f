"""MCP prompt templates for the jobs an assistant does with its eyes.

Each prompt is a ready user message that walks the assistant through the tools: look
(``view_assets``), decide, write back (``tag_assets``, ``update_selection``,
``rate_assets``). The language and the vision stay in the assistant; curata gets
structured calls only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from mcp_types.jsonrpc import INVALID_PARAMS

from curata.mcp.images import MAX_ASSETS

#: The longest argument value a prompt takes (a list of 20 hashes and some words).
MAX_ARGUMENT = 4096


@dataclass(frozen=True)
class Prompt:
    name: str
    title: str
    description: str
    arguments: tuple[types.PromptArgument, ...]
    text: Callable[[dict[str, str]], str]
    #: What is wrong with the arguments beyond presence and length (None: nothing).
    problem: Callable[[dict[str, str]], str | None] = lambda _args: None

    def describe(self) -> types.Prompt:
        return types.Prompt(
            name=self.name,
            title=self.title,
            description=self.description,
            arguments=list(self.arguments),
        )


def _assets(value: str) -> list[str]:
    """Hashes or paths separated by commas, spaces or new lines."""
    return [part for part in re.split(r"[,\s]+", value) if part]


def _tag_text(args: dict[str, str]) -> str:
    assets = _assets(args["assets"])
    vocabulary = args.get("vocabulary", "").strip()
    return "\n".join(
        [
            f"Tag these {len(assets)} asset(s) by what you see in them: {', '.join(assets)}.",
            "",
            f"1. Call view_assets with these assets (at most {MAX_ASSETS} per call). Read "
            "its text: it maps each picture, or each numbered cell of a contact sheet, to "
            "a content hash, and lists the tags each asset has already.",
            "2. For each asset decide a few tags for what is plainly visible: simple words "
            "('portrait', 'night') or key:value pairs ('subject:cat', 'style:watercolor', "
            "'colour:blue'). Leave out what you cannot see; do not repeat existing tags.",
            "3. Call tag_assets once per set of tags, with every asset that gets that set "
            '({"assets": [hashes], "tags": [tags]}).',
            "4. Answer with a short table: asset (first 12 hex digits), the tags added.",
            *(
                [f"Use this vocabulary where it fits: {vocabulary}."]
                if vocabulary
                else ["Call catalog_stats first to reuse the tags the catalog already has."]
            ),
        ]
    )


def _hero_text(args: dict[str, str]) -> str:
    project, selection = args["project_id"], args["selection_id"]
    brief = args.get("brief", "").strip()
    return "\n".join(
        [
            f"Pick the hero image of selection {selection!r} in project {project!r}.",
            *([f"What it is for: {brief}"] if brief else []),
            "",
            f'1. Call get_selection {{"project_id": "{project}", "selection_id": '
            f'"{selection}"}} and note its items (asset hashes, roles, notes).',
            f"2. Call view_assets with the items' asset hashes (at most {MAX_ASSETS} per "
            "call; a contact sheet numbers them in the order given).",
            "3. Choose the one image that best carries the selection: subject, "
            "composition, sharpness, light, and fit with the brief. Name a runner-up.",
            "4. Record it: update_selection with action update_items, setting the hero's "
            'role to "hero" and its selection_reason to your reason in one sentence; '
            'give the runner-up the role "alternate" if it has none.',
            "5. Answer with the hero's hash, your reason, and the runner-up.",
        ]
    )


def _duplicates_text(args: dict[str, str]) -> str:
    threshold = args.get("threshold", "").strip() or "10"
    return "\n".join(
        [
            "Find and review the duplicates in the catalog.",
            "",
            f'1. Call find_duplicates {{"threshold": {threshold}, "limit": 10}}: groups with '
            "a suggested keeper and the criterion that chose it.",
            "2. For each group call view_assets with its members' hashes (keeper first) and "
            "check that they really show the same picture; note the better one if the "
            "suggestion looks wrong (sharper, uncropped, no watermark, higher resolution).",
            "3. Report each group: the keeper you recommend, the others, and why; say "
            "which groups are not true duplicates. curata deletes nothing, so leave "
            "removing files to the user.",
            "4. If the user agrees, rate the keepers (rate_assets) or tag the others "
            "'duplicate:review' (tag_assets), as they prefer.",
        ]
    )


def _too_many(args: dict[str, str]) -> str | None:
    count = len(_assets(args["assets"]))
    return f"at most {MAX_ASSETS} assets, not {count}" if count > MAX_ASSETS else None


def _bad_threshold(args: dict[str, str]) -> str | None:
    value = args.get("threshold", "").strip()
    if value and not (value.isdigit() and int(value) <= 64):
        return f"threshold must be a whole number 0-64, not {value!r}"
    return None


def _argument(name: str, description: str, required: bool) -> types.PromptArgument:
    return types.PromptArgument(name=name, description=description, required=required)


PROMPTS = {
    prompt.name: prompt
    for prompt in (
        Prompt(
            name="tag_by_sight",
            title="Tag these assets by what you see",
            description="Look at assets with view_assets and tag them with what they show.",
            arguments=(
                _argument("assets", "content hashes or paths, separated by commas", True),
                _argument("vocabulary", "tags to prefer, e.g. 'subject:*, style:*, mood:*'", False),
            ),
            text=_tag_text,
            problem=_too_many,
        ),
        Prompt(
            name="pick_hero",
            title="Pick the hero image of this selection",
            description="Look at a selection's items and mark the best one as its hero.",
            arguments=(
                _argument("project_id", "the selection's project", True),
                _argument("selection_id", "the selection", True),
                _argument("brief", "what the hero image is for", False),
            ),
            text=_hero_text,
        ),
        Prompt(
            name="review_duplicates",
            title="Find and review duplicates",
            description="Find duplicate groups, look at them, and recommend what to keep.",
            arguments=(_argument("threshold", "Hamming distance 0-64 (default 10)", False),),
            text=_duplicates_text,
            problem=_bad_threshold,
        ),
    )
}


def get_prompt(name: str, arguments: dict[str, str] | None) -> types.GetPromptResult:
    """The prompt ``name`` filled with ``arguments``; an unknown prompt, a missing or
    unknown argument, or an oversized value is an invalid-params error naming it."""
    prompt = PROMPTS.get(name)
    if prompt is None:
        raise MCPError(INVALID_PARAMS, f"no prompt {name!r}; the prompts are: {', '.join(PROMPTS)}")
    given = dict(arguments or {})
    known = {a.name for a in prompt.arguments}
    for key, value in given.items():
        if key not in known:
            raise MCPError(INVALID_PARAMS, f"{name}: no argument {key!r}; it takes {sorted(known)}")
        if len(value) > MAX_ARGUMENT:
            raise MCPError(
                INVALID_PARAMS, f"{name}: {key} is longer than {MAX_ARGUMENT} characters"
            )
    for argument in prompt.arguments:
        if argument.required and not given.get(argument.name, "").strip():
            raise MCPError(INVALID_PARAMS, f"{name}: the argument {argument.name!r} is required")
    if problem := prompt.problem(given):
        raise MCPError(INVALID_PARAMS, f"{name}: {problem}")
    return types.GetPromptResult(
        description=prompt.title,
        messages=[
            types.PromptMessage(
                role="user", content=types.TextContent(type="text", text=prompt.text(given))
            )
        ],
    )


def register(server: Server[Any]) -> None:
    """Serve :data:`PROMPTS` from ``server`` (``prompts/list`` and ``prompts/get``)."""

    async def list_prompts(
        _ctx: Any, _params: types.PaginatedRequestParams
    ) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=[p.describe() for p in PROMPTS.values()])

    async def get(_ctx: Any, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        return get_prompt(params.name, params.arguments)

    server.add_request_handler("prompts/list", types.PaginatedRequestParams, list_prompts)
    server.add_request_handler("prompts/get", types.GetPromptRequestParams, get)
