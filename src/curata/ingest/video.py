"""Video files via PyAV: stream facts, a representative frame's hashes, frame hashes.

Only moving pictures make a video: a container whose only picture stream is an
attached cover (``attached_pic``) is audio (see :func:`_as_audio`).

Frames are taken on a time grid (:func:`frame_positions`: every half second, at most
:data:`MAX_FRAMES` evenly spread); each one's pHash is kept (``ProbeResult.frame_hashes``
as fractions of the duration, stored in ``frame_hashes``) for video similarity
(:mod:`curata.similarity.frames`), and the most detailed of them (highest grey-level
spread, so not a black fade-in) stands for the video: its pHash and dHash are the asset's.
"""

from __future__ import annotations

import io
import os
from datetime import datetime
from fractions import Fraction
from typing import Any

import av
import numpy as np
from PIL import Image

from curata import imaging
from curata.ingest.audio import probe_audio
from curata.ingest.hashing import perceptual_hashes, phash_of
from curata.models.assets import MediaType
from curata.models.probe import ProbeResult

# Frame sampling: one frame per FRAME_STEP seconds (in the middle of each step), at most
# MAX_FRAMES (then spread evenly). A grid, not a few fixed fractions, so that a trimmed
# copy's frames fall near the original's and a still taken from the video is near one.
FRAME_STEP = 0.5
MAX_FRAMES = 32
HASH_SIZE = 256
# Frames decoded after a seek before giving up on reaching the wanted time.
MAX_DECODE_AFTER_SEEK = 240


def _seconds(value: Any, time_base: Fraction | None) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def _creation_time(metadata: dict[str, str]) -> float | None:
    raw = metadata.get("creation_time") or metadata.get("date")
    if not raw:
        return None
    try:
        stamp = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        return None
    return stamp.timestamp()


def _small_image(frame: av.VideoFrame) -> Image.Image:
    width, height = frame.width, frame.height
    scale = HASH_SIZE / min(width, height) if min(width, height) > HASH_SIZE else 1.0
    return frame.to_image(width=max(1, round(width * scale)), height=max(1, round(height * scale)))


def _frame_at(
    container: av.container.InputContainer, stream: av.VideoStream, seconds: float
) -> av.VideoFrame | None:
    """The first frame at or after ``seconds`` (or the last one before the end)."""
    if stream.time_base is None:
        return None
    target = int(seconds / stream.time_base)
    try:
        container.seek(target, stream=stream, backward=True, any_frame=False)
    except av.FFmpegError:
        return None
    last = None
    for count, frame in enumerate(container.decode(stream)):
        last = frame
        if frame.pts is None or frame.pts >= target or count >= MAX_DECODE_AFTER_SEEK:
            break
    return last


def _first_frame(container: av.container.InputContainer, stream: av.VideoStream) -> Any:
    return next(iter(container.decode(stream)), None)


#: Where a video's thumbnail is taken, as a fraction of its duration (past an opening fade).
STILL_POSITION = 0.1


def frame_positions(duration: float) -> list[float]:
    """Where frames are sampled, as fractions of ``duration`` (seconds): the middle of
    each :data:`FRAME_STEP` (or of each of :data:`MAX_FRAMES` equal steps, if longer);
    a video shorter than a step has its middle frame."""
    step = min(duration, max(FRAME_STEP, duration / MAX_FRAMES))
    count = max(1, int(duration / step))
    return [round((k + 0.5) * step / duration, 6) for k in range(count)]


def _sample_frames(
    container: av.container.InputContainer, stream: av.VideoStream, duration: float | None
) -> list[tuple[float, Image.Image]]:
    if not duration or duration <= 0:
        frame = _first_frame(container, stream)
        return [] if frame is None else [(0.0, _small_image(frame))]
    out = []
    for position in frame_positions(duration):
        frame = _frame_at(container, stream, position * duration)
        if frame is not None:
            out.append((position, _small_image(frame)))
    return out


def _detail(im: Image.Image) -> float:
    return float(np.asarray(im.convert("L"), dtype=np.float32).std())


# The format an audio-only (or a video) file in a shared container is known by.
AUDIO_FORMATS = {"mp4": "m4a", "mov": "m4a", "asf": "wma", "mkv": "mka"}
VIDEO_FORMATS = {"asf": "wmv"}


def _is_picture(stream: av.VideoStream) -> bool:
    """A cover image (``attached_pic``: MP4 ``covr``, ID3 ``APIC``, Matroska attachment
    shown as a stream), not moving pictures."""
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def cover_image(container: av.container.InputContainer) -> Image.Image | None:
    """The first attached cover picture of a container, decoded."""
    for stream in container.streams.video:
        if not _is_picture(stream):
            continue
        try:
            for frame in container.decode(stream):
                return frame.to_image()
        except av.FFmpegError:
            return None
    return None


def still(path: str | os.PathLike[str]) -> Image.Image:
    """The picture a video's thumbnail shows: the frame at :data:`STILL_POSITION` of its
    duration (the first frame when the duration is unknown), full size.
    Raises :class:`~curata.imaging.UnreadableImage`."""
    try:
        with av.open(os.fspath(path)) as container:
            moving = [s for s in container.streams.video if not _is_picture(s)]
            if not moving:
                raise imaging.UnreadableImage("no video stream")
            stream = moving[0]
            duration = (
                container.duration / av.time_base
                if container.duration
                else _seconds(stream.duration, stream.time_base)
            )
            frame = (
                _frame_at(container, stream, STILL_POSITION * duration)
                if duration
                else _first_frame(container, stream)
            )
            if frame is None:
                raise imaging.UnreadableImage("no decodable video frame")
            if frame.width * frame.height > imaging.MAX_PIXELS:
                raise imaging.UnreadableImage(f"a {frame.width}x{frame.height} frame is too large")
            return frame.to_image()
    except av.FFmpegError as exc:
        raise imaging.UnreadableImage(f"not a readable video ({exc})") from exc


def probe_video(result: ProbeResult, source: io.BytesIO | str, metadata: bool = True) -> None:
    try:
        container = av.open(source, "r")
    except av.FFmpegError as exc:
        raise ValueError(f"not a readable {result.file_format} video ({exc})") from exc
    with container:
        moving = [s for s in container.streams.video if not _is_picture(s)]
        if not moving:
            if container.streams.audio:
                _as_audio(result, container, source, metadata)
                return
            raise ValueError("no video or audio stream")
        stream = moving[0]
        result.file_format = VIDEO_FORMATS.get(result.file_format or "", result.file_format)
        duration = (
            container.duration / av.time_base
            if container.duration
            else _seconds(stream.duration, stream.time_base)
        )
        rate = stream.average_rate or stream.guessed_rate
        result.width = stream.codec_context.width or None
        result.height = stream.codec_context.height or None
        result.duration = round(duration, 3) if duration else None
        result.created_at = _creation_time(dict(container.metadata))
        result.facts.update(
            {
                "container": container.format.name,
                "codec": stream.codec_context.name,
                "frame_rate": round(float(rate), 3) if rate else None,
                "bit_rate": container.bit_rate or stream.bit_rate or None,
                "frames": stream.frames or None,
            }
        )
        if container.streams.audio:
            result.facts["audio_codec"] = container.streams.audio[0].codec_context.name
        result.facts = {k: v for k, v in result.facts.items() if v is not None}
        for key, value in container.metadata.items():
            if isinstance(value, str) and value.strip():
                result.blocks[f"video:{key}"] = value
        try:
            frames = _sample_frames(container, stream, duration)
        except av.FFmpegError as exc:
            raise ValueError(f"cannot decode video frames ({exc})") from exc
    if not frames:
        raise ValueError("no decodable video frame")
    result.frame_hashes = [(pos, phash_of(im)) for pos, im in frames]
    representative = max(frames, key=lambda f: _detail(f[1]))[1]
    result.phash, result.dhash = perceptual_hashes(representative)


def _as_audio(
    result: ProbeResult,
    container: av.container.InputContainer,
    source: io.BytesIO | str,
    metadata: bool,
) -> None:
    """An audio file in a video container (``.m4a``/``.mp4`` holding AAC and maybe a
    cover, WMA in ASF, Matroska/WebM audio): audio, read by mutagen where it can (its
    tags and facts), else from the container; the cover gives the hashes."""
    result.media_type = MediaType.AUDIO.value
    result.file_format = AUDIO_FORMATS.get(result.file_format or "", result.file_format)
    cover = cover_image(container)
    if isinstance(source, io.BytesIO):
        source.seek(0)
    try:
        probe_audio(result, source, metadata)
    except ValueError:
        _audio_facts(result, container)
    if cover is not None and result.phash is None:
        result.phash, result.dhash = perceptual_hashes(cover)
        result.facts["cover"] = f"{cover.width}x{cover.height}"


def _audio_facts(result: ProbeResult, container: av.container.InputContainer) -> None:
    """Stream facts of an audio-only container that mutagen does not read."""
    stream = container.streams.audio[0]
    duration = container.duration / av.time_base if container.duration else None
    result.duration = round(duration, 3) if duration else None
    ctx = stream.codec_context
    facts = {
        "container": container.format.name,
        "codec": ctx.name,
        "sample_rate": ctx.sample_rate or None,
        "channels": ctx.channels or None,
        "bit_rate": container.bit_rate or stream.bit_rate or None,
    }
    result.facts.update({k: v for k, v in facts.items() if v is not None})
