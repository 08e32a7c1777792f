"""Structured search at a million assets: curata against DuckDB, in the same run.

1. Build a synthetic catalog through the bulk path (``catalog.bulk.insert_assets``):
   ``--assets`` assets (default 1,000,000), ~10 tags each drawn Zipf-like from 20,000
   tags (simple tags and ``key:value`` pairs, some numeric such as
   ``character_count:2``), prompts of 15 words from a 5,000-word vocabulary,
   realistic sizes, dimensions, dates, sources, ratings, projects and generation
   parameters. The same data goes into an in-memory DuckDB database (the peer).
2. Time, for both, p50 and p95 over ``--repeat`` runs of: the spec's six example
   queries; three tag-selectivity classes (the tags whose result sizes are closest to
   300, 4,000 and 80,000); whole-catalog facets; a prompt keyword search; a file-name
   regex with a tag filter; a single tag write. Every query is a full response: total
   count, the first page of 50 hydrated results (path, tags, metadata) and the facets.

curata answers through ``Curata.search_assets`` (in-memory index, hydration from the
SQLite catalog). DuckDB gets the best straightforward SQL: the filter as one WHERE
(semi-joins for tags) materialized into a temporary table, then the count, the ordered
page joined with its tags, the top-50 tag facet and one GROUPING SETS query for the
other facets. Results (count and page) are checked to be identical.

    .venv/bin/python benchmarks/search.py                      # 1M assets
    .venv/bin/python benchmarks/search.py --assets 100000 --repeat 20
    .venv/bin/python benchmarks/search.py --reuse              # keep the built catalog
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from curata import Curata
from curata.catalog.bulk import NewAsset, insert_assets
from curata.catalog.projects import ensure_project
from curata.catalog.tags import add_tags
from curata.search.examples import SPEC_EXAMPLES

_HERE = Path(__file__).resolve().parent
DATA = _HERE / ".data" / "search"
SNAPSHOTS = DATA / "home" / "cache" / "search"
N_TAGS = 20_000
TAGS_PER_ASSET = 10
N_WORDS = 5_000
PROMPT_WORDS = 15
CHUNK = 50_000
START = datetime(2023, 1, 1, tzinfo=UTC).timestamp()
SPAN = 2 * 365 * 86400.0

# Tags the spec's examples ask for, placed at Zipf ranks (rank r gets ~ 1/(r+1)).
NAMED_TAGS = {
    "portrait": 15,
    "character": 25,
    "fantasy": 30,
    "subject:portrait": 40,
    "style:cyberpunk": 45,
    "cyberpunk": 60,
    "time_of_day:night": 70,
    "environment:urban": 90,
    "weather:rain": 110,
    "lighting:neon": 120,
    "mood:mysterious": 130,
    "color_palette:blue-purple": 140,
    "sketch": 150,
    "color_palette:red-orange": 160,
    "nsfw": 200,
    "wip": 250,
    "style:noir": 300,
    "wizard": 350,
    "elf": 400,
    "warrior": 500,
    "time_of_day:twilight": 600,
    "test": 700,
    "color_palette:deep-blue": 800,
    "explicit": 900,
    **{f"character_count:{n}": r for n, r in enumerate([33, 37, 43, 51, 57, 63, 67, 73, 77])},
}
assert len(set(NAMED_TAGS.values())) == len(NAMED_TAGS), "two named tags share a rank"
PAIR_KEYS = ["style", "mood", "lighting", "camera_angle", "environment", "genre", "theme"]
NUMERIC_KEYS = ["score", "iteration", "batch"]
_ART_TEXT = (
    "fantasy dragon castle portrait cyberpunk city neon night forest mountain river "
    "knight wizard elf warrior princess robot spaceship ocean sunset sunrise cinematic "
    "lighting detailed intricate masterpiece painting photo realistic anime watercolor "
    "oil sketch dark moody vibrant colorful golden hour rain snow fog smoke fire ice "
    "ancient futuristic ruins temple garden flower cat dog wolf bird horse woman man "
    "child old young smiling armor sword magic glowing crystal"
)
ART_WORDS = _ART_TEXT.split()
SOURCES = ["midjourney", "stable-diffusion", "comfyui", "automatic1111", "dall-e", "flux"]
DIMENSIONS = [(1024, 1024), (832, 1216), (1216, 832), (1344, 768), (512, 512), (2048, 2048)]


@dataclass
class Synthetic:
    """The generated catalog, column by column."""

    hashes: list[str]
    media: np.ndarray
    formats: np.ndarray
    sizes: np.ndarray
    width: np.ndarray
    height: np.ndarray
    source: np.ndarray
    rating: np.ndarray
    project: np.ndarray
    created: np.ndarray
    modified: np.ndarray
    discovered: np.ndarray
    prompts: list[str | None]
    params: list[dict[str, Any] | None]
    paths: list[str]
    tag_names: list[str]
    pair_asset: np.ndarray
    pair_tag: np.ndarray

    @property
    def n(self) -> int:
        return len(self.hashes)


def _tag_names(rng: np.random.Generator) -> list[str]:
    names: list[str | None] = [None] * N_TAGS
    for name, rank in NAMED_TAGS.items():
        names[rank] = name
    for rank in range(N_TAGS):
        if names[rank] is not None:
            continue
        kind = rng.random()
        if kind < 0.6:
            names[rank] = f"tag{rank}"
        elif kind < 0.9:
            names[rank] = f"{PAIR_KEYS[rank % len(PAIR_KEYS)]}:value{rank}"
        else:
            names[rank] = f"{NUMERIC_KEYS[rank % len(NUMERIC_KEYS)]}:{rank % 997}"
    return [n for n in names if n is not None]


def _zipf(rng: np.random.Generator, n_items: int, draws: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n_items + 1)
    cdf = np.cumsum(weights / weights.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(draws)), n_items - 1).astype(np.int32)


# Tags that go together (a scene, a character), so the spec's examples find something.
BUNDLES = [
    (
        0.005,
        [
            ["subject:portrait"],
            ["style:cyberpunk", "style:noir"],
            ["lighting:neon"],
            ["mood:mysterious"],
            [f"character_count:{k}" for k in range(6)],
        ],
    ),
    (
        0.005,
        [
            ["environment:urban"],
            ["time_of_day:night", "time_of_day:twilight"],
            ["weather:rain"],
            ["color_palette:blue-purple", "color_palette:deep-blue", "color_palette:red-orange"],
        ],
    ),
    (0.01, [["character"], ["fantasy"], ["elf", "wizard", "warrior", "sketch"]]),
]


def _bundles(rng: np.random.Generator, n: int) -> np.ndarray:
    """``asset * N_TAGS + tag`` keys of the bundled tags."""
    keys = []
    for share, slots in BUNDLES:
        members = np.flatnonzero(rng.random(n) < share).astype(np.int64)
        for options in slots:
            ranks = np.array([NAMED_TAGS[o] for o in options], np.int64)
            keys.append(members * N_TAGS + ranks[rng.integers(0, len(ranks), len(members))])
    return np.concatenate(keys)


def generate(n: int, seed: int = 7) -> Synthetic:
    rng = np.random.default_rng(seed)
    raw = rng.bytes(32 * n).hex()
    hashes = [raw[i * 64 : (i + 1) * 64] for i in range(n)]
    media = rng.choice(
        np.array(["image", "video", "audio", "document"], object), n, p=[0.92, 0.04, 0.02, 0.02]
    )
    is_image = media == "image"
    formats = np.where(
        is_image,
        rng.choice(np.array(["png", "jpeg", "webp"], object), n, p=[0.6, 0.3, 0.1]),
        np.where(media == "video", "mp4", np.where(media == "audio", "mp3", "pdf")),
    ).astype(object)
    dims = np.array(DIMENSIONS)[rng.integers(0, len(DIMENSIONS), n)]
    visual = is_image | (media == "video")
    width = np.where(visual, dims[:, 0], -1)
    height = np.where(visual, dims[:, 1], -1)
    has_source = is_image & (rng.random(n) < 0.8)
    source = np.where(has_source, rng.choice(np.array(SOURCES, object), n), None)
    rating = np.where(
        rng.random(n) < 0.35, -1, rng.choice(6, n, p=[0.05, 0.1, 0.2, 0.3, 0.2, 0.15])
    )
    projects = np.array([f"project-{i:02d}" for i in range(25)], object)
    project = np.where(rng.random(n) < 0.4, None, projects[rng.integers(0, 25, n)])
    created = START + rng.random(n) * SPAN
    modified = created + rng.random(n) * 86400
    discovered = created + rng.random(n) * 7 * 86400
    sizes = np.exp(rng.normal(14.5, 0.8, n)).astype(np.int64)
    words = ART_WORDS + [f"word{i}" for i in range(N_WORDS - len(ART_WORDS))]
    word_ids = _zipf(rng, N_WORDS, n * PROMPT_WORDS).reshape(n, PROMPT_WORDS)
    prompts: list[str | None] = [
        " ".join(words[w] for w in row) if has else None
        for row, has in zip(word_ids.tolist(), has_source.tolist(), strict=True)
    ]
    seeds = rng.integers(0, 2**31, n).tolist()
    cfgs = np.round(rng.uniform(1, 12, n), 1).tolist()
    with_cfg = (rng.random(n) < 0.9).tolist()
    params: list[dict[str, Any] | None] = [
        ({"seed": s, "steps": 30, "cfg_scale": c} if wc else {"seed": s, "steps": 30})
        if has
        else None
        for s, c, wc, has in zip(seeds, cfgs, with_cfg, has_source.tolist(), strict=True)
    ]
    months = [datetime.fromtimestamp(t, tz=UTC).strftime("%Y/%m") for t in created[::1000]]
    paths = [
        f"/renders/{project[i] or 'inbox'}/{months[i // 1000]}/{source[i] or 'img'}_{i:07d}."
        f"{formats[i]}"
        for i in range(n)
    ]
    draws = _zipf(rng, N_TAGS, n * TAGS_PER_ASSET)
    asset_of = np.repeat(np.arange(n, dtype=np.int64), TAGS_PER_ASSET)
    pairs = np.unique(np.concatenate([asset_of * N_TAGS + draws, _bundles(rng, n)]))
    return Synthetic(
        hashes=hashes,
        media=media,
        formats=formats,
        sizes=sizes,
        width=width,
        height=height,
        source=source,
        rating=rating,
        project=project,
        created=created,
        modified=modified,
        discovered=discovered,
        prompts=prompts,
        params=params,
        paths=paths,
        tag_names=_tag_names(rng),
        pair_asset=(pairs // N_TAGS).astype(np.int32),
        pair_tag=(pairs % N_TAGS).astype(np.int32),
    )


def _new_assets(data: Synthetic, start: int, stop: int) -> Iterator[NewAsset]:
    lo, hi = np.searchsorted(data.pair_asset, [start, stop])
    bounds = np.searchsorted(data.pair_asset[lo:hi], np.arange(start, stop + 1)) + lo
    names = data.tag_names
    tags = data.pair_tag
    for i in range(start, stop):
        w, h, r = int(data.width[i]), int(data.height[i]), int(data.rating[i])
        yield NewAsset(
            content_hash=data.hashes[i],
            path=data.paths[i],
            file_size=int(data.sizes[i]),
            media_type=data.media[i],
            file_format=data.formats[i],
            width=None if w < 0 else w,
            height=None if h < 0 else h,
            ai_source=data.source[i],
            quality_rating=None if r < 0 else r,
            project_id=data.project[i],
            prompt=data.prompts[i],
            meta={"generation_params": data.params[i]} if data.params[i] else {},
            created_at=float(data.created[i]),
            modified_at=float(data.modified[i]),
            discovered_at=float(data.discovered[i]),
            tags=[names[t] for t in tags[bounds[i - start] : bounds[i - start + 1]].tolist()],
        )


def build_catalog(data: Synthetic, path: Path) -> tuple[float, float]:
    """Write the synthetic catalog through the bulk path; ``(wall, CPU)`` seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    with Curata(database=path) as cur:
        with cur.catalog.write() as conn:
            for project in sorted({p for p in data.project.tolist() if p}):
                ensure_project(conn, project)
        for start in range(0, data.n, CHUNK):
            stop = min(start + CHUNK, data.n)
            with cur.catalog.write() as conn:
                insert_assets(conn, list(_new_assets(data, start, stop)), time.time())
            print(f"\r  inserted {stop:,} assets", end="", flush=True)
    print()
    return time.perf_counter() - started, time.process_time() - cpu


# --- the peer --------------------------------------------------------------------------


def load_duckdb(data: Synthetic, ids: list[int]) -> duckdb.DuckDBPyConnection:
    """The same assets in DuckDB, with the catalog's asset ids."""
    con = duckdb.connect()
    asset_ids = np.array(ids, np.int64)
    columns = {
        "id": asset_ids,
        "hash": np.array(data.hashes, object),
        "media_type": data.media,
        "file_format": data.formats,
        "file_size": data.sizes,
        "width": np.where(data.width < 0, None, data.width).astype(object),
        "height": np.where(data.height < 0, None, data.height).astype(object),
        "ai_source": data.source,
        "quality_rating": np.where(data.rating < 0, None, data.rating).astype(object),
        "project_id": data.project,
        "created_at": data.created,
        "modified_at": data.modified,
        "discovered_at": data.discovered,
        "prompt": np.array(data.prompts, object),
        "params": np.array([None if p is None else json.dumps(p) for p in data.params], object),
        "path": np.array(data.paths, object),
        "filename": np.array([p.rsplit("/", 1)[1] for p in data.paths], object),
    }
    con.register("assets_src", columns)
    con.execute(
        "CREATE TABLE assets AS SELECT id::INTEGER AS id, hash, media_type, file_format, "
        "file_size, width::INTEGER AS width, height::INTEGER AS height, ai_source, "
        "quality_rating::INTEGER AS quality_rating, project_id, created_at, modified_at, "
        "discovered_at, prompt, params::JSON AS params, path, filename FROM assets_src"
    )
    con.unregister("assets_src")
    keys = [n.split(":", 1)[0] if ":" in n else None for n in data.tag_names]
    values = [n.split(":", 1)[1] if ":" in n else n for n in data.tag_names]
    nums = []
    for v in values:
        try:
            nums.append(float(v))
        except ValueError:
            nums.append(None)
    con.register(
        "tags_src",
        {
            "id": np.arange(len(data.tag_names)),
            "name": np.array(data.tag_names, object),
            "key": np.array(keys, object),
            "value": np.array(values, object),
            "num": np.array(nums, object),
        },
    )
    con.execute(
        "CREATE TABLE tags AS SELECT id::INTEGER AS id, name, key, value, num::DOUBLE AS num "
        "FROM tags_src"
    )
    con.register("links_src", {"asset_id": asset_ids[data.pair_asset], "tag_id": data.pair_tag})
    con.execute(
        "CREATE TABLE asset_tags (asset_id INTEGER, tag_id INTEGER, PRIMARY KEY (asset_id, tag_id))"
    )
    con.execute("INSERT INTO asset_tags SELECT asset_id, tag_id FROM links_src")
    for name in ("tags_src", "links_src"):
        con.unregister(name)
    return con


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _tag_ids(condition: str) -> str:
    tag_ids = f"SELECT id FROM tags WHERE {condition}"
    return f"id IN (SELECT asset_id FROM asset_tags WHERE tag_id IN ({tag_ids}))"


def _term(term: str) -> str:
    return f"name = {_q(term)}" if ":" in term else f"value = {_q(term)}"


def _between(column: str, r: dict[str, float]) -> list[str]:
    out = []
    if "min" in r:
        out.append(f"{column} >= {r['min']}")
    if "max" in r:
        out.append(f"{column} <= {r['max']}")
    return out


def duck_where(f: dict[str, Any]) -> str:
    """The filters as one straightforward WHERE clause over ``assets``."""
    parts = ["TRUE"]
    if "media_type" in f:
        parts.append(f"media_type = {_q(f['media_type'])}")
    for term in f.get("tags", []):
        parts.append(_tag_ids(_term(term)))
    if "any_tags" in f:
        parts.append(_tag_ids(" OR ".join(_term(t) for t in f["any_tags"])))
    if "exclude_tags" in f:
        parts.append("NOT " + _tag_ids(" OR ".join(_term(t) for t in f["exclude_tags"])))
    for key, values in f.get("tag_values", {}).items():
        names = [values] if isinstance(values, str) else values
        parts.append(_tag_ids(f"name IN ({', '.join(_q(f'{key}:{v}') for v in names)})"))
    for key, r in f.get("tag_ranges", {}).items():
        parts.append(_tag_ids(" AND ".join([f"key = {_q(key)}", *_between("num", r)])))
    for key, pattern in f.get("tag_patterns", {}).items():
        parts.append(_tag_ids(f"key = {_q(key)} AND regexp_matches(value, {_q(pattern)}, 'i')"))
    if "quality_rating" in f:
        parts.extend(_between("quality_rating", f["quality_rating"]))
    dims = f.get("dimensions", {})
    if "width" in dims:
        parts.extend(_between("width", dims["width"]))
    if "aspect_ratio" in dims:
        parts.extend(_between("width / height", dims["aspect_ratio"]))
    if "date_range" in f:
        start = datetime.fromisoformat(f["date_range"]["start"]).replace(tzinfo=UTC)
        parts.append(f"created_at >= {start.timestamp()}")
    if "ai_source" in f:
        parts.append(f"ai_source IN ({', '.join(_q(s) for s in f['ai_source'])})")
    for key in f.get("has_metadata", []):
        parts.append(
            "prompt IS NOT NULL"
            if key == "prompt"
            else f"json_extract(params, '$.{key}') IS NOT NULL"
        )
    for word in f.get("prompt_keywords", []):
        parts.append(f"regexp_matches(prompt, {_q(chr(92) + 'b' + word + chr(92) + 'b')}, 'i')")
    if "filename_pattern" in f:
        parts.append(f"regexp_matches(filename, {_q(f['filename_pattern'])})")
    return " AND ".join(parts)


SORT_COLUMN = {"created_date": "created_at", "quality_rating": "quality_rating"}


def duck_search(con: duckdb.DuckDBPyConnection, request: dict[str, Any]) -> tuple[int, list[str]]:
    """A full response from DuckDB: count, hydrated page, facets."""
    column = SORT_COLUMN[request.get("sort_by", "created_date")]
    direction = request.get("order", "desc").upper()
    limit = request.get("limit", 50)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE r AS SELECT id FROM assets "
        f"WHERE {duck_where(request.get('filters', {}))}"
    )
    total = con.execute("SELECT count(*) FROM r").fetchone()[0]  # type: ignore[index]
    page = con.execute(
        "SELECT a.hash, a.path, a.media_type, a.file_size, a.file_format, a.ai_source, "
        "a.quality_rating, a.project_id, a.created_at, a.modified_at, a.discovered_at, "
        "a.width, a.height, a.prompt, a.params, (SELECT list(t.name ORDER BY t.name) "
        "FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id = a.id) "
        f"FROM assets a WHERE a.id IN (SELECT id FROM r) "
        f"ORDER BY a.{column} {direction} NULLS LAST, a.hash LIMIT {limit}"
    ).fetchall()
    con.execute(
        "SELECT t.name, count(*) AS c FROM asset_tags x JOIN r ON r.id = x.asset_id "
        "JOIN tags t ON t.id = x.tag_id GROUP BY t.name ORDER BY c DESC, t.name LIMIT 50"
    ).fetchall()
    con.execute(
        "SELECT ai_source, quality_rating, media_type, project_id, file_format, count(*) "
        "FROM assets WHERE id IN (SELECT id FROM r) GROUP BY GROUPING SETS "
        "((ai_source), (quality_rating), (media_type), (project_id), (file_format))"
    ).fetchall()
    return int(total), [row[0] for row in page]


# --- timing ----------------------------------------------------------------------------


@dataclass
class Samples:
    """Milliseconds per call: wall clock, and this process's CPU time (all threads)."""

    wall: list[float]
    cpu: list[float]

    def time(self, fn: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        self.wall.append((time.perf_counter() - wall) * 1000)
        self.cpu.append((time.process_time() - cpu) * 1000)
        return out

    def p50(self, cpu: bool = False) -> float:
        return statistics.median(self.cpu if cpu else self.wall)

    def p95(self, cpu: bool = False) -> float:
        return float(np.percentile(self.cpu if cpu else self.wall, 95))


def timed(fn: Callable[[], Any], repeat: int, budget: float) -> tuple[Samples, Any]:
    """``repeat`` calls after a warm-up, or as many as ``budget`` seconds allow (>= 5)."""
    out = fn()
    samples = Samples([], [])
    stop = time.perf_counter() + budget
    while len(samples.wall) < repeat and (len(samples.wall) < 5 or time.perf_counter() < stop):
        out = samples.time(fn)
    return samples, out


def selectivity_tags(data: Synthetic) -> dict[int, str]:
    counts = np.bincount(data.pair_tag, minlength=N_TAGS)
    out = {}
    for target in (300, 4_000, 80_000):
        candidates = [
            t
            for t in np.argsort(np.abs(counts - target))[:50].tolist()
            if data.tag_names[t].startswith("tag")
        ]
        out[target] = data.tag_names[candidates[0]]
    return out


def run(args: argparse.Namespace) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ["CURATA_HOME"] = str(DATA / "home")  # index snapshots go beside the data
    path = DATA / f"catalog-{args.assets}.db"
    started, cpu = time.perf_counter(), time.process_time()
    data = generate(args.assets, args.seed)
    generated = (time.perf_counter() - started, time.process_time() - cpu)
    print(
        f"generated {data.n:,} assets, {len(data.pair_tag):,} tag links in "
        f"{generated[0]:.1f} s (CPU {generated[1]:.1f} s)"
    )
    built = None
    if not (args.reuse and path.exists()):
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        built = build_catalog(data, path)
        print(
            f"bulk insert: {built[0]:.1f} s (CPU {built[1]:.1f} s); generation + insert "
            f"{generated[0] + built[0]:.1f} s (CPU {generated[1] + built[1]:.1f} s)"
        )
    cur = Curata(database=path)
    with cur.catalog.read() as conn:
        ids_by_hash = dict(conn.exec_driver_sql("SELECT content_hash, id FROM assets").fetchall())
    started = time.perf_counter()
    con = load_duckdb(data, [ids_by_hash[h] for h in data.hashes])
    print(f"DuckDB load: {time.perf_counter() - started:.1f} s")

    for leftover in SNAPSHOTS.glob("*.npz"):
        leftover.unlink()
    loads = []
    for name, request in (
        ("index load (first search)", {"limit": 1}),
        ("first use of the prompt words index", {"filters": {"prompt_keywords": ["dragon"]}}),
        ("first use of the file names index", {"filters": {"filename_pattern": "^x"}}),
        ("first use of the metadata keys index", {"filters": {"has_metadata": ["seed"]}}),
    ):
        started, cpu = time.perf_counter(), time.process_time()
        cur.search_assets({**request, "limit": 1})
        loads.append((name, time.perf_counter() - started, time.process_time() - cpu))
        print(f"curata {name}: {loads[-1][1]:.1f} s (CPU {loads[-1][2]:.1f} s, incl. snapshot)")
    with Curata(database=path) as again:
        started = time.perf_counter()
        again.search_assets({"filters": {"prompt_keywords": ["dragon"]}, "limit": 1})
        saved = any(SNAPSHOTS.glob("*.npz"))
        what = "start from the snapshot" if saved else "start again (no snapshot below 50k)"
        loads.append((f"{what}, prompt search", time.perf_counter() - started, 0.0))
        print(f"curata {loads[-1][0]}: {loads[-1][1]:.1f} s")

    queries = {f"spec {i} {t}": r for i, (t, r) in enumerate(SPEC_EXAMPLES.items(), 1)}
    for target, tag in selectivity_tags(data).items():
        queries[f"selectivity ~{target:,} ({tag})"] = {"filters": {"tags": [tag]}}
    queries["whole-catalog facets"] = {"filters": {}}
    queries["prompt keywords"] = {"filters": {"prompt_keywords": ["castle", "dragon"]}}
    mid = selectivity_tags(data)[80_000]
    queries["filename regex + tag"] = {
        "filters": {"filename_pattern": r"_\d{4}7[0-4]\d\.png$", "tags": [mid]}
    }

    rows = []
    for name, request in queries.items():
        ours, found = timed(lambda r=request: cur.search_assets(r).data, args.repeat, args.budget)
        peer, (peer_total, peer_page) = timed(
            lambda r=request: duck_search(con, r), args.repeat, args.budget
        )
        page = [a.content_hash for a in found.results]
        same = found.total_count == peer_total and page == peer_page
        rows.append(
            Row(name + ("" if same else " (RESULTS DIFFER)"), found.total_count, ours, peer)
        )
        print(rows[-1].line())
    facets_only, _ = timed(lambda: cur.search_assets({"limit": 0}).data, args.repeat, args.budget)
    rows.append(Row("whole-catalog facets only (`limit: 0`)", data.n, facets_only, None))
    print(rows[-1].line())
    rows.extend(tag_writes(cur, con, data, ids_by_hash, args.repeat * 5))
    for row in rows[-4:]:
        print(row.line())
    report(args, data, generated, built, loads, rows)
    cur.close()


@dataclass
class Row:
    name: str
    results: int | None
    ours: Samples
    peer: Samples | None

    def line(self) -> str:
        text = (
            f"{self.name:44s} {self.results or 0:>9,}  curata p50 {self.ours.p50():7.2f} p95 "
            f"{self.ours.p95():7.2f} (CPU {self.ours.p95(cpu=True):7.2f}) ms"
        )
        if self.peer is not None:
            text += (
                f" | DuckDB p50 {self.peer.p50():8.2f} p95 {self.peer.p95():8.2f} ms"
                f" | ratio {self.ours.p95() / self.peer.p95():.3f}"
            )
        return text

    def markdown(self) -> str:
        o, p = self.ours, self.peer
        cells = [
            self.name,
            "" if self.results is None else f"{self.results:,}",
            f"{o.p50():.2f}",
            f"{o.p95():.2f}",
            f"{o.p95(cpu=True):.2f}",
        ]
        if p is None:
            cells += ["", "", "", ""]
        else:
            cells += [
                f"{p.p50():.2f}",
                f"{p.p95():.2f}",
                f"{p.p95(cpu=True):.2f}",
                f"**{o.p95() / p.p95():.3f}**",
            ]
        return "| " + " | ".join(cells) + " |"


def tag_writes(
    cur: Curata,
    con: duckdb.DuckDBPyConnection,
    data: Synthetic,
    ids_by_hash: dict[str, int],
    count: int,
) -> list[Row]:
    """One tag added (and every other time removed again) per call, timed three ways:
    through ``Curata.tag_assets`` (resolving the hash, the write transaction, the
    response), as the committed catalog transaction alone (``catalog.tags.add_tags``),
    and as one DuckDB INSERT; plus the first search after a write (the index catching
    up with it)."""
    rng = np.random.default_rng(1)
    ours, alone, peer, after = (Samples([], []) for _ in range(4))
    con.execute("INSERT INTO tags VALUES (999999, 'bench:write', 'bench', 'write', NULL)")
    for i, k in enumerate(rng.integers(0, data.n, count).tolist()):
        request = {"assets": [data.hashes[k]], "tags": ["bench:write"]}
        asset_id = ids_by_hash[data.hashes[k]]

        def direct(a: int = asset_id) -> None:
            with cur.catalog.write() as conn:
                add_tags(conn, [a], ["bench:direct"])

        alone.time(direct)
        ours.time(lambda r=request: cur.tag_assets(r))
        after.time(
            lambda: cur.search_assets(
                {"filters": {"tags": ["bench:write"]}, "limit": 1, "facets": False}
            )
        )
        peer.time(
            lambda a=asset_id: con.execute(
                "INSERT OR IGNORE INTO asset_tags VALUES (?, 999999)", [a]
            )
        )
        if i % 2:
            cur.untag_assets(request)
            con.execute("DELETE FROM asset_tags WHERE asset_id = ? AND tag_id = 999999", [asset_id])
    return [
        Row("tag write (`Curata.tag_assets`)", None, ours, peer),
        Row("tag write (catalog transaction alone)", None, alone, peer),
        Row("first search after a tag write", None, after, None),
    ]


def report(
    args: argparse.Namespace,
    data: Synthetic,
    generated: tuple[float, float],
    built: tuple[float, float] | None,
    loads: list[tuple[str, float, float]],
    rows: list[Row],
) -> None:
    print("\nMarkdown for docs/benchmarks.md:\n")
    print(
        f"{data.n:,} assets, {len(data.pair_tag):,} tag links, {len(data.tag_names):,} tags; "
        f"up to {args.repeat} runs per query after one warm-up."
    )
    if built is not None:
        print(
            f"Bulk build: generation {generated[0]:.1f} s + insert {built[0]:.1f} s = "
            f"{generated[0] + built[0]:.1f} s wall, {generated[1] + built[1]:.1f} s CPU."
        )
    for name, wall, cpu in loads:
        print(f"- curata {name}: {wall:.1f} s" + (f" (CPU {cpu:.1f} s)" if cpu else ""))
    print()
    print(
        "| query | results | curata p50 ms | curata p95 ms | curata CPU p95 ms | DuckDB p50 ms "
        "| DuckDB p95 ms | DuckDB CPU p95 ms | ratio (p95) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(row.markdown())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--budget", type=float, default=60.0, help="Seconds per query and side (min 5 runs)."
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="Reuse an existing catalog file.")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
