"""The boundary where hegui parses an untrusted file: parser failures become bad input.

Parsers of untrusted bytes (pypdf, mutagen, zipfile, zlib, lxml, Pillow, and hegui's own carriers)
signal a malformed file with all kinds of exceptions: ``zipfile.BadZipFile``, ``zlib.error``,
``struct.error``, pypdf's ``LimitReachedError``, an ``IndexError`` deep inside mutagen. Outside this
boundary each would read as "internal error … a bug in hegui". Inside it, they are reported as
:class:`~hegui.errors.CorruptFileError` (exit code 2) naming the file and what failed; the
machine's refusals (permission, disk full) become :class:`~hegui.errors.HostError` (exit code 3).
Generic exceptions (``IndexError``, ``KeyError`` …) count as a malformed file only when they come
from a parser's own code, so a bug elsewhere in hegui still shows as one.

Warnings raised while parsing (pypdf's "Object … not defined" and the like, through ``warnings``
or the ``pypdf`` logger) are collected as notes instead of reaching stderr raw; Pillow's
``DecompressionBombWarning`` is an error (S13).
"""

from __future__ import annotations

import errno
import logging
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from hegui.errors import CorruptFileError, HeguiError, HostError

__all__ = ["untrusted"]

_PARSERS: Final = (
    "mutagen",
    "pypdf",
    "PIL",
    "zipfile",
    "lxml",
    "xml",
    "json",
    "yaml",
    "html",
    "hegui.labeling.carriers",
)
_GENERIC: Final = (
    IndexError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    OverflowError,
    NotImplementedError,
    AssertionError,
)
_HOST_ERRNOS: Final = frozenset(
    {errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO, errno.EMFILE}
)
_MAX_NOTES: Final = 5


def _always_corrupt() -> tuple[type[BaseException], ...]:
    kinds: list[type[BaseException]] = [
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        struct.error,
        EOFError,
        UnicodeDecodeError,
        RecursionError,
    ]
    for module, name in (
        ("mutagen", "MutagenError"),
        ("pypdf.errors", "PyPdfError"),
        ("PIL.Image", "DecompressionBombError"),
        ("PIL.Image", "DecompressionBombWarning"),
        ("PIL", "UnidentifiedImageError"),
        ("lxml.etree", "LxmlError"),
        ("yaml", "YAMLError"),
    ):
        try:
            kinds.append(getattr(__import__(module, fromlist=[name]), name))
        except (ImportError, AttributeError):
            continue
    return tuple(kinds)


def _from_parser(exc: BaseException) -> bool:
    tb = exc.__traceback__
    module = ""
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        tb = tb.tb_next
    return module.startswith(_PARSERS)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _Collect(logging.Handler):
    def __init__(self, notes: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.notes = notes

    def emit(self, record: logging.LogRecord) -> None:
        self.notes.append(f"PDF parser: {record.getMessage()[:200]}")


@contextmanager
def _pypdf_quiet(notes: list[str]) -> Iterator[None]:
    logger = logging.getLogger("pypdf")
    handler = _Collect(notes)
    old = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = old


@contextmanager
def untrusted(path: Path, action: str = "read") -> Iterator[list[str]]:
    """Parse ``path`` inside this block; yields a list that collects parser notes.

    Raises:
        CorruptFileError: A parser failed on malformed data (exit code 2).
        HostError: The machine refused (permission, disk full: exit code 3).
    """
    notes: list[str] = []
    try:
        from PIL.Image import DecompressionBombWarning

        bomb: type[Warning] | None = DecompressionBombWarning
    except ImportError:
        bomb = None
    with warnings.catch_warnings(record=True) as caught, _pypdf_quiet(notes):
        warnings.simplefilter("always")
        if bomb is not None:
            warnings.simplefilter("error", bomb)
        try:
            yield notes
        except HeguiError:
            raise
        except MemoryError:
            raise CorruptFileError(
                f"{path}: parsing it ran out of memory; the file is malformed or far larger than "
                "hegui's limits (see SECURITY.md)"
            ) from None
        except OSError as exc:
            if exc.errno in _HOST_ERRNOS:
                where = exc.filename or path
                raise HostError(f"{where}: cannot {action} it ({exc.strerror})") from None
            if exc.errno is None or _from_parser(exc):
                raise CorruptFileError(
                    f"{path}: cannot {action} it: {_describe(exc)}; the file is malformed"
                ) from None
            raise
        except _always_corrupt() as exc:
            raise CorruptFileError(
                f"{path}: cannot {action} it: {_describe(exc)}; the file is malformed or damaged"
            ) from None
        except _GENERIC as exc:
            if not _from_parser(exc):
                raise
            raise CorruptFileError(
                f"{path}: cannot {action} it: {_describe(exc)} in the parser; the file is "
                "malformed (if other programs read it fine, please report this to hegui)"
            ) from None
        finally:
            for w in caught:
                notes.append(f"{w.category.__name__}: {str(w.message)[:200]}")
            del notes[_MAX_NOTES:]
