"""DOCX, XLSX, PPTX: custom property ``AIGC`` in ``docProps/custom.xml`` (``vt:lpwstr``).

Source: ``standards.md`` §2.4 (grade C), per TC260-PG-20258A. Every other part of the package is
copied entry by entry (deflate is lossless, so media parts come out byte-identical when
decompressed); ``custom.xml`` is edited property by property, and created, with its content-type
override and package relationship, when missing (ECMA-376 Part 2 §10, Part 1 §22.3).
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import zipfile
from pathlib import Path
from typing import ClassVar, Final

from lxml import etree

from hegui.errors import CorruptFileError
from hegui.labeling._found import RawLabel
from hegui.labeling._limits import current_limits
from hegui.labeling.carriers import FileFormat, carrier
from hegui.labeling.carriers._io import CHUNK
from hegui.labeling.carriers._zip import open_package

__all__ = ["DocxCarrier", "PptxCarrier", "XlsxCarrier"]

CUSTOM: Final = "docProps/custom.xml"
_TYPES: Final = "[Content_Types].xml"
_RELS: Final = "_rels/.rels"
_CP: Final = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT: Final = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CT: Final = "http://schemas.openxmlformats.org/package/2006/content-types"
_PR: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL_TYPE: Final = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_MIME: Final = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_FMTID: Final = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _read_part(z: zipfile.ZipFile, name: str, path: Path) -> bytes | None:
    try:
        info = z.getinfo(name)
    except KeyError:
        return None
    cap = current_limits().max_metadata_bytes
    if info.file_size > cap:
        raise CorruptFileError(
            f"{path}: part {name} has {info.file_size} bytes, over the max_metadata_bytes limit "
            f"({cap})"
        )
    return z.read(info)


def _open(path: Path) -> zipfile.ZipFile:
    return open_package(path)


def _xml(data: bytes, name: str, path: Path) -> etree._Element:
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CorruptFileError(f"{path}: {name} is not well-formed XML ({exc})") from None


def _custom_labels(root: etree._Element, slot: str) -> list[RawLabel]:
    found = []
    for prop in root.iter(f"{{{_CP}}}property"):
        name = prop.get("name") or ""
        if name.upper() != "AIGC":
            continue
        problems: tuple[str, ...] = (
            () if name == "AIGC" else (f"property {name!r}; expected 'AIGC'",)
        )
        value = next(iter(prop), None)
        if value is None:
            found.append(RawLabel(slot, "", problems=(*problems, "property has no value")))
            continue
        kind = etree.QName(value).localname
        if kind != "lpwstr":
            problems += (f"value type vt:{kind}; TC260-PG-20258A uses vt:lpwstr",)
        found.append(RawLabel(slot, value.text or "", problems=problems))
    return found


def _set_custom(data: bytes | None, value: str, path: Path) -> bytes:
    if data is None:
        root = etree.Element(f"{{{_CP}}}Properties", nsmap={None: _CP, "vt": _VT})  # type: ignore[dict-item]  # lxml takes None for the default namespace
    else:
        root = _xml(data, CUSTOM, path)
    props = list(root.iter(f"{{{_CP}}}property"))
    target = next((p for p in props if (p.get("name") or "").upper() == "AIGC"), None)
    if target is None:
        pids = [int(p.get("pid", "1")) for p in props if (p.get("pid") or "").isdigit()]
        # pid 0 and 1 are reserved; custom properties start at 2 (MS-OLEPS).
        target = etree.SubElement(
            root, f"{{{_CP}}}property", fmtid=_FMTID, pid=str(max([1, *pids]) + 1), name="AIGC"
        )
    target.set("name", "AIGC")
    for child in list(target):
        target.remove(child)
    etree.SubElement(target, f"{{{_VT}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_override(data: bytes, path: Path) -> bytes:
    root = _xml(data, _TYPES, path)
    if not any(o.get("PartName") == "/" + CUSTOM for o in root.iter(f"{{{_CT}}}Override")):
        etree.SubElement(root, f"{{{_CT}}}Override", PartName="/" + CUSTOM, ContentType=_MIME)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_relationship(data: bytes, path: Path) -> bytes:
    root = _xml(data, _RELS, path)
    rels = list(root.iter(f"{{{_PR}}}Relationship"))
    if not any(r.get("Type") == _REL_TYPE for r in rels):
        ids = {r.get("Id") for r in rels}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        etree.SubElement(
            root, f"{{{_PR}}}Relationship", Id=f"rId{n}", Type=_REL_TYPE, Target=CUSTOM
        )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _OoxmlCarrier:
    slot: ClassVar[str]

    def read(self, path: Path) -> list[RawLabel]:
        """The ``AIGC`` custom property."""
        with _open(path) as z:
            data = _read_part(z, CUSTOM, path)
        return [] if data is None else _custom_labels(_xml(data, CUSTOM, path), self.slot)

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Rewrite the package with the property set; every other entry copied."""
        with _open(src) as z:
            bad = z.testzip()
            if bad is not None:
                raise CorruptFileError(f"{src}: corrupt ZIP entry {bad!r} (CRC mismatch)")
            old = _read_part(z, CUSTOM, src)
            changed = {CUSTOM: _set_custom(old, value, src)}
            if old is None:
                types, rels = _read_part(z, _TYPES, src), _read_part(z, _RELS, src)
                if types is None or rels is None:
                    raise CorruptFileError(
                        f"{src}: not an OOXML package ({_TYPES} or {_RELS} missing)"
                    )
                changed[_TYPES] = _add_override(types, src)
                changed[_RELS] = _add_relationship(rels, src)
            with zipfile.ZipFile(dst, "w") as out:
                for info in z.infolist():
                    copy = zipfile.ZipInfo(info.filename, info.date_time)
                    copy.compress_type = info.compress_type
                    copy.external_attr, copy.create_system = info.external_attr, info.create_system
                    copy.comment = info.comment
                    if info.filename in changed:
                        out.writestr(copy, changed.pop(info.filename))
                        continue
                    with (
                        z.open(info) as part,
                        out.open(copy, "w", force_zip64=info.file_size > 1 << 31) as sink,
                    ):
                        shutil.copyfileobj(part, sink, CHUNK)
                for name, data in changed.items():
                    out.writestr(
                        zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
                    )
                out.comment = z.comment

    def essence(self, path: Path) -> str | None:
        """``<format>/2``: name, size and content of every part but ``docProps/custom.xml``.

        ``[Content_Types].xml`` and ``_rels/.rels`` are hashed in canonical XML (C14N) after
        removing only the custom-properties override and relationship that :meth:`write` adds,
        so a main document moved into ``docProps/`` or a repointed relationship changes the
        digest (security review S2).
        """
        h = hashlib.sha256()
        with _open(path) as z:
            for info in sorted(z.infolist(), key=lambda i: i.filename):
                name = info.filename
                if name == CUSTOM:
                    continue
                h.update(name.encode() + b"\x00")
                if name in (_TYPES, _RELS):
                    canonical = _canonical(_read_part(z, name, path) or b"", name, path)
                    h.update(struct.pack(">Q", len(canonical)) + canonical)
                    continue
                h.update(struct.pack(">Q", info.file_size))
                with z.open(info) as part:
                    while block := part.read(CHUNK):
                        h.update(block)
        return h.hexdigest()


def _canonical(data: bytes, name: str, path: Path) -> bytes:
    root = _xml(data, name, path)
    for el in list(root):
        custom = (el.tag == f"{{{_CT}}}Override" and el.get("PartName") == "/" + CUSTOM) or (
            el.tag == f"{{{_PR}}}Relationship"
            and el.get("Type") == _REL_TYPE
            and (el.get("Target") or "").lstrip("/") == CUSTOM
        )
        if custom:
            _drop(el)
    return etree.tostring(root, method="c14n")


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    assert parent is not None
    prev = el.getprevious()
    if el.tail and prev is not None:
        prev.tail = (prev.tail or "") + el.tail
    elif el.tail:
        parent.text = (parent.text or "") + el.tail
    parent.remove(el)


@carrier("hegui/docx")
class DocxCarrier(_OoxmlCarrier):
    """Word documents."""

    format: ClassVar[FileFormat] = FileFormat.DOCX
    slot: ClassVar[str] = "docx.custom_xml"
    digest_version: ClassVar[int] = 2


@carrier("hegui/xlsx")
class XlsxCarrier(_OoxmlCarrier):
    """Excel workbooks."""

    format: ClassVar[FileFormat] = FileFormat.XLSX
    slot: ClassVar[str] = "xlsx.custom_xml"
    digest_version: ClassVar[int] = 2


@carrier("hegui/pptx")
class PptxCarrier(_OoxmlCarrier):
    """PowerPoint presentations."""

    format: ClassVar[FileFormat] = FileFormat.PPTX
    slot: ClassVar[str] = "pptx.custom_xml"
    digest_version: ClassVar[int] = 2
