"""XMP keywords/ratings, JSON sidecars, and the dispatcher's never-fail guarantee."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from curata.ingest.metadata import AI_SOURCES, parse_metadata
from curata.ingest.metadata.dispatch import DOC_END, DOC_START, GENERATORS, formats_table
from curata.ingest.metadata.xmp import hierarchical_tag, parse_packet, rating
from curata.ingest.probe import probe_file
from curata.models.fields import replace_marked

BlocksOf = Callable[[Path], dict[str, str]]

LIGHTROOM = """<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/">
   <xmp:Rating>4</xmp:Rating>
   <dc:subject><rdf:Bag><rdf:li>Portrait</rdf:li><rdf:li>studio</rdf:li></rdf:Bag></dc:subject>
   <lr:hierarchicalSubject><rdf:Bag>
     <rdf:li>Style|Cyberpunk</rdf:li><rdf:li>Places|Europe|France</rdf:li><rdf:li>Solo</rdf:li>
   </rdf:Bag></lr:hierarchicalSubject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>"""


def test_lightroom_keywords_hierarchy_and_rating() -> None:
    facts = parse_packet(LIGHTROOM)
    assert facts.rating == 4
    assert facts.tags == ["Portrait", "studio", "Style:Cyberpunk", "Places:Europe/France", "Solo"]
    parsed = parse_metadata({"xmp": LIGHTROOM})
    assert parsed.rating == 4
    assert parsed.tags == ["portrait", "studio", "style:cyberpunk", "places:europe/france", "solo"]
    assert parsed.ai_source is None


@pytest.mark.parametrize(
    ("entry", "tag"),
    [("a|b", "a:b"), ("a|b|c", "a:b/c"), ("solo", "solo"), ("|x|", "x"), ("||", None),
     ("k:v|w", "k v:w")],
)  # fmt: skip
def test_hierarchical_subjects(entry: str, tag: str | None) -> None:
    assert hierarchical_tag(entry) == tag


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", 5), ("0", 0), ("-1", None), ("3.0", 3), ("6", None), ("x", None), (None, None)],
)
def test_xmp_rating_values(value: str | None, expected: int | None) -> None:
    assert rating(value) == expected


def test_rating_as_an_attribute_in_an_embedded_packet(tmp_path: Path, blocks_of: BlocksOf) -> None:
    packet = LIGHTROOM.replace("<xmp:Rating>4</xmp:Rating>", "").replace(
        'rdf:about=""', 'rdf:about="" xmp:Rating="2"'
    )
    path = tmp_path / "rated.jpg"
    Image.new("RGB", (8, 8)).save(path, xmp=packet.encode())
    assert parse_metadata(blocks_of(path)).rating == 2


def test_sidecar_xmp_wins_over_the_embedded_one(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (8, 8)).save(path, xmp=LIGHTROOM.encode())
    (tmp_path / "photo.xmp").write_text(LIGHTROOM.replace("<xmp:Rating>4", "<xmp:Rating>1"))
    result = probe_file(str(path))
    assert result.generation is not None and result.generation["rating"] == 1
    assert "style:cyberpunk" in result.tags


def test_malformed_xmp_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    Image.new("RGB", (8, 8)).save(path)
    (tmp_path / "photo.png.xmp").write_text(LIGHTROOM[:200])
    result = probe_file(str(path))
    assert result.error is None
    assert any(w.startswith("sidecar:xmp: XMP: not well-formed") for w in result.warnings)


def test_json_sidecar_from_the_a1111_api(tmp_path: Path) -> None:
    path = tmp_path / "api.png"
    Image.new("RGB", (8, 8)).save(path)
    info = {
        "prompt": "a koi pond",
        "negative_prompt": "ugly",
        "seed": 99,
        "steps": 25,
        "sampler_name": "Euler a",
        "cfg_scale": 6.5,
        "width": 768,
        "height": 512,
        "sd_model_name": "dreamshaper_8",
        "sd_model_hash": "879db523c3",
    }
    (tmp_path / "api.png.json").write_text(json.dumps(info))
    g = probe_file(str(path)).generation
    assert g is not None
    assert (g["ai_source"], g["prompt"], g["negative_prompt"]) == (
        "automatic1111",
        "a koi pond",
        "ugly",
    )
    params = g["generation_params"]
    assert (params["model"], params["model_hash"], params["sampler"]) == (
        "dreamshaper_8",
        "879db523c3",
        "Euler a",
    )


def test_json_sidecar_with_a_comfyui_graph(tmp_path: Path, generators: Path) -> None:
    blocks = probe_file(str(generators / "comfyui_img2img.png")).blocks
    path = tmp_path / "frame.jpg"
    Image.new("RGB", (8, 8)).save(path)
    (tmp_path / "frame.json").write_text(json.dumps({"prompt": json.loads(blocks["png:prompt"])}))
    g = probe_file(str(path)).generation
    assert g is not None and g["ai_source"] == "comfyui" and g["source"] == "sidecar:json"
    assert g["generation_params"]["seed"] == 280823642470253


def test_json_sidecar_without_generation_facts_gives_its_description(tmp_path: Path) -> None:
    path = tmp_path / "IMG_1.jpg"
    Image.new("RGB", (8, 8)).save(path)
    takeout = {"title": "IMG_1.jpg", "description": "Grandma's garden", "photoTakenTime": {}}
    (tmp_path / "IMG_1.jpg.json").write_text(json.dumps(takeout))
    g = probe_file(str(path)).generation
    assert g is not None and g["ai_source"] is None
    assert g["description"] == "Grandma's garden"


def test_truncated_json_sidecar_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    Image.new("RGB", (8, 8)).save(path)
    (tmp_path / "x.png.json").write_text('{"prompt": "a cat", "seed": 4')
    result = probe_file(str(path))
    assert result.error is None
    assert any(w.startswith("sidecar:json: not valid JSON") for w in result.warnings)


def test_a_broken_graph_still_names_comfyui_beside_a_described_sidecar() -> None:
    blocks = {"png:prompt": '{"3": {"class_type": "KSampler"', "sidecar:json": '{"caption": "x"}'}
    parsed = parse_metadata(blocks, "/lib/ComfyUI_00001_.png")
    assert (parsed.ai_source, parsed.description, parsed.guess) == ("comfyui", "x", False)
    assert len(parsed.warnings) == 1


def test_caption_txt_sidecar_is_the_description(tmp_path: Path) -> None:
    path = tmp_path / "train_001.png"
    Image.new("RGB", (8, 8)).save(path)
    (tmp_path / "train_001.txt").write_text("1girl, solo, smile\n")
    g = probe_file(str(path)).generation
    assert g is not None
    assert (g["ai_source"], g["description"]) == (None, "1girl, solo, smile")


_KEYS = [
    "png:parameters", "png:prompt", "png:workflow", "png:invokeai_metadata", "png:sd-metadata",
    "png:Dream", "png:Software", "png:Comment", "png:Description", "png:fooocus_scheme",
    "exif:UserComment", "exif:Software", "xmp", "sidecar:json", "sidecar:txt", "sidecar:xmp",
    "stealth:parameters", "c2pa:claim_generator", "c2pa:digital_source_type", "iptc:Keywords",
]  # fmt: skip
_texts = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["{", "{}", "[]", '{"nodes": 1}', '{"image": {"prompt": 5}}', "NovelAI",
                     "fooocus", "Steps: x", '"q" -s', "<x", "trainedAlgorithmicMedia"]),
    st.recursive(st.none() | st.integers() | st.text(max_size=10),
                 lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c,
                                                                     max_size=3),
                 max_leaves=10).map(json.dumps),
)  # fmt: skip


@settings(max_examples=400)
@given(blocks=st.dictionaries(st.sampled_from(_KEYS), _texts, max_size=6))
def test_parse_metadata_never_raises_and_tags_are_normalized(blocks: dict[str, str]) -> None:
    parsed = parse_metadata(blocks, "/x/some file.png")
    assert parsed.ai_source in (*AI_SOURCES, None)
    assert all(t == t.lower().strip() and t for t in parsed.tags)
    assert parsed.rating is None or 0 <= parsed.rating <= 5
    assert all(isinstance(w, str) for w in parsed.warnings)


def test_the_formats_table_of_the_docs_is_the_generator_table() -> None:
    """docs/metadata.md lists every generator of the table, in the order they are tried."""
    doc = Path(__file__).resolve().parents[3] / "docs" / "metadata.md"
    text = doc.read_text(encoding="utf-8")
    assert replace_marked(text, DOC_START, DOC_END, formats_table()) == text, (
        "run: python -m curata.ingest.metadata.dispatch docs/metadata.md"
    )
    table = formats_table()
    positions = [table.index(f"| {g.writer} |") for g in GENERATORS]
    assert positions == sorted(positions)
