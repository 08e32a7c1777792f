"""A cluster copy as the numba kernel of ``pick_cluster_keeper`` sees it: one row of
64-bit integers (pure). Selection itself no longer uses it (see ``rank``)."""

from __future__ import annotations

import hashlib
import struct
import threading

from curata.models.autoselect import AssetType

# Columns of a row.
(
    C_GROUP,  # asset type index (TYPES)
    C_HD,  # 1 when HD by the spec's rule
    C_VOTES,  # 0 = no votes
    C_WIDTH,  # 0 = unknown
    C_HEIGHT,
    C_LANG,  # interned language id (see language_id)
    C_KEY,  # stable key: 63 bits of BLAKE2b of the URL
    C_FSIZE,  # file size (valid when F_HAS_SIZE)
    C_PHASH,  # pHash as a signed 64-bit integer (valid when F_HAS_PHASH)
    C_FLAGS,
) = range(10)
N_COLUMNS = 10
F_HAS_SIZE, F_HAS_PHASH = 1, 2

TYPES: tuple[str, ...] = tuple(t.value for t in AssetType)
TYPE_INDEX: dict[str, int] = {t: i for i, t in enumerate(TYPES)}

_PACK = struct.Struct(f"<{N_COLUMNS}q").pack
_TWO64, _TWO63 = 1 << 64, 1 << 63

_languages: list[str | None] = [None]
_language_ids: dict[str | None, int] = {None: 0}
_lock = threading.Lock()


def language_id(language: str | None) -> int:
    """A small integer per distinct language string (None is 0), stable in a process."""
    found = _language_ids.get(language)
    if found is None:
        with _lock:
            found = _language_ids.get(language)
            if found is None:
                found = len(_languages)
                _languages.append(language)
                _language_ids[language] = found
    return found


def languages() -> list[str | None]:
    """Interned languages, by id (a snapshot)."""
    return list(_languages)


def url_key(url: str) -> int:
    """The stable last tie-breaker: 63 bits of the URL's BLAKE2b hash (same everywhere)."""
    digest = hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def signed64(value: int) -> int:
    return value - _TWO64 if value >= _TWO63 else value


def make_row(
    asset_type: str,
    hd: bool,
    votes: int | None,
    width: int | None,
    height: int | None,
    language: str | None,
    url: str,
    file_size: int | None = None,
    phash: str | None = None,
) -> bytes:
    flags = (F_HAS_SIZE if file_size is not None else 0) | (F_HAS_PHASH if phash else 0)
    return _PACK(
        TYPE_INDEX[asset_type],
        1 if hd else 0,
        votes or 0,
        width or 0,
        height or 0,
        language_id(language),
        url_key(url),
        file_size or 0,
        signed64(int(phash, 16)) if phash else 0,
        flags,
    )
