"""Video, audio and documents: real files written by the test, probed for real."""

from __future__ import annotations

import io
import math
import struct
import wave
import zipfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from mutagen.aiff import AIFF
from mutagen.easyid3 import EasyID3
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3, TPE1
from mutagen.mp4 import MP4, MP4Cover
from PIL import Image
from pypdf import PdfWriter

from curata.ingest.probe import probe_file
from curata.ingest.video import frame_positions


def write_clip(
    path: Path,
    seconds: float = 2.0,
    fps: int = 10,
    dark_start: float = 0.0,
    codec: str = "mpeg4",
    container: str | None = None,
) -> Path:
    """A clip of a moving pattern (black for the first ``dark_start`` seconds), MPEG-4
    or ``codec`` in ``container`` (or the one the name says)."""
    with av.open(str(path), "w", format=container) as out:
        out.metadata["creation_time"] = "2024-05-06T07:08:09.000000Z"
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        yy, xx = np.mgrid[0:120, 0:160]
        for i in range(int(seconds * fps)):
            t = i / fps
            if t < dark_start:
                rgb = np.zeros((120, 160, 3), dtype=np.uint8)
            else:
                phase = 2 * math.pi * i / (seconds * fps)
                wave_ = np.sin(xx / (6 + 4 * math.sin(phase)) + yy / 9 + phase * 3)
                block = ((xx // 40 + yy // 40 + i // 4) % 2) * 80
                gray = (127 + 60 * wave_ + block - 40).clip(0, 255).astype(np.uint8)
                rgb = np.stack([gray, np.roll(gray, i * 7, axis=1), 255 - gray], axis=-1)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def write_audio(
    path: Path, codec: str, seconds: float = 1.5, rate: int = 44100, container: str | None = None
) -> Path:
    """A stereo tone encoded by PyAV (``libmp3lame``, ``flac``, ``aac``, ``wmav2``,
    ``libopus``, ``wavpack``, ``pcm_s16be``), in ``container`` or the one the name says."""
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "stereo"
        if codec == "wmav2":
            stream.codec_context.bit_rate = 128_000  # the encoder has no default
        t = np.arange(int(seconds * rate)) / rate
        tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        fmt = "fltp" if codec in ("libmp3lame", "aac", "wmav2") else "s16"
        samples = np.stack([tone, tone])
        if fmt == "s16":
            samples = (samples * 32767).astype(np.int16).T.reshape(1, -1)
        frame_size = stream.codec_context.frame_size or 1024
        for start in range(0, samples.shape[-1] // (1 if fmt == "fltp" else 2), frame_size):
            chunk = (
                samples[:, start : start + frame_size]
                if fmt == "fltp"
                else samples[:, start * 2 : (start + frame_size) * 2]
            )
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(chunk), format=fmt, layout="stereo"
            )
            frame.sample_rate = rate
            frame.pts = start
            frame.time_base = Fraction(1, rate)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_video_facts_and_frame_hashes(tmp_path: Path) -> None:
    result = probe_file(str(write_clip(tmp_path / "clip.mp4")))
    assert result.error is None
    assert (result.media_type, result.file_format) == ("video", "mp4")
    assert (result.width, result.height) == (160, 120)
    assert result.duration == pytest.approx(2.0, abs=0.15)
    assert result.facts["codec"] == "mpeg4"
    assert "mp4" in result.facts["container"]
    assert result.facts["frame_rate"] == pytest.approx(10.0)
    assert result.facts["bit_rate"] > 0
    assert result.created_at == pytest.approx(1714979289.0)
    assert [pos for pos, _ in result.frame_hashes] == frame_positions(result.duration)
    hashes = [h for _, h in result.frame_hashes]
    assert len(set(hashes)) == len(hashes) >= 3  # every half second; the picture moves
    assert result.phash in hashes and result.dhash is not None


def test_representative_frame_is_not_the_black_fade_in(tmp_path: Path) -> None:
    result = probe_file(str(write_clip(tmp_path / "fade.mp4", seconds=4, dark_start=1.5)))
    assert result.error is None
    black = result.frame_hashes[0][1]  # at 0.25 s
    assert result.phash != black


def test_a_truncated_video_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = write_clip(tmp_path / "clip.mp4")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(path.read_bytes()[:600])
    result = probe_file(str(cut))
    assert result.error is not None and result.content_hash is not None


def test_wav_written_by_the_wave_module(tmp_path: Path) -> None:
    path = tmp_path / "tone.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(
            b"".join(struct.pack("<h", int(8000 * math.sin(i / 10))) for i in range(22050))
        )
    result = probe_file(str(path))
    assert result.error is None
    assert (result.media_type, result.file_format) == ("audio", "wav")
    assert result.duration == pytest.approx(1.0, abs=0.01)
    assert (result.facts["sample_rate"], result.facts["channels"]) == (22050, 1)
    assert result.facts["bits_per_sample"] == 16
    assert result.facts["bit_rate"] == 22050 * 16


def test_mp3_with_id3_tags_becomes_tag_pairs(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "song.mp3", "libmp3lame")
    tags = EasyID3()
    tags.update({"artist": "The Testers", "album": "Real Files", "title": "Tone",
                 "genre": "Ambient", "date": "2021-05-01"})  # fmt: skip
    tags.save(str(path))
    result = probe_file(str(path))
    assert result.error is None
    assert (result.media_type, result.file_format) == ("audio", "mp3")
    assert result.duration == pytest.approx(1.5, abs=0.1)
    assert (result.facts["sample_rate"], result.facts["channels"]) == (44100, 2)
    assert result.facts["bit_rate"] > 0
    assert result.tags == [
        "artist:the testers",
        "album:real files",
        "title:tone",
        "genre:ambient",
        "year:2021",
    ]


def test_flac_with_vorbis_comments(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "song.flac", "flac")
    flac = FLAC(str(path))
    flac["ARTIST"] = "AC:DC"
    flac["DATE"] = "1980"
    flac.save()
    result = probe_file(str(path))
    assert result.error is None
    assert (result.media_type, result.file_format) == ("audio", "flac")
    assert result.duration == pytest.approx(1.5, abs=0.05)
    assert result.facts["bits_per_sample"] == 16
    assert result.tags == ["artist:ac:dc", "year:1980"]


def test_audio_only_mp4_is_audio(tmp_path: Path) -> None:
    result = probe_file(str(write_audio(tmp_path / "voice.mp4", "aac")))
    assert result.error is None
    assert (result.media_type, result.file_format) == ("audio", "m4a")
    assert result.facts["codec"] == "mp4a.40.2"  # read by mutagen, as for any .m4a
    assert result.duration == pytest.approx(1.5, abs=0.1)


def test_pdf_pages_and_title(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Quarterly Review", "/Author": "Ops"})
    path = tmp_path / "review.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    result = probe_file(str(path))
    assert result.error is None
    assert (result.media_type, result.file_format) == ("document", "pdf")
    assert result.facts == {"pages": 3, "title": "Quarterly Review", "author": "Ops"}


def test_corrupt_pdf_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    assert probe_file(str(path)).error is not None


def test_markdown_and_text_sizes(tmp_path: Path) -> None:
    md = tmp_path / "notes.md"
    md.write_text("# Shot list\n\nhero image, two alternates\nfinal pass\n")
    result = probe_file(str(md))
    assert (result.media_type, result.file_format) == ("document", "markdown")
    assert result.facts == {"characters": 51, "words": 9, "lines": 4, "title": "Shot list"}
    txt = tmp_path / "todo.txt"
    txt.write_text("one two\nthree")
    assert probe_file(str(txt)).facts == {"characters": 13, "words": 3, "lines": 2}


def test_office_zip_kinds_and_unknown_binaries(tmp_path: Path) -> None:
    docx = tmp_path / "letter.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    epub = tmp_path / "book.epub"
    with zipfile.ZipFile(epub, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes([0, 1, 2, 250, 251]) * 40)
    assert probe_file(str(docx)).file_format == "docx"
    assert probe_file(str(epub)).file_format == "epub"
    unknown = probe_file(str(blob))
    assert (unknown.media_type, unknown.file_format, unknown.error) == ("unknown", "unknown", None)


def jpeg_bytes(color: tuple[int, int, int], size: int = 64) -> bytes:
    """A cover picture: a gradient in ``color`` (so it has a pHash worth the name)."""
    ramp = np.linspace(0.2, 1.0, size)[None, :, None] * np.array(color)[None, None, :]
    pixels = np.repeat(ramp, size, axis=0).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "JPEG")
    return buf.getvalue()


def test_m4a_in_an_mp4_container_with_cover_art_is_audio(tmp_path: Path) -> None:
    """ffmpeg/iTunes-style: AAC in an ``isom`` MP4 plus a ``covr`` atom, which ffmpeg
    shows as an attached-picture video stream (issue 14: it was "no decodable frame")."""
    path = write_audio(tmp_path / "song.m4a", "aac", container="mp4")
    tags = MP4(str(path))
    tags["covr"] = [MP4Cover(jpeg_bytes((200, 40, 40)), MP4Cover.FORMAT_JPEG)]
    tags["\xa9ART"] = ["Ana", "Bo"]
    tags.save()
    with av.open(str(path)) as container:  # the cover is a picture stream, as in the wild
        assert container.streams.video[0].disposition & av.stream.Disposition.attached_pic
    result = probe_file(str(path))
    assert result.error is None
    assert (result.media_type, result.file_format) == ("audio", "m4a")
    assert result.phash is not None and result.facts["cover"] == "64x64"
    assert result.tags == ["artist:ana", "artist:bo"]
    assert result.duration == pytest.approx(1.5, abs=0.1)


def test_mp3_cover_art_gives_the_hashes(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "cover.mp3", "libmp3lame")
    tags = ID3()
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="front",
                  data=jpeg_bytes((30, 90, 200))))  # fmt: skip
    tags.save(str(path))
    result = probe_file(str(path))
    assert result.error is None and result.media_type == "audio"
    assert result.phash is not None and result.dhash is not None


def test_flac_multi_valued_artist_and_picture(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "duo.flac", "flac")
    tags = FLAC(str(path))
    tags["ARTIST"] = ["Simon", "Garfunkel"]
    tags["GENRE"] = ["Folk", "Rock", "Folk"]
    picture = Picture()
    picture.type, picture.mime, picture.data = 3, "image/jpeg", jpeg_bytes((40, 160, 60))
    tags.add_picture(picture)
    tags.save()
    result = probe_file(str(path))
    assert result.tags == ["artist:simon", "artist:garfunkel", "genre:folk", "genre:rock"]
    assert result.phash is not None


@pytest.mark.parametrize(
    ("name", "codec", "container", "fmt"),
    [
        ("clip.ogv", "libvpx", "ogg", "ogv"),
        ("clip.webm", "libvpx-vp9", "webm", "webm"),
        ("clip.mkv", "mpeg4", "matroska", "mkv"),
        ("clip.mov", "mpeg4", "mov", "mov"),
        ("clip.avi", "mpeg4", "avi", "avi"),
        ("clip.wmv", "wmv2", "asf", "wmv"),
    ],
)
def test_video_containers_are_video_with_frames_and_duration(
    tmp_path: Path, name: str, codec: str, container: str, fmt: str
) -> None:
    path = write_clip(tmp_path / name, codec=codec, container=container)
    result = probe_file(str(path))
    assert result.error is None
    assert (result.media_type, result.file_format) == ("video", fmt)
    assert result.duration == pytest.approx(2.0, abs=0.2)
    assert len(result.frame_hashes) == len(frame_positions(result.duration))
    assert result.phash is not None


@pytest.mark.parametrize(
    ("name", "codec", "container", "fmt", "rate"),
    [
        ("tone.aiff", "pcm_s16be", "aiff", "aiff", 44100),
        ("tone.wma", "wmav2", "asf", "wma", 44100),
        ("tone.opus", "libopus", "ogg", "opus", 48000),
        ("tone.wv", "wavpack", "wv", "wavpack", 44100),
        ("tone.weba", "libopus", "webm", "webm", 48000),
    ],
)
def test_audio_formats_are_audio(
    tmp_path: Path, name: str, codec: str, container: str, fmt: str, rate: int
) -> None:
    result = probe_file(str(write_audio(tmp_path / name, codec, rate=rate, container=container)))
    assert result.error is None
    assert (result.media_type, result.file_format) == ("audio", fmt)
    assert result.duration == pytest.approx(1.5, abs=0.1)


def test_aiff_id3_tags(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "tagged.aiff", "pcm_s16be", container="aiff")
    tags = AIFF(str(path))
    tags.add_tags()
    tags.tags.add(TPE1(encoding=3, text=["First", "Second"]))
    tags.save()
    assert probe_file(str(path)).tags == ["artist:first", "artist:second"]
