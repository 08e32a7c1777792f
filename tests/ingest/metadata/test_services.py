"""Hosted services: XMP/IPTC provenance, C2PA manifests, Midjourney descriptions, file names."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from tests.ingest.metadata.builders import write_png

from curata.ingest.metadata import parse_metadata
from curata.ingest.metadata.c2pa import manifest_blocks
from curata.ingest.metadata.filenames import guess
from curata.ingest.probe import probe_file

BlocksOf = Callable[[Path], dict[str, str]]
TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
JOB = "0b7e1a2c-3d4e-4f50-8a6b-7c8d9e0f1a2b"


def xmp_packet(description: str = "", credit: str = "", source_type: str = "", **extra: str) -> str:
    attrs = "".join(f' {k.replace("__", ":")}="{v}"' for k, v in extra.items())
    parts = []
    if description:
        parts.append(
            f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{description}</rdf:li>'
            "</rdf:Alt></dc:description>"
        )
    if credit:
        parts.append(f"<photoshop:Credit>{credit}</photoshop:Credit>")
    if source_type:
        parts.append(f'<Iptc4xmpExt:DigitalSourceType rdf:resource="{source_type}"/>')
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
        f"{attrs}>{''.join(parts)}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )


# --- a minimal C2PA manifest store, from the C2PA and JUMBF (ISO 19566-5) specifications


def cbor(value: Any) -> bytes:
    """Deterministic CBOR (RFC 8949) for text, ints, lists and maps."""

    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        if n < 256:
            return bytes([major << 5 | 24, n])
        return bytes([major << 5 | 25]) + struct.pack(">H", n)

    if isinstance(value, str):
        raw = value.encode()
        return head(3, len(raw)) + raw
    if isinstance(value, int):
        return head(0, value)
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor(v) for v in value)
    return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def superbox(uuid_prefix: bytes, label: str, *children: bytes) -> bytes:
    uuid = uuid_prefix + bytes.fromhex("00110010800000aa00389b71")
    description = box(b"jumd", uuid + b"\x03" + label.encode() + b"\0")
    return box(b"jumb", description + b"".join(children))


def manifest_store(claim: dict[str, Any], actions: dict[str, Any]) -> bytes:
    return superbox(
        b"c2pa",
        "c2pa",
        superbox(
            b"c2ma",
            "urn:uuid:6f1c2a3b-0000-4000-8000-000000000001",
            superbox(
                b"c2as",
                "c2pa.assertions",
                superbox(b"cbor", "c2pa.actions", box(b"cbor", cbor(actions))),
            ),
            superbox(b"c2cl", "c2pa.claim", box(b"cbor", cbor(claim))),
        ),
    )


AI_ACTIONS = {
    "actions": [
        {
            "action": "c2pa.created",
            "softwareAgent": {"name": "GPT-4o"},
            "digitalSourceType": TRAINED,
        }
    ]
}


def jpeg_with_app11(path: Path, store: bytes) -> Path:
    """A JPEG carrying a JUMBF box in one APP11 segment ("JP", instance 1, sequence 1)."""
    Image.new("RGB", (16, 16), "gray").save(path)
    data = path.read_bytes()
    payload = b"JP" + struct.pack(">HI", 1, 1) + store
    segment = b"\xff\xeb" + struct.pack(">H", len(payload) + 2) + payload
    path.write_bytes(data[:2] + segment + data[2:])
    return path


def test_firefly_c2pa_in_jpeg(tmp_path: Path, blocks_of: BlocksOf) -> None:
    claim = {"claim_generator": "Adobe_Firefly/0.1.0 c2pa-rs/0.25.2", "dc:format": "image/jpeg"}
    actions = {"actions": [{"action": "c2pa.created", "digitalSourceType": TRAINED}]}
    path = jpeg_with_app11(tmp_path / "firefly.jpg", manifest_store(claim, actions))
    blocks = blocks_of(path)
    assert blocks["c2pa:claim_generator"] == "Adobe_Firefly/0.1.0 c2pa-rs/0.25.2"
    assert blocks["c2pa:digital_source_type"] == "trainedAlgorithmicMedia"
    parsed = parse_metadata(blocks, str(path))
    assert (parsed.ai_source, parsed.source, parsed.guess) == (
        "firefly",
        "c2pa:claim_generator",
        False,
    )
    assert parsed.generation_params["digital_source_type"] == "trainedAlgorithmicMedia"


def test_chatgpt_c2pa_v2_claim_generator_info_in_png(tmp_path: Path, blocks_of: BlocksOf) -> None:
    claim = {"claim_generator_info": [{"name": "ChatGPT", "version": "1.0"}], "alg": "sha256"}
    store = manifest_store(claim, AI_ACTIONS)
    path = write_png(tmp_path / "chatgpt.png", extra_chunks=[(b"caBX", store)])
    blocks = blocks_of(path)
    assert (blocks["c2pa:claim_generator"], blocks["c2pa:software_agent"]) == ("ChatGPT", "GPT-4o")
    assert parse_metadata(blocks).ai_source == "dall-e"


def test_c2pa_chunk_in_webp(tmp_path: Path, blocks_of: BlocksOf) -> None:
    path = tmp_path / "flux.webp"
    Image.new("RGB", (16, 16)).save(path)
    store = manifest_store({"claim_generator": "Black Forest Labs API"}, AI_ACTIONS)
    chunk = b"C2PA" + struct.pack("<I", len(store)) + store + b"\0" * (len(store) % 2)
    data = path.read_bytes() + chunk
    path.write_bytes(data[:4] + struct.pack("<I", len(data) - 8) + data[8:])
    assert parse_metadata(blocks_of(path)).ai_source == "flux"


def test_manifest_bytes_inside_image_data_are_not_a_manifest(tmp_path: Path) -> None:
    """Only the containers' metadata places are searched, never the pixels."""
    store = manifest_store({"claim_generator": "Adobe_Firefly"}, AI_ACTIONS)
    path = tmp_path / "plain.jpg"
    Image.new("RGB", (16, 16)).save(path)
    data = path.read_bytes()
    path.write_bytes(data[:-2] + store + data[-2:])  # after start-of-scan: entropy data
    assert "c2pa:manifest" not in probe_file(str(path)).blocks


def test_camera_c2pa_is_not_ai() -> None:
    claim = {"claim_generator": "Leica Camera AG M11-P"}
    actions = {"actions": [{"action": "c2pa.created", "digitalSourceType": "digitalCapture"}]}
    blocks = manifest_blocks(b"\xff\xd8 header" + manifest_store(claim, actions) + b"pixels")
    assert blocks["c2pa:manifest"] == "present"
    assert "c2pa:digital_source_type" not in blocks
    parsed = parse_metadata(blocks)
    assert parsed.ai_source is None


def test_no_manifest_no_blocks() -> None:
    assert manifest_blocks(b"\x89PNG plain bytes with c2pa in text but no jumd") == {}


def test_midjourney_png_description_job_id_and_xmp(tmp_path: Path, blocks_of: BlocksOf) -> None:
    description = f"a lighthouse in a storm, dramatic --ar 16:9 --v 6.1 --no people Job ID: {JOB}"
    path = write_png(
        tmp_path / "mj.png",
        early={
            "Description": description,
            "Author": "someone",
            "XML:com.adobe.xmp": xmp_packet(description=description, source_type=TRAINED),
        },
    )
    parsed = parse_metadata(blocks_of(path))
    assert parsed.ai_source == "midjourney"
    assert (parsed.prompt, parsed.negative_prompt) == (
        "a lighthouse in a storm, dramatic",
        "people",
    )
    params = parsed.generation_params
    assert (params["job_id"], params["aspect_ratio"], params["version"]) == (JOB, "16:9", "6.1")
    assert "generator:midjourney" in parsed.tags


def test_xmp_digital_source_type_and_credit_in_jpeg(tmp_path: Path, blocks_of: BlocksOf) -> None:
    path = tmp_path / "imagen.jpg"
    packet = xmp_packet(credit="Made with Google AI", source_type=TRAINED)
    Image.new("RGB", (16, 16)).save(path, xmp=packet.encode())
    parsed = parse_metadata(blocks_of(path))
    assert parsed.ai_source == "imagen"
    assert parsed.generation_params["service_evidence"] == {
        "xmp:photoshop:Credit": "Made with Google AI"
    }


def test_ai_flag_without_a_named_tool(tmp_path: Path, blocks_of: BlocksOf) -> None:
    path = tmp_path / "anon.webp"
    Image.new("RGB", (16, 16)).save(path, xmp=xmp_packet(source_type=TRAINED).encode())
    assert parse_metadata(blocks_of(path)).ai_source == "unknown-ai"


def test_flux_named_by_the_creator_tool() -> None:
    packet = xmp_packet(xmp__CreatorTool="Black Forest Labs FLUX.1 [pro]", source_type=TRAINED)
    assert parse_metadata({"xmp": packet}).ai_source == "flux"


def test_a_photo_with_plain_xmp_is_not_ai() -> None:
    packet = xmp_packet(description="holiday at the sea", credit="Jane Doe")
    parsed = parse_metadata({"xmp": packet})
    assert (parsed.ai_source, parsed.description) == (None, "holiday at the sea")


def iptc_app13(records: list[tuple[int, bytes]]) -> bytes:
    """An APP13 "Photoshop 3.0" segment holding IPTC IIM records (dataset 2:n)."""
    iim = b"".join(b"\x1c\x02" + bytes([n]) + struct.pack(">H", len(v)) + v for n, v in records)
    if len(iim) % 2:
        iim += b"\0"
    resource = b"8BIM\x04\x04\0\0" + struct.pack(">I", len(iim)) + iim
    payload = b"Photoshop 3.0\0" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def test_iptc_credit_and_keywords_in_jpeg(tmp_path: Path, blocks_of: BlocksOf) -> None:
    path = tmp_path / "iptc.jpg"
    Image.new("RGB", (16, 16)).save(path)
    data = path.read_bytes()
    segment = iptc_app13([(25, b"castle"), (25, b"night"), (110, b"Midjourney")])
    path.write_bytes(data[:2] + segment + data[2:])
    blocks = blocks_of(path)
    assert (blocks["iptc:Keywords"], blocks["iptc:Credit"]) == ("castle\nnight", "Midjourney")
    parsed = parse_metadata(blocks)
    assert parsed.ai_source == "midjourney"
    assert {"castle", "night", "generator:midjourney"} <= set(parsed.tags)


@pytest.mark.parametrize(
    ("name", "ai_source", "prompt", "extra"),
    [
        ("DALL·E 2024-03-01 14.22.05 - A red panda astronaut.png", "dall-e",
         "A red panda astronaut", {}),
        (f"someone_a_cozy_cabin_in_the_woods_{JOB}.png", "midjourney", None, {"job_id": JOB}),
        ("Firefly neon city at night 39211.jpg", "firefly", "neon city at night", {}),
        ("ComfyUI_00042_.png", "comfyui", None, {}),
        ("00042-1234567890.png", "automatic1111", None, {"seed": 1234567890}),
        ("1girl, sunset s-3512305.png", "novelai", "1girl, sunset", {"seed": 3512305}),
        ("flux_dev_00001.png", "flux", None, {}),
    ],
)  # fmt: skip
def test_filename_conventions_are_guesses(
    name: str, ai_source: str, prompt: str | None, extra: dict[str, Any]
) -> None:
    parsed = guess(f"/library/{name}")
    assert parsed is not None
    assert (parsed.ai_source, parsed.prompt, parsed.guess) == (ai_source, prompt, True)
    assert parsed.generation_params == {**extra, "guessed_from": "filename"}


@pytest.mark.parametrize("name", ["IMG_2041.jpg", "holiday.png", "scan 3.tiff", "report.pdf"])
def test_ordinary_names_are_no_guess(name: str) -> None:
    assert guess(name) is None


def test_a_file_name_never_overrides_real_metadata(tmp_path: Path) -> None:
    path = write_png(
        tmp_path / "ComfyUI_00001_.png",
        early={"parameters": "x\nSteps: 1, Sampler: Euler, CFG scale: 1, Seed: 1"},
    )
    result = probe_file(str(path))
    assert result.generation is not None
    assert (result.generation["ai_source"], result.generation["guess"]) == ("automatic1111", False)
