"""Video similarity: clips PyAV encodes here (a re-encode, a resize, a trim, an unrelated
clip), scanned by the real scanner into a real catalog, then searched."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

import anyio
import av
import httpx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from typer.testing import CliRunner

from curata import Curata
from curata.cli.main import app
from curata.errors import InvalidRequest
from curata.ingest.video import MAX_FRAMES, frame_positions
from curata.server import create_app
from curata.similarity.frames import Frames, align
from mcp import Client
from tests.mcp.conftest import failed, mcp_client, ok
from tests.server.conftest import LiveServer

FPS = 10
SCENE_S = 1.5
TRIM_START_S, TRIM_END_S = 2.2, 6.7


def scene_images(seed: int, count: int) -> list[np.ndarray]:
    """Distinct smooth textures (random 6x8 grids, upscaled), 360x480 so they can pan."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        grid = (rng.random((6, 8, 3)) * 255).astype(np.uint8)
        big = Image.fromarray(grid).resize((480, 360), Image.Resampling.BICUBIC)
        out.append(np.asarray(big))
    return out


def movie_frames(seed: int, seconds: float = 8.0) -> list[np.ndarray]:
    """A scene change every 1.5 s, each scene panning slowly (2 px per frame)."""
    scenes = scene_images(seed, int(seconds / SCENE_S) + 1)
    frames = []
    for i in range(int(seconds * FPS)):
        scene = scenes[int(i / FPS / SCENE_S)]
        shift = 2 * (i % int(SCENE_S * FPS))
        frames.append(np.ascontiguousarray(scene[40:280, shift : shift + 320]))
    return frames


def encode(
    path: Path,
    frames: list[np.ndarray],
    codec: str = "mpeg4",
    size: tuple[int, int] = (320, 240),
    bit_rate: int = 2_000_000,
) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=FPS)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.bit_rate = bit_rate
        for rgb in frames:
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(*size)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clips")
    frames = movie_frames(seed=1)
    encode(root / "original.mp4", frames)
    encode(root / "reencoded.mkv", frames, codec="libx264", bit_rate=300_000)
    encode(root / "resized.mp4", frames, size=(160, 120))
    trim = frames[int(TRIM_START_S * FPS) : int(TRIM_END_S * FPS)]
    encode(root / "trimmed.mp4", trim)
    encode(root / "unrelated.mp4", movie_frames(seed=2))
    Image.fromarray(frames[41]).save(root / "still.png")  # a frame at 4.1 s
    return root


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, clips: Path) -> Path:
    """A real SQLite catalog of the clips and the still, filled by the real scanner."""
    path = tmp_path_factory.mktemp("catalog") / "catalog.db"
    with Curata(database=path) as cur:
        summary = cur.scan(clips).data
    assert summary is not None and summary.new == 6 and summary.failed == 0
    return path


@pytest.fixture
def videos(db: Path) -> Iterator[Curata]:
    with Curata(database=db) as cur:
        yield cur


def names(result: object) -> dict[str, object]:
    return {Path(m.asset.file_path).name: m for m in result.results}  # type: ignore[attr-defined]


def test_copies_of_a_video_are_found_and_unrelated_ones_not(videos: Curata, clips: Path) -> None:
    result = videos.find_similar_videos({"target": str(clips / "original.mp4")}).data
    assert result is not None and result.mode == "video"
    assert result.frames == 16  # 8 s, a frame every half second
    found = names(result)
    assert set(found) == {"reencoded.mkv", "resized.mp4", "trimmed.mp4"}
    for name in ("reencoded.mkv", "resized.mp4"):
        assert found[name].relation == "copy"
        assert found[name].share >= 0.9 and found[name].offset == pytest.approx(0, abs=0.3)
    trim = found["trimmed.mp4"]
    assert trim.relation == "trim" and trim.share >= 0.8 and trim.matched >= 7
    assert trim.offset == pytest.approx(-TRIM_START_S, abs=0.5)  # 2.2 s in, to a frame step
    shares = [m.share for m in result.results]
    assert shares == sorted(shares, reverse=True) and result.total == 3


def test_a_trim_finds_the_video_it_was_cut_from(videos: Curata, clips: Path) -> None:
    found = names(videos.find_similar_videos({"target": str(clips / "trimmed.mp4")}).data)
    assert set(found) == {"original.mp4", "reencoded.mkv", "resized.mp4"}
    original = found["original.mp4"]
    assert original.relation == "contains"
    assert original.offset == pytest.approx(TRIM_START_S, abs=0.5)


def test_the_unrelated_clip_matches_nothing(videos: Curata, clips: Path) -> None:
    result = videos.find_similar_videos(
        {"target": str(clips / "unrelated.mp4"), "min_share": 0.2}
    ).data
    assert result is not None and result.total == 0


def test_min_share_is_the_share_of_the_shorter_video(videos: Curata, clips: Path) -> None:
    every = names(
        videos.find_similar_videos({"target": str(clips / "original.mp4"), "min_share": 0.0}).data
    )
    strict = names(
        videos.find_similar_videos({"target": str(clips / "original.mp4"), "min_share": 1.0}).data
    )
    assert set(strict) <= set(every)
    assert all(m.share == 1.0 for m in strict.values())  # type: ignore[attr-defined]


def test_videos_containing_a_still(videos: Curata, clips: Path) -> None:
    result = videos.find_similar_videos({"target": str(clips / "still.png")}).data
    assert result is not None and result.mode == "frame" and result.target.kind == "asset"
    found = names(result)
    assert set(found) == {"original.mp4", "reencoded.mkv", "resized.mp4", "trimmed.mp4"}
    assert all(m.relation == "frame" for m in found.values())  # type: ignore[attr-defined]
    # the nearest sampled frame is in the same scene (3.0-4.5 s of the original)
    assert 3.0 <= found["original.mp4"].frame_time <= 4.5  # type: ignore[attr-defined]
    assert 0.8 <= found["trimmed.mp4"].frame_time <= 2.3  # type: ignore[attr-defined]
    by_hash = videos.find_similar_videos({"target": f"phash:{result.target.phash}"}).data
    assert by_hash is not None and by_hash.target.kind == "hash"
    assert set(names(by_hash)) == set(found)


def test_a_video_file_outside_the_catalog(videos: Curata, clips: Path, tmp_path: Path) -> None:
    outside = encode(tmp_path / "copy.webm", movie_frames(seed=1), codec="libvpx")
    result = videos.find_similar_videos({"target": str(outside)}).data
    assert result is not None and result.target.kind == "file" and result.mode == "video"
    assert {"original.mp4", "reencoded.mkv", "resized.mp4", "trimmed.mp4"} == set(names(result))


def test_a_flat_target_is_refused_naming_the_field(videos: Curata, tmp_path: Path) -> None:
    black = tmp_path / "black.png"
    Image.new("RGB", (64, 64)).save(black)
    with pytest.raises(InvalidRequest) as err:
        videos.find_similar_videos({"target": str(black)})
    assert err.value.field == "target"
    with pytest.raises(InvalidRequest) as err:
        videos.find_similar_videos({"target": "phash:8000000000000000"})
    assert err.value.field == "target"


def test_options_are_bounded(videos: Curata, clips: Path) -> None:
    for bad in ({"threshold": 65}, {"min_share": 1.5}, {"limit": 0}):
        with pytest.raises(InvalidRequest) as err:
            videos.find_similar_videos({"target": str(clips / "original.mp4"), **bad})
        assert err.value.field == next(iter(bad))


def test_frame_positions_are_a_half_second_grid_up_to_a_cap() -> None:
    assert frame_positions(2.0) == [0.125, 0.375, 0.625, 0.875]
    assert frame_positions(0.2) == [0.5]
    long = frame_positions(3600.0)
    assert len(long) == MAX_FRAMES and long == sorted(long) and 0 < long[0] < long[-1] < 1


def _lcs(close: np.ndarray) -> int:
    @functools.cache
    def best(i: int, j: int) -> int:
        if i == close.shape[0] or j == close.shape[1]:
            return 0
        skip = max(best(i + 1, j), best(i, j + 1))
        return max(skip, 1 + best(i + 1, j + 1)) if close[i, j] else skip

    return best(0, 0)


codes = st.lists(st.integers(0, 2**64 - 1), min_size=0, max_size=12)


@given(codes, codes, st.integers(0, 64), st.randoms(use_true_random=False))
def test_alignment_is_the_longest_in_order_chain(a: list, b: list, t: int, rnd: object) -> None:
    # a's codes sprinkled with near copies, so chains exist
    b = b + [x ^ (1 << rnd.randrange(64)) for x in a[: len(a) // 2]]  # type: ignore[attr-defined]
    rnd.shuffle(b)  # type: ignore[attr-defined]
    fa = Frames(np.arange(len(a), dtype=float), np.array(a, dtype=np.uint64))
    fb = Frames(np.arange(len(b), dtype=float), np.array(b, dtype=np.uint64))
    result = align(fa, fb, t)
    close = np.bitwise_count(fa.codes[:, None] ^ fb.codes[None, :]) <= t
    assert result.matched == _lcs(close)
    assert (np.diff(result.a) > 0).all() and (np.diff(result.b) > 0).all()
    assert (result.distances <= t).all()
    smaller = min(len(a), len(b))
    assert result.share == (result.matched / smaller if smaller else 0.0)


def test_http_mcp_and_cli_give_the_facade_answer(
    videos: Curata, db: Path, clips: Path, tmp_path: Path
) -> None:
    original = videos.get_asset(str(clips / "original.mp4")).data
    assert original is not None
    expected = videos.find_similar_videos({"target": original.content_hash[:12]}).model_dump(
        mode="json"
    )
    assert len(expected["data"]["results"]) == 3

    app_ = create_app(videos, cache_dir=tmp_path / "cache")
    with LiveServer(app_) as live, httpx.Client(base_url=live.url, timeout=60) as http:
        body = http.post("/similar/videos", json={"target": original.content_hash[:12]})
        assert body.json()["data"] == expected["data"]
        # over HTTP a target is an asset or a raw hash, never a path on the server
        path = http.post("/similar/videos", json={"target": str(clips / "original.mp4")})
        assert path.status_code == 422 and path.json()["error"]["field"] == "target"
        wide = http.post("/similar/videos", json={"target": "phash:" + "f" * 16, "limit": 0})
        assert wide.status_code == 422 and wide.json()["error"]["field"] == "limit"

    async def scenario() -> None:
        async with mcp_client(db, tmp_path / "home") as client:
            assert isinstance(client, Client)
            data = ok(
                await client.call_tool(
                    "find_similar_videos", {"target": str(clips / "original.mp4")}
                )
            )
            assert data["results"] == expected["data"]["results"]
            # a file outside the catalog's scan roots is not read for a client
            outside = tmp_path / "outside.png"
            outside.write_bytes((clips / "still.png").read_bytes())
            refused = failed(
                await client.call_tool("find_similar_videos", {"target": str(outside)})
            )
            assert (refused["code"], refused["field"]) == ("forbidden", "target")

    anyio.run(scenario)

    result = CliRunner().invoke(
        app, ["--database", str(db), "similar-videos", str(clips / "still.png"), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mode"] == "frame"
    table = CliRunner().invoke(
        app,
        ["--database", str(db), "similar-videos", str(clips / "trimmed.mp4")],
        env={"COLUMNS": "300"},
    )
    assert table.exit_code == 0, table.output
    assert "3 video(s) sharing 60%+ of their frames in order" in table.stdout
    assert "contains" in table.stdout and "original.mp4" in table.stdout
