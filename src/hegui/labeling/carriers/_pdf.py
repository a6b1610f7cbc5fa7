"""PDF: Info dictionary key ``/AIGC`` and, mirrored, ``TC260:AIGC`` in the catalog's XMP.

Source: ``standards.md`` §2.4 (grade C): the Info dictionary key ``/AIGC``; XMP is the guides'
general scheme, and PDF/A keeps Info and XMP in step, so hegui writes both with the same value
(one label in two synchronised slots, not a duplicate).

The write is an incremental update (ISO 32000-1 §7.5.6) through pypdf: the original bytes stay
as they are and the changed Info, catalog and metadata stream are appended, so existing
signatures' byte ranges stay intact. Encrypted PDFs are refused.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from hegui.errors import CorruptFileError, UnsupportedFormatError
from hegui.labeling._found import RawLabel
from hegui.labeling.carriers import FileFormat, carrier
from hegui.labeling.carriers._xmp import find_labels, set_label

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["PdfCarrier"]

_KEY: Final = "/AIGC"


def _open(path: Path) -> PdfReader:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise UnsupportedFormatError(f"{path}: encrypted PDF; decrypt it before labeling")
        _ = reader.trailer["/Root"]
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        raise CorruptFileError(f"{path}: corrupt or truncated PDF ({exc})") from None
    return reader


def _xmp_bytes(root: Any) -> bytes | None:
    ref = root.get("/Metadata")
    if ref is None:
        return None
    data: bytes = ref.get_object().get_data()
    return data


def _literal(value: str) -> Any:
    """A PDF literal string written as plain text, so the JSON stays greppable in the file."""
    from pypdf.generic import TextStringObject

    class Literal(TextStringObject):
        def write_to_stream(self, stream: Any, encryption_key: Any = None) -> None:
            escaped = self.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)")
            stream.write(b"(" + escaped + b")")

    return Literal(value)


@carrier
class PdfCarrier:
    """Info ``/AIGC``, mirrored in XMP."""

    format: ClassVar[FileFormat] = FileFormat.PDF
    slot: ClassVar[str] = "pdf.info"
    mirrors: ClassVar[frozenset[str]] = frozenset({"pdf.xmp"})

    def read(self, path: Path) -> list[RawLabel]:
        """The Info entry and any XMP label."""
        reader = _open(path)
        found: list[RawLabel] = []
        info = reader.trailer.get("/Info")
        info = info.get_object() if info is not None else {}
        for key, value in info.items():
            if key.upper() == _KEY:
                problems = () if key == _KEY else (f"Info key {key}; expected /AIGC",)
                found.append(RawLabel(self.slot, str(value), problems=problems))
        from pypdf.errors import PyPdfError

        try:
            packet = _xmp_bytes(reader.trailer["/Root"])
        except (PyPdfError, ValueError, KeyError, AttributeError) as exc:
            return [*found, RawLabel("pdf.xmp", "", problems=(f"unreadable XMP stream ({exc})",))]
        if packet:
            found += [
                RawLabel("pdf.xmp", h.value, problems=h.problems) for h in find_labels(packet)
            ]
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Append an incremental update with the Info entry and the XMP property."""
        from pypdf import PdfWriter
        from pypdf.errors import PyPdfError
        from pypdf.generic import (
            DecodedStreamObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            StreamObject,
        )

        _open(src)
        try:
            writer = PdfWriter(src, incremental=True)
            if writer._info is None:  # pypdf has no public accessor that creates it
                writer.add_metadata({})
            info = writer._info.get_object() if writer._info is not None else None
            if not isinstance(info, DictionaryObject):
                raise CorruptFileError(f"{src}: the Info entry is not a dictionary")
            info[NameObject(_KEY)] = _literal(value)
            root = writer.root_object
            try:
                packet = set_label(_xmp_bytes(root), value)
            except CorruptFileError as exc:
                raise CorruptFileError(f"{src}: {exc}") from None
            existing = root.get("/Metadata")
            if isinstance(existing, IndirectObject):
                # Update the stream object itself: pypdf's incremental writer can hand out an
                # object number an earlier revision's xref stream already uses.
                target = existing.get_object()
                if not isinstance(target, StreamObject):
                    raise CorruptFileError(f"{src}: the catalog's /Metadata is not a stream")
                target.set_data(packet)
            else:
                stream = DecodedStreamObject()
                stream.set_data(packet)
                stream[NameObject("/Type")] = NameObject("/Metadata")
                stream[NameObject("/Subtype")] = NameObject("/XML")
                root[NameObject("/Metadata")] = writer._add_object(stream)
            with dst.open("wb") as out:
                writer.write(out)
        except (PyPdfError, ValueError, KeyError) as exc:
            raise CorruptFileError(f"{src}: cannot update this PDF ({exc})") from None

    def essence(self, path: Path) -> str | None:
        """Every page's content streams and the data of the XObjects (images, forms) it uses."""
        reader = _open(path)
        h = hashlib.sha256()
        for page in reader.pages:
            contents = page.get_contents()
            h.update(b"page" + (contents.get_data() if contents is not None else b""))
            resources = page.get("/Resources")
            xobjects = resources.get_object().get("/XObject") if resources is not None else None
            for name, ref in sorted((xobjects.get_object() if xobjects else {}).items()):
                h.update(name.encode() + ref.get_object().get_data())
        return h.hexdigest()
