"""Writing files so that a crash or a race never leaves half a file or replaces one by surprise.

Every file hegui writes (Evidence, reports, run files, labeled media, converted lexicons) goes
through :func:`write_atomic` or :func:`publish`: the data is written to a temporary file in the
target's directory, flushed, given the mode the user's umask allows, and then moved into place in
one step. ``publish(..., replace=False)`` refuses to replace a file that appeared after the caller
checked (a hard link fails if the name exists, unlike a rename).
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from hegui.errors import HostError, InputError

__all__ = [
    "InputDigest",
    "default_mode",
    "digest_bytes",
    "digest_file",
    "publish",
    "temp_beside",
    "write_atomic",
]


class InputDigest(BaseModel):
    """A content hash of one input a check read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """File name or a label for an in-memory input."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    """Size in bytes."""


def digest_bytes(name: str, data: bytes) -> InputDigest:
    """Digest of an in-memory input."""
    return InputDigest(name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def digest_file(path: Path, *, name: str | None = None, chunk: int = 1 << 20) -> InputDigest:
    """Digest of a file, read in chunks so large inputs are never loaded whole."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
            size += len(block)
    return InputDigest(name=name or path.name, sha256=h.hexdigest(), size=size)


def _umask() -> int:
    # /proc gives the umask without changing it (os.umask is a process-wide write, racy in
    # threads); elsewhere fall back to set-and-restore.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def default_mode() -> int:
    """The mode a new regular file gets under the current umask (``0o666 & ~umask``)."""
    return 0o666 & ~_umask()


def temp_beside(target: Path, suffix: str = ".hegui-tmp") -> Path:
    """A new empty file in ``target``'s directory (so the final rename is atomic).

    Raises:
        InputError: The directory does not exist or is not a directory.
        HostError: The directory cannot be written (permission, read-only, disk full).
    """
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    except FileNotFoundError:
        raise InputError(
            f"{target.parent}: no such directory; create it or choose another output"
        ) from None
    except NotADirectoryError:
        raise InputError(f"{target.parent}: not a directory; choose another output") from None
    except OSError as exc:
        raise HostError(
            f"{target.parent}: cannot write there ({exc.strerror}); choose a directory you can "
            "write to"
        ) from None
    os.close(fd)
    return Path(name)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(tmp: Path, target: Path, *, replace: bool, durable: bool = True) -> None:
    """Move the finished temporary file ``tmp`` to ``target`` in one step.

    Args:
        tmp: A file made by :func:`temp_beside` for ``target`` (same directory).
        target: The final name.
        replace: Replace an existing ``target``. When False, a ``target`` that exists now (even
            one created after the caller checked) is left alone and ``InputError`` is raised.
        durable: fsync the file before it is moved.

    On any failure ``tmp`` is removed.
    """
    try:
        if durable:
            _fsync(tmp)
        if replace:
            tmp.replace(target)
            return
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise InputError(
                f"{target}: exists (it appeared while hegui was writing); hegui does not "
                "overwrite files, choose another output"
            ) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            # No hard links here (some network and FAT filesystems): claim the name
            # exclusively, then rename over our own placeholder.
            try:
                os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                raise InputError(f"{target}: exists; hegui does not overwrite files") from None
            tmp.replace(target)
            return
        tmp.unlink()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(
    path: Path,
    data: bytes,
    *,
    replace: bool = True,
    mode: int | None = None,
    durable: bool = True,
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory, then move it.

    A reader sees either the old file or the complete new one, never a partial write. The file
    gets ``mode`` (default: what the umask allows, as ``open()`` would give), masked to ``0o777``.

    Args:
        path: The file to write; its directory is created if missing.
        data: The complete contents.
        replace: Replace an existing file (default). False refuses, even if the file appears
            during the write.
        mode: Permission bits; default :func:`default_mode`.
        durable: fsync before the move.

    Raises:
        InputError: ``replace`` is False and ``path`` exists.
        HostError: The disk is full or the directory cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HostError(f"{path.parent}: cannot create the directory ({exc.strerror})") from None
    tmp = temp_beside(path, ".tmp")
    try:
        with tmp.open("wb") as f:
            f.write(data)
        tmp.chmod((default_mode() if mode is None else mode) & 0o777)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise HostError(f"{path}: cannot write ({exc.strerror})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    publish(tmp, path, replace=replace, durable=durable)
