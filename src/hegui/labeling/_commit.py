"""Committing a labeled file safely: a lock beside in-place targets, a stale-input check, publish.

In place (``--in-place``), writers on the same file are serialized by an advisory lock on a
hidden file beside it (``.<name>.hegui-lock``), held from the first read to the final rename; the
commit also checks that the input did not change since it was read (another tool, or a hegui
that took no lock), and the loser fails with a conflict message instead of reporting a label
that is not in the file (label audit 2026-12). A read-only file or a symbolic link is refused in
place (``force`` replaces a read-only file; a link is never replaced by a regular file: S16).

Files are published through :func:`hegui.evidence.publish`: in place by rename, to a new output
by a hard link that fails if the name appeared after the check (S18). Modes are masked to
``0o777`` (S19).
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from hegui.errors import HostError, InputError, LabelConflictError

__all__ = ["FileState", "check_in_place", "in_place_lock"]

LOCK_TIMEOUT: Final = 120.0
"""Seconds a writer waits for another hegui process labeling the same file in place."""


@dataclass(frozen=True, slots=True)
class FileState:
    """What identifies a file's contents cheaply: device, inode, size and modification time."""

    dev: int
    ino: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileState:
        """The state of ``path`` now (following links, like every read of it)."""
        st = path.stat()
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def check_unchanged(self, path: Path) -> None:
        """Raise if ``path`` is no longer the file that was read.

        Raises:
            LabelConflictError: It was replaced, or written to, since.
        """
        try:
            now = FileState.of(path)
        except FileNotFoundError:
            now = None
        if now != self:
            raise LabelConflictError(
                f"{path}: the file changed while hegui was labeling it (another program or "
                "hegui process wrote it); nothing was written. Inspect it, then run again"
            )


def check_in_place(path: Path, *, force: bool) -> None:
    """Refuse to label ``path`` in place if it is a symbolic link, or read-only without ``force``.

    Raises:
        InputError: The reason and the fix.
    """
    if path.is_symlink():
        target = os.path.realpath(path)
        raise InputError(
            f"{path}: a symbolic link to {target}; labeling in place would replace the link by "
            "a labeled copy and leave the target unlabeled. Label the target itself"
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if (mode & 0o222 == 0 or not os.access(path, os.W_OK)) and not force:
        raise InputError(
            f"{path}: read-only (mode {mode:04o}); hegui does not replace read-only files in "
            "place. Make it writable, write a copy (--out), or replace it anyway (--force)"
        )


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.hegui-lock")


@contextmanager
def in_place_lock(path: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the lock beside ``path`` (waiting up to ``timeout`` seconds for another writer).

    Raises:
        LabelConflictError: Another process held the lock for longer than ``timeout``.
        HostError: The lock file cannot be created (read-only directory, permission).
    """
    lock = _lock_path(path)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            raise HostError(
                f"{lock}: cannot create the lock file ({exc.strerror}); labeling in place needs "
                "a writable directory"
            ) from None
        if _try_lock(fd) and _still_there(fd, lock):
            break
        os.close(fd)
        if time.monotonic() > deadline:
            raise LabelConflictError(
                f"{path}: another process has been labeling it for over {timeout:g} s (lock "
                f"{lock}); wait for it to finish, then run again"
            )
        time.sleep(0.05)
    try:
        yield
    finally:
        try:
            lock.unlink(missing_ok=True)  # while held, so no other writer is between open and lock
        finally:
            os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # not POSIX: the O_CREAT above is the best available
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _still_there(fd: int, lock: Path) -> bool:
    """The lock file we hold is still the one at ``lock`` (its holder may have removed it)."""
    try:
        st = lock.lstat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (held.st_dev, held.st_ino)
