"""What the generation-metadata step costs a scan: the same folder scanned with and
without it (sidecars, C2PA, stealth pixels and the parsers), into fresh SQLite catalogs.

The folder (generated once, cached in benchmarks/.data/ingest-metadata) is an AI
library: PNGs (1-1.5 MP) with AUTOMATIC1111 ``parameters``, PNGs carrying the ComfyUI
``prompt`` and ``workflow`` graphs of the multi-prompt fixture (17 KB of JSON each),
12 MP JPEGs with the A1111 text in EXIF ``UserComment``, ``.txt``/``.xmp`` sidecars
beside a quarter of the PNGs, and ``--new`` files of each kind issue 14 added (1 MP):
SwarmUI, RuinedFooocus, Diffusers JSON, Easy Diffusion chunks, Stability Matrix,
Tensor.Art (with its graph), Draw Things XMP PNGs; ComfyUI graphs in JPEG
``UserComment`` and in WebP ``Make``/``ImageDescription``; a ComfyUI graph whose values
pass through switch/primitive/pipe nodes; M4A audio with cover art, FLAC with two
artists and a picture, AIFF, Opus, Matroska and WebM video. The peer is the
same scanner with ``metadata=False``: the target is that parsing adds at most 10% to
the full scan. The pure parsers' cost is also given per parser of the generator table.

    .venv/bin/python benchmarks/ingest_metadata.py [--pngs 240] [--comfy 120] [--jpegs 40]
        [--new 20]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from curata.catalog import Catalog
from curata.config import Settings
from curata.ingest.metadata import parse_metadata
from curata.ingest.metadata.dispatch import GENERATORS
from curata.ingest.probe import probe_file
from curata.ingest.scanner import Scanner

HERE = Path(__file__).resolve().parent
FIXTURES = Path(os.environ.get("CURATA_FIXTURES", HERE.parents[1] / "shared" / "fixtures"))
DATA = HERE / ".data" / "ingest-metadata"
A1111 = (
    "portrait of explorer {i}, <lora:detail:0.6>, dramatic light, highly detailed\n"
    "Negative prompt: blurry, lowres, watermark\n"
    "Steps: {steps}, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: {seed}, "
    'Size: {w}x{h}, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: "detail: '
    'ab12cd34ef56", Version: v1.10.1'
)
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmp:Rating="{r}"><dc:subject><rdf:Bag><rdf:li>explorer</rdf:li><rdf:li>set {i}</rdf:li>'
    "</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"
)


def _picture(i: int, size: tuple[int, int]) -> Image.Image:
    sources = sorted((FIXTURES / "near-duplicates").glob("ukbench0*[0-9].jpg"))
    rng = np.random.default_rng(i)
    with Image.open(sources[i % len(sources)]) as im:
        im = im.convert("RGB").resize(size, Image.BICUBIC)
    pixels = np.asarray(im, dtype=np.int16) * rng.uniform(0.85, 1.15)
    pixels = pixels + rng.normal(0, 6, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _comfy_chunks() -> dict[str, str]:
    with Image.open(FIXTURES / "generators" / "comfyui_multi_prompt.png") as im:
        im.load()
        return {k: v for k, v in im.text.items() if k in ("prompt", "workflow")}


def _node(class_type: str, **inputs: object) -> dict[str, object]:
    return {"class_type": class_type, "inputs": inputs}


def _graph(i: int) -> dict[str, object]:
    """A ComfyUI API graph whose model, seed and cfg pass through control nodes."""
    return {
        "1": _node("CheckpointLoaderSimple", ckpt_name="juggernautXL.safetensors"),
        "2": _node("CheckpointLoaderSimple", ckpt_name="flux.safetensors"),
        "3": _node("ImpactSwitch", select=1, input1=["1", 0], input2=["2", 0]),
        "4": _node("LoraLoader", model=["3", 0], clip=["1", 1], lora_name="film.safetensors",
                   strength_model=0.6, strength_clip=0.6),
        "5": _node("CLIPTextEncode", text=f"portrait of explorer {i}, dramatic", clip=["4", 1]),
        "6": _node("CLIPTextEncode", text="blurry", clip=["4", 1]),
        "7": _node("PrimitiveInt", value=i),
        "8": _node("Reroute", input=["7", 0]),
        "9": _node("EmptyLatentImage", width=1024, height=1024, batch_size=1),
        "10": _node("KSampler", model=["4", 0], positive=["5", 0], negative=["6", 0],
                    latent_image=["9", 0], seed=["8", 0], steps=28, cfg=6.5,
                    sampler_name="dpmpp_2m", scheduler="karras", denoise=1.0),
    }  # fmt: skip


def _new_chunks(kind: str, i: int) -> dict[str, str]:
    """PNG text chunks as each issue-14 writer writes them (tests/ingest/metadata/SOURCES.md)."""
    prompt = f"a lighthouse on a cliff, study {i}"
    if kind == "swarmui":
        params = {"prompt": prompt, "negativeprompt": "blurry", "model": "sd_xl_base_1.0",
                  "seed": i, "steps": 20, "cfgscale": 7.0, "sampler": "euler", "width": 1024,
                  "height": 1024, "swarm_version": "0.9.3.1"}  # fmt: skip
        return {"parameters": json.dumps({"sui_image_params": params}, indent=2)}
    if kind == "ruinedfooocus":
        return {"parameters": json.dumps({
            "Prompt": prompt, "Negative": "blurry", "steps": 30, "cfg": 8.5, "width": 1152,
            "height": 896, "seed": i, "sampler_name": "dpmpp_2m_sde_gpu", "scheduler": "karras",
            "base_model_name": "sd_xl_base_1.0.safetensors", "base_model_hash": "be9edd61",
            "loras": [["4852686128", "0.1 - offset.safetensors"]],
            "software": "RuinedFooocus"})}  # fmt: skip
    if kind == "diffusers":
        return {"parameters": json.dumps({
            "prompt": prompt, "negative_prompt": "low quality", "seed": i,
            "num_inference_steps": 25, "guidance_scale": 7.5,
            "scheduler": "DPMSolverMultistepScheduler",
            "model_id": "stabilityai/sdxl-turbo"})}  # fmt: skip
    if kind == "easydiffusion":
        return {"prompt": prompt, "negative_prompt": "blurry", "seed": str(i),
                "use_stable_diffusion_model": "sd-v1-5", "sampler_name": "euler_a",
                "num_inference_steps": "25", "guidance_scale": "7.5", "width": "512",
                "height": "768"}  # fmt: skip
    if kind == "stability-matrix":
        return {"parameters": A1111.format(i=i, steps=30, seed=i, w=1024, h=1024),
                "parameters-json": json.dumps({
                    "PositivePrompt": prompt, "NegativePrompt": "text", "Seed": i, "Steps": 30,
                    "CfgScale": 7.0, "Sampler": "dpmpp_2m", "ModelName": "dreamshaperXL"}),
                "prompt": json.dumps(_graph(i))}  # fmt: skip
    if kind == "tensorart":
        return {"generation_data": json.dumps({
                    "prompt": prompt, "negativePrompt": "photo", "seed": str(i), "steps": 25,
                    "cfgScale": 5, "baseModel": {"modelFileName": "majicmix.safetensors"}}),
                "prompt": json.dumps(_graph(i))}  # fmt: skip
    if kind == "drawthings":
        settings = json.dumps({"c": prompt, "uc": "people", "seed": i, "steps": 8, "scale": 3.5,
                               "sampler": "DPM++ 2M Karras", "model": "flux_1_schnell_q8p.ckpt",
                               "size": "1024x1024"})  # fmt: skip
        return {"XML:com.adobe.xmp": (
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
            'xmp:CreatorTool="Draw Things"><exif:UserComment><rdf:Alt><rdf:li xml:lang='
            f'"x-default">{settings}</rdf:li></rdf:Alt></exif:UserComment></rdf:Description>'
            "</rdf:RDF></x:xmpmeta>")}  # fmt: skip
    return {"prompt": json.dumps(_graph(i))}  # comfy-control


NEW_PNG_KINDS = ("swarmui", "ruinedfooocus", "diffusers", "easydiffusion", "stability-matrix",
                 "tensorart", "drawthings", "comfy-control")  # fmt: skip
# Media kinds of issue 14: (codec, container, sample format) of the audio ones.
AUDIO_KINDS = {
    "m4a-cover": ("aac", "mp4", "fltp"),
    "flac-multi": ("flac", "flac", "s16"),
    "aiff": ("pcm_s16be", "aiff", "s16"),
    "opus": ("libopus", "ogg", "s16"),
}
VIDEO_KINDS = {"mkv-video": ("mpeg4", "matroska"), "webm-video": ("libvpx", "webm")}
NEW_KINDS = (*NEW_PNG_KINDS, "comfy-jpeg", "comfy-webp", *AUDIO_KINDS, *VIDEO_KINDS)


def _audio(kind: str, dest: Path, i: int) -> None:
    """Two seconds of a tone; M4A with an iTunes cover (ffmpeg shows it as a picture
    stream) and two artists, FLAC with two ARTIST entries and a picture."""
    import av

    codec, container, fmt = AUDIO_KINDS[kind]
    rate = 48000 if codec == "libopus" else 44100
    with av.open(str(dest), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "stereo"
        t = np.arange(rate * 2) / rate
        tone = (0.3 * np.sin(2 * np.pi * (220 + i) * t)).astype(np.float32)
        samples = np.stack([tone, tone])
        size = stream.codec_context.frame_size or 1024
        for start in range(0, samples.shape[1], size):
            chunk = samples[:, start : start + size]
            if fmt == "s16":
                chunk = (chunk * 32767).astype(np.int16).T.reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format=fmt,
                                               layout="stereo")  # fmt: skip
            frame.sample_rate, frame.pts = rate, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    cover = io.BytesIO()
    _picture(i, (600, 600)).save(cover, "JPEG", quality=85)
    if kind == "m4a-cover":
        from mutagen.mp4 import MP4, MP4Cover

        tags = MP4(str(dest))
        tags["covr"] = [MP4Cover(cover.getvalue(), MP4Cover.FORMAT_JPEG)]
        tags["\xa9ART"] = ["Ana", "Bo"]
        tags.save()
    elif kind == "flac-multi":
        from mutagen.flac import FLAC, Picture

        flac = FLAC(str(dest))
        flac["ARTIST"] = ["Simon", "Garfunkel"]
        picture = Picture()
        picture.type, picture.mime, picture.data = 3, "image/jpeg", cover.getvalue()
        flac.add_picture(picture)
        flac.save()


def _video(kind: str, dest: Path, i: int) -> None:
    """Three seconds of a moving 320x240 pattern at 10 fps."""
    import av

    codec, container = VIDEO_KINDS[kind]
    with av.open(str(dest), "w", format=container) as out:
        stream = out.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        yy, xx = np.mgrid[0:240, 0:320]
        for n in range(30):
            gray = (127 + 100 * np.sin(xx / 9 + yy / 13 + n / 3 + i)).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(np.stack([gray, gray, 255 - gray], -1), "rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def _make_new(kind: str, dest: Path, i: int) -> None:
    if kind in AUDIO_KINDS:
        _audio(kind, dest, i)
        return
    if kind in VIDEO_KINDS:
        _video(kind, dest, i)
        return
    picture = _picture(20_000 + i, (1024, 1024))
    if kind in ("comfy-jpeg", "comfy-webp"):
        exif = Image.Exif()
        if kind == "comfy-jpeg":
            text = json.dumps({"prompt": _graph(i)})
            exif[0x8769] = {0x9286: b"UNICODE\0" + text.encode("utf-16-be")}
        else:
            exif[0x010F] = "Prompt:" + json.dumps(_graph(i))
        picture.save(dest, quality=90, exif=exif)
        return
    info = PngImagePlugin.PngInfo()
    for key, value in _new_chunks(kind, i).items():
        if key.startswith("XML:"):
            info.add_itxt(key, value)
        else:
            info.add_text(key, value)
    picture.save(dest, pnginfo=info, compress_level=6)


def _suffix(kind: str) -> str:
    suffixes = {"comfy-jpeg": ".jpg", "comfy-webp": ".webp", "m4a-cover": ".m4a",
                "flac-multi": ".flac", "aiff": ".aiff", "opus": ".opus", "mkv-video": ".mkv",
                "webm-video": ".webm"}  # fmt: skip
    return suffixes.get(kind, ".png")


def _make(job: tuple[str, Path, int]) -> None:
    kind, dest, i = job
    if kind in NEW_KINDS:
        _make_new(kind, dest, i)
        return
    if kind == "jpeg":
        exif = Image.Exif()
        text = A1111.format(i=i, steps=30, seed=i, w=4000, h=3000)
        exif[0x8769] = {0x9286: b"UNICODE\0" + text.encode("utf-16-be")}
        _picture(i, (4000, 3000)).save(dest, quality=90, exif=exif)
        return
    w, h = 1024 + 64 * (i % 4), 1024 + 64 * (i % 3)
    info = PngImagePlugin.PngInfo()
    if kind == "comfy":
        for key, value in _comfy_chunks().items():
            info.add_text(key, value)
    else:
        info.add_text("parameters", A1111.format(i=i, steps=20 + i % 30, seed=i, w=w, h=h))
    _picture(10_000 + i, (w, h)).save(dest, pnginfo=info, compress_level=6)
    if kind == "png" and i % 4 == 0:
        dest.with_suffix(".txt").write_text(A1111.format(i=i, steps=25, seed=i, w=w, h=h))
        Path(f"{dest}.xmp").write_text(XMP.format(r=i % 6, i=i))


@dataclass
class Timing:
    wall: float
    cpu: float
    files: int


def build_folder(pngs: int, comfy: int, jpegs: int, new: int) -> Path:
    folder = DATA / f"p{pngs}-c{comfy}-j{jpegs}-n{new}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    jobs = [("png", folder / f"a1111_{i:04d}.png", i) for i in range(pngs)]
    jobs += [("comfy", folder / f"comfy_{i:04d}.png", i) for i in range(comfy)]
    jobs += [("jpeg", folder / f"photo_{i:04d}.jpg", i) for i in range(jpegs)]
    jobs += [(k, folder / f"{k}_{i:04d}{_suffix(k)}", i) for k in NEW_KINDS for i in range(new)]
    print(f"generating {len(jobs)} files in {folder} ...", flush=True)
    with ProcessPoolExecutor() as pool:
        list(pool.map(_make, jobs, chunksize=4))
    (folder / ".complete").touch()
    return folder


def scan_seconds(folder: Path, work: Path, metadata: bool, workers: int | None) -> Timing:
    """A full scan of ``folder`` into a fresh catalog: wall seconds, CPU seconds of this
    process (all the work when ``workers`` is 1: probing then runs in-process), files."""
    catalog = Catalog(Settings.load(database=work / f"scan-{time.monotonic_ns()}.db").database)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        summary = Scanner(catalog, metadata=metadata, workers=workers).scan([str(folder)])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        catalog.close()
    assert summary.failed == 0, summary
    return Timing(wall, cpu, summary.new)


def _blocks(folder: Path) -> list[tuple[dict[str, str], str]]:
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".png", ".jpg", ".webp"))
    return [(probe_file(str(p)).blocks, str(p)) for p in files]


def parse_only(blocks: list[tuple[dict[str, str], str]], repeat: int = 3) -> float:
    """Microseconds per file of the whole dispatcher (all parsers), on the probe's blocks."""
    start = time.perf_counter()
    for _ in range(repeat):
        for b, path in blocks:
            parse_metadata(b, path)
    return (time.perf_counter() - start) / len(blocks) / repeat * 1e6


def per_parser(blocks: list[tuple[dict[str, str], str]], repeat: int = 3) -> dict[str, float]:
    """Microseconds per file of each parser of the generator table, called on every
    file's blocks (as the dispatcher does until one recognizes its format)."""
    out = {}
    for generator in GENERATORS:
        start = time.perf_counter()
        for _ in range(repeat):
            for b, _path in blocks:
                with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
                    generator.parse(b)
        out[generator.name] = (time.perf_counter() - start) / len(blocks) / repeat * 1e6
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pngs", type=int, default=240)
    parser.add_argument("--comfy", type=int, default=120)
    parser.add_argument("--jpegs", type=int, default=40)
    parser.add_argument("--new", type=int, default=20, help="files of each issue-14 kind")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--folder", type=Path, help="measure this folder instead of the generated one"
    )
    args = parser.parse_args()
    folder = args.folder or build_folder(args.pngs, args.comfy, args.jpegs, args.new)
    parallel: dict[bool, list[Timing]] = {True: [], False: []}
    serial: dict[bool, list[Timing]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scan_seconds(folder, work, True, None)  # warm the page cache once
        for _ in range(args.rounds):
            for metadata in (False, True):
                parallel[metadata].append(scan_seconds(folder, work, metadata, None))
                serial[metadata].append(scan_seconds(folder, work, metadata, 1))
    files = parallel[True][0].files
    wall = {m: statistics.median(t.wall for t in parallel[m]) for m in (False, True)}
    cpu = {m: statistics.median(t.cpu for t in serial[m]) for m in (False, True)}
    print(f"\n## Generation metadata ({os.cpu_count()} cores, Python {sys.version.split()[0]})\n")
    if args.folder:
        described = f"{args.folder}"
    else:
        described = (f"{args.pngs} A1111 PNGs, {args.comfy} ComfyUI PNGs, {args.jpegs} 12 MP "
                     f"JPEGs; sidecars beside {len(range(0, args.pngs, 4))} PNGs; {args.new} "
                     f"each of {', '.join(NEW_KINDS)}")  # fmt: skip
    print(f"folder: {files} files ({described}), {args.rounds} rounds, medians\n")
    print("| full scan | without metadata step | with metadata step | added |")
    print("|---|---:|---:|---:|")
    for label, values in (
        (f"wall s, {os.cpu_count()} workers", wall),
        ("CPU s, 1 process (load-independent)", cpu),
    ):
        added = (values[True] - values[False]) / values[False] * 100
        print(f"| {label} | {values[False]:.2f} | {values[True]:.2f} | {added:+.1f}% |")
    for name, runs in (("wall", parallel), ("cpu", serial)):
        pairs = zip(runs[False], runs[True], strict=True)
        key = "wall" if name == "wall" else "cpu"
        text = ", ".join(f"{getattr(a, key):.1f}/{getattr(b, key):.1f}" for a, b in pairs)
        print(f"\n{name} rounds (without/with): {text}")
    blocks = _blocks(folder)
    print(f"\npure parsers alone: {parse_only(blocks):.0f} µs per file ({len(blocks)} images)")
    print("\n| parser (generator table order) | µs per file |\n|---|---:|")
    for name, micros in per_parser(blocks).items():
        print(f"| {name} | {micros:.1f} |")
    print("target: the metadata step adds at most 10% to the full scan")


if __name__ == "__main__":
    main()
