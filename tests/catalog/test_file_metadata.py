"""Parsed file metadata reaching the catalog (SQLite and PostgreSQL): prompt columns,
params, metadata tags, warnings, ratings, video frame hashes and the stats."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from curata import Curata
from curata.catalog.schema import asset_tags, assets, frame_hashes, tags
from curata.ingest.video import frame_positions

XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmp:Rating="{rating}"><dc:subject><rdf:Bag><rdf:li>Duck</rdf:li></rdf:Bag></dc:subject>'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def _clip(path: Path) -> None:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=8)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(16):
            pixels = np.full((48, 64, 3), i * 15, dtype=np.uint8)
            pixels[:, (i * 4) % 64 :, 1] = 255 - i * 10
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


@pytest.fixture
def media(tmp_path: Path, fixtures: Path) -> Path:
    root = tmp_path / "media"
    shutil.copytree(fixtures / "generators", root)
    for path in root.iterdir():
        path.chmod(0o644)
    (root / "automatic1111.png.xmp").write_text(XMP.format(rating=4))
    Image.new("RGB", (8, 8)).save(root / "broken.png")
    (root / "broken.png.json").write_text('{"prompt": "cut off')
    _clip(root / "clip.mp4")
    return root


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalog(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Curata]:
    url = request.getfixturevalue("pg_database") if request.param == "postgres" else db_path
    with Curata(database=url) as cur:
        yield cur


def test_generation_metadata_in_the_catalog(catalog: Curata, media: Path) -> None:
    summary = catalog.scan([media]).data
    assert summary is not None and summary.failed == 0
    assert summary.files_seen == 8  # the two sidecars are not assets

    a1111 = catalog.get_asset(str(media / "automatic1111.png")).data
    assert a1111 is not None
    assert a1111.ai_source == "automatic1111" and a1111.quality_rating == 4
    assert a1111.metadata["prompt"] == "photo of a duck"
    assert a1111.metadata["negative_prompt"] == "monochrome"
    assert a1111.metadata["generation_params"]["seed"] == 235284042
    assert a1111.metadata["generation_source"] == "png:parameters"
    assert {"duck", "generator:automatic1111", "sampler:unipc"} <= set(a1111.tags)

    with catalog.catalog.read() as conn:
        sources = set(
            conn.execute(
                select(tags.c.name, asset_tags.c.source)
                .join(asset_tags, asset_tags.c.tag_id == tags.c.id)
                .join(assets, assets.c.id == asset_tags.c.asset_id)
                .where(assets.c.content_hash == a1111.content_hash)
            ).all()
        )
        clip_hash = catalog.get_asset(str(media / "clip.mp4")).data.content_hash  # type: ignore[union-attr]
        frames = (
            conn.execute(
                select(frame_hashes.c.position)
                .join(assets, assets.c.id == frame_hashes.c.asset_id)
                .where(assets.c.content_hash == clip_hash)
                .order_by(frame_hashes.c.position)
            )
            .scalars()
            .all()
        )
    assert ("model:realistic_realisticvisionv20_v20", "metadata") in sources
    clip = catalog.get_asset(str(media / "clip.mp4")).data
    assert frames == frame_positions(clip.metadata["duration"])  # type: ignore[union-attr]

    warnings = catalog.ingest_errors(level="warning").data or []
    assert [Path(w.path).name for w in warnings] == ["broken.png"]
    assert "sidecar:json: not valid JSON" in warnings[0].reason
    assert catalog.ingest_errors().data == []

    stats = catalog.stats().data
    assert stats is not None
    by_source = {e.name: e.count for e in stats.by_ai_source}
    assert by_source["comfyui"] == 2 and by_source["novelai"] == 1
    assert by_source["(none)"] == 2  # broken.png and the clip
    by_model = {e.name: e.count for e in stats.by_model}
    assert by_model["juggernautxl"] == 1 and by_model["anything-v3.0"] == 1


def test_a_reread_keeps_user_ratings_and_tags(catalog: Curata, media: Path) -> None:
    catalog.scan([media])
    image = str(media / "automatic1111.png")
    catalog.rate_assets({"assets": [image], "rating": 1})
    catalog.tag_assets({"assets": [image], "tags": ["keeper"]})
    sidecar = media / "automatic1111.png.xmp"
    sidecar.write_text(XMP.format(rating=5).replace("Duck", "Goose"))
    summary = catalog.scan([media]).data
    assert summary is not None and summary.bytes_read > 0
    asset = catalog.get_asset(image).data
    assert asset is not None
    assert asset.quality_rating == 1
    assert "keeper" in asset.tags and "goose" in asset.tags and "duck" not in asset.tags
