"""The per-file probe: a pure function of a file's bytes, run in the worker processes.

It hashes the file (SHA-256, the asset's identity), sniffs its type from the content,
and for images reads dimensions, EXIF time, perceptual hashes and the raw metadata
blocks. It never raises for a bad file: the reason goes into ``ProbeResult.error``.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from PIL import Image

from curata import imaging
from curata.ingest.audio import probe_audio
from curata.ingest.blocks import read_blocks
from curata.ingest.documents import probe_document
from curata.ingest.embedded import embedded_blocks
from curata.ingest.file_metadata import read_metadata
from curata.ingest.hashing import perceptual_hashes
from curata.ingest.limits import cap_blocks, cap_result
from curata.ingest.magic import EXTENSIONS, HEAD_SIZE, sniff
from curata.ingest.video import probe_video
from curata.models.assets import MediaType
from curata.models.probe import ProbeResult

# Files up to this size are read once into memory and both hashed and decoded from it.
IN_MEMORY_LIMIT = 256 * 1024 * 1024
# The reduced decode keeps at least this many pixels on the short side for hashing.
HASH_DECODE_SIZE = 256
_CHUNK = 1024 * 1024
# Files from this size up that store less than an eighth of their bytes are refused.
SPARSE_MIN_SIZE = 64 * 1024 * 1024
_MAX_EXTENTS = 4096
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 36867
_OFFSET_TIME_ORIGINAL = 36881


class ProbeError(Exception):
    """A file that cannot be cataloged; the message is the recorded reason."""


def _exif_created(exif: Image.Exif) -> float | None:
    ifd = exif.get_ifd(_EXIF_IFD)
    raw = ifd.get(_DATETIME_ORIGINAL)
    if not isinstance(raw, str):
        return None
    try:
        stamp = datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    tz = UTC
    offset = ifd.get(_OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str) and len(offset) >= 6 and offset[0] in "+-":
        try:
            sign = 1 if offset[0] == "+" else -1
            tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        except ValueError:
            tz = UTC
    return stamp.replace(tzinfo=tz).timestamp()


def reduced_for_hashing(im: Image.Image) -> Image.Image:
    """Decode no more pixels than hashing needs: JPEG draft (DCT scaling), else reduce()."""
    if im.format == "JPEG":
        im.draft("RGB" if im.mode not in ("L", "1") else "L", (HASH_DECODE_SIZE, HASH_DECODE_SIZE))
    im = imaging.upright(im)
    factor = min(im.size) // HASH_DECODE_SIZE
    if factor >= 2 and im.mode not in ("P", "1"):
        im = im.reduce(factor)
    return im


def probe_image(result: ProbeResult, source: io.BytesIO | str, metadata: bool = True) -> None:
    try:
        with imaging.opened(source) as im:
            result.width, result.height = imaging.oriented_size(im)
            result.facts["mode"] = im.mode
            frames = getattr(im, "n_frames", 1)
            if frames > 1:
                result.facts["frames"] = frames
            result.created_at = _exif_created(im.getexif())
            reduced = reduced_for_hashing(im)
            result.phash, result.dhash = perceptual_hashes(reduced)
            result.blocks = read_blocks(im)
            if metadata:
                result.blocks.update(embedded_blocks(im, source))
    except imaging.UnreadableImage as exc:
        raise ProbeError(str(exc)) from exc


def _note_extension(result: ProbeResult, suffix: str) -> None:
    expected = EXTENSIONS.get(result.file_format or "")
    if expected and suffix and suffix.lower() not in expected:
        result.notes.append(f"extension {suffix} does not match its content ({result.file_format})")


def _check_claimed_image(result: ProbeResult, suffix: str) -> None:
    """A file named as an image whose content is no image cannot be cataloged as one."""
    claims_image = any(suffix.lower() in exts for exts in EXTENSIONS.values())
    if claims_image and result.media_type != MediaType.IMAGE.value:
        raise ProbeError(
            f"named as an image ({suffix}) but its content is "
            + (
                "not a recognized format"
                if result.file_format == "unknown"
                else str(result.file_format)
            )
        )


def _stored_bytes(path: str, size: int) -> int:
    """Bytes of ``path`` that are data, not holes (``size`` where holes are not reported)."""
    stored, offset = 0, 0
    with open(path, "rb") as fh:
        fd = fh.fileno()
        for _ in range(_MAX_EXTENTS):
            try:
                start = os.lseek(fd, offset, os.SEEK_DATA)
            except OSError as exc:  # ENXIO: only holes up to the end
                return stored if exc.errno == errno.ENXIO else size
            offset = os.lseek(fd, start, os.SEEK_HOLE)
            stored += offset - start
            if offset >= size:
                return stored
    return size


def _refuse_sparse(path: str, st: os.stat_result) -> None:
    """A large file that is mostly holes (a 10 GB file of nothing named ``.png``) is not
    read: hashing it would read gigabytes of zeros the disk does not hold."""
    if st.st_size < SPARSE_MIN_SIZE or not hasattr(os, "SEEK_HOLE"):
        return
    if getattr(st, "st_blocks", st.st_size) * 512 * 8 >= st.st_size:
        return
    stored = _stored_bytes(path, st.st_size)
    if stored * 8 < st.st_size:
        raise ProbeError(
            f"sparse file: {st.st_size:,} bytes of which {stored:,} are stored; not read"
        )


def _read_and_hash(path: str, size: int) -> tuple[str, bytes | None, bytes]:
    """SHA-256 of the file, its bytes when small enough to keep, and its first bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        if size <= IN_MEMORY_LIMIT:
            data = fh.read()
            digest.update(data)
            return digest.hexdigest(), data, data[:HEAD_SIZE]
        head = fh.read(HEAD_SIZE)
        digest.update(head)
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest(), None, head


# media type -> prober(result, bytes or path, read metadata beyond the basic blocks)
PROBERS: dict[str, Callable[[ProbeResult, io.BytesIO | str, bool], None]] = {
    MediaType.IMAGE.value: probe_image,
    MediaType.VIDEO.value: probe_video,
    MediaType.AUDIO.value: probe_audio,
    MediaType.DOCUMENT.value: probe_document,
}


def probe_file(path: str, metadata: bool = True) -> ProbeResult:
    """Probe one file. Never raises for the file's sake; see ``ProbeResult.error``.

    ``metadata=False`` skips sidecars, C2PA, stealth pixels and the generation-metadata
    parsers (the raw text blocks are still read); benchmarks compare the two."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return ProbeResult(path, 0, 0.0, error=_os_reason(exc))
    result = ProbeResult(path, st.st_size, st.st_mtime)
    suffix = Path(path).suffix
    try:
        if st.st_size == 0:
            raise ProbeError("empty file (0 bytes)")
        _refuse_sparse(path, st)
        result.content_hash, data, head = _read_and_hash(path, st.st_size)
        if data is not None and len(data) != st.st_size:
            raise ProbeError("file changed while it was being read")
        sniffed = sniff(head, suffix)
        result.media_type, result.file_format = sniffed.media_type.value, sniffed.format
        _check_claimed_image(result, suffix)
        _note_extension(result, suffix)
        prober = PROBERS.get(result.media_type)
        source = io.BytesIO(data) if data is not None else path
        if prober is not None:
            prober(result, source, metadata)
        if metadata:
            result.blocks = cap_blocks(result.blocks, result.warnings)  # what parsers read
            read_metadata(result, source)
    except ProbeError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = _os_reason(exc)
    except (ValueError, SyntaxError, EOFError, MemoryError, Image.DecompressionBombError) as exc:
        result.error = f"cannot decode: {exc}"
    cap_result(result)
    return result


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file disappeared during the scan"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"
