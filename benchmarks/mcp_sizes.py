"""Sizes of MCP answers, in bytes, as an assistant receives them.

Starts the real ``curata mcp`` process on a catalog of generated photos (Pillow, 1600x1200
JPEGs of noise and shapes, some with an EXIF orientation), and measures with the SDK
client the JSON of the ``tools/list`` answer and of ``view_assets`` answers for 1, 4
and 20 assets (base64 images included); then, on a catalog of ``examples/sample-library``,
a default ``search_assets`` and ``find_duplicates`` answer (no arguments)::

    PYTHONPATH=src python benchmarks/mcp_sizes.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import anyio
from PIL import Image, ImageDraw

from curata import Curata
from mcp import Client, StdioServerParameters


def photos(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        image = Image.effect_noise((1600, 1200), 20 + i).convert("RGB")
        draw = ImageDraw.Draw(image)
        draw.ellipse((100 + 20 * i, 100, 900, 900), fill=(200, 40 + 9 * i, 40))
        draw.rectangle((1000, 200 + 10 * i, 1500, 1000), fill=(30, 60, 200))
        exif = Image.Exif()
        exif[0x0112] = 6 if i % 3 == 0 else 1
        path = folder / f"photo_{i:02d}.jpg"
        image.save(path, "JPEG", quality=90, exif=exif.tobytes())
        out.append(path)
    return out


SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-library"


def server(db: Path, home: Path, library: Path) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "curata", "--database", str(db), "mcp", "--root", str(library)],
        env={**os.environ, "CURATA_HOME": str(home)},
    )


async def answers(db: Path, home: Path) -> None:
    """The default search and duplicates answers on the sample library."""
    async with Client(server(db, home, SAMPLE), read_timeout_seconds=300) as client:
        for tool in ("search_assets", "find_duplicates"):
            result = await client.call_tool(tool, {})
            body = result.model_dump_json(by_alias=True, exclude_none=True)
            print(f"{tool} {{}} on the sample library: {len(body.encode()):,} bytes")


async def measure(db: Path, home: Path, library: Path, hashes: list[str]) -> None:
    async with Client(server(db, home, library), read_timeout_seconds=300) as client:
        tools = await client.list_tools()
        listing = tools.model_dump_json(by_alias=True, exclude_none=True)
        print(f"tools/list: {len(tools.tools)} tools, {len(listing.encode()):,} bytes")
        if not any(t.name == "view_assets" for t in tools.tools):
            print("view_assets: no such tool")
            return
        for count in (1, 4, 20):
            result = await client.call_tool("view_assets", {"assets": hashes[:count]})
            body = result.model_dump_json(by_alias=True, exclude_none=True)
            images = sum(1 for c in result.content if c.type == "image")
            print(f"view_assets of {count}: {images} image(s), {len(body.encode()):,} bytes")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        library = base / "library"
        paths = photos(library, 20)
        db = base / "catalog.db"
        with Curata(database=db) as cur:
            cur.scan([library], workers=1)
            hashes = [cur.get_asset(str(p)).data.content_hash for p in paths]
        anyio.run(measure, db, base / "home", library, hashes)
        sample = base / "sample.db"
        with Curata(database=sample) as cur:
            cur.scan([SAMPLE], workers=1)
        anyio.run(answers, sample, base / "home")


if __name__ == "__main__":
    main()
