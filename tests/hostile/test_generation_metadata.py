"""Hostile generation metadata and media tags: walks, nesting and counts stay bounded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mutagen.flac import FLAC
from mutagen.mp4 import MP4, MP4Cover
from tests.ingest.test_media_probers import write_audio

from curata.ingest.audio import MAX_TAG_VALUES
from curata.ingest.metadata import parse_metadata
from curata.ingest.metadata.comfyui import MAX_WALK
from curata.ingest.probe import probe_file


def node(class_type: str, **inputs: Any) -> dict[str, Any]:
    return {"class_type": class_type, "inputs": inputs}


def test_a_walk_visits_a_bounded_number_of_nodes() -> None:
    """A pass-on node with more dead-end inputs than the walk may visit: the checkpoint
    behind the last one is not reached, and the parse ends."""
    fan = MAX_WALK + 10
    graph = {f"d{i}": node("Dead End") for i in range(fan)}
    inputs = {f"in{i:05d}": [f"d{i}", 0] for i in range(fan)}
    inputs["in99999"] = ["ckpt", 0]
    graph["hub"] = node("Hub", **inputs)
    graph["ckpt"] = node("CheckpointLoaderSimple", ckpt_name="hidden.safetensors")
    graph["text"] = node("CLIPTextEncode", text="wide")
    graph["s"] = node("KSampler", model=["hub", 0], positive=["text", 0], negative=["text", 0],
                      seed=1, steps=2, cfg=3, sampler_name="euler", scheduler="normal")  # fmt: skip
    parsed = parse_metadata({"png:prompt": json.dumps(graph)})
    assert parsed.prompt == "wide" and "model" not in parsed.generation_params


def test_deeply_nested_json_in_user_comment_is_a_warning() -> None:
    parsed = parse_metadata({"exif:UserComment": "[" * 200_000})
    assert parsed.ai_source is None
    assert parsed.warnings  # named, never raised


def test_switch_select_pointing_nowhere_falls_back_to_the_inputs() -> None:
    graph = {
        "1": node("CheckpointLoaderSimple", ckpt_name="a.safetensors"),
        "2": node("Switch", select=99, input1=["1", 0]),
        "3": node("CLIPTextEncode", text="x"),
        "4": node("KSampler", model=["2", 0], positive=["3", 0], negative=["3", 0], seed=1,
                  steps=2, cfg=3, sampler_name="euler", scheduler="normal"),
    }  # fmt: skip
    assert parse_metadata({"png:prompt": json.dumps(graph)}).generation_params["model"] == (
        "a.safetensors"
    )


def test_thousands_of_tag_values_give_a_bounded_number_of_pairs(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "many.flac", "flac", seconds=0.3)
    tags = FLAC(str(path))
    tags["ARTIST"] = [f"artist {i}" for i in range(5000)]
    tags.save()
    result = probe_file(str(path))
    assert result.error is None
    assert len([t for t in result.tags if t.startswith("artist:")]) == MAX_TAG_VALUES


def test_cover_art_that_is_no_image_is_a_note(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "junk.m4a", "aac", seconds=0.3)
    tags = MP4(str(path))
    tags["covr"] = [MP4Cover(b"\xff\xd8\xff" + b"\x00" * 500, MP4Cover.FORMAT_JPEG)]
    tags.save()
    result = probe_file(str(path))
    assert result.error is None and result.media_type == "audio"
    assert result.phash is None
    assert "embedded cover art is not a readable image" in result.notes


def test_a_huge_invalid_tag_is_named_briefly_in_its_warning() -> None:
    from curata.ingest.metadata.dispatch import normalize_tags

    warnings: list[str] = []
    assert normalize_tags(["ok", "x\x00" * 500_000], warnings) == ["ok"]
    assert len(warnings) == 1 and len(warnings[0]) < 300
    assert "1000000 characters" in warnings[0]
