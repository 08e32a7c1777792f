"""What an export tells the caller when the operating system refuses a write.

A full disk or quota is :class:`InsufficientStorage` (507); a read-only file system or a
denied permission is :class:`Forbidden` (403); any other refusal (a name too long, a
path through a file, a folder that cannot be created) is :class:`InvalidRequest` (422).
Each names the field and the system's reason, never a traceback.
"""

from __future__ import annotations

import errno

from curata.errors import CurataError, Forbidden, InsufficientStorage, InvalidRequest

NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})
DENIED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def export_error(exc: OSError, field: str = "export_path") -> CurataError:
    """The curata error for an ``OSError`` raised while writing an export."""
    reason = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in NO_SPACE:
        return InsufficientStorage(
            f"cannot write the export: {reason}{where}; nothing was kept", field=field
        )
    if exc.errno in DENIED:
        return Forbidden(f"cannot write the export: {reason}{where}", field=field)
    return InvalidRequest(f"cannot write the export: {reason}{where}", field=field)
