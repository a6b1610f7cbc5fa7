"""The ``TC260:AIGC`` property inside an XMP packet: find every variant, update one property.

The general XMP scheme of the TC260 practice guides (``standards.md`` §2.4, grade B/C):
namespace ``http://www.tc260.org.cn/ns/AIGC/1.0/``, prefix ``TC260``, property ``AIGC`` holding
the JSON string; "该命名空间已有其他内容时，应按属性更新，不应整体覆盖" (update by property, never
overwrite the namespace wholesale). So an existing packet is parsed and edited in place: every other
property, prefix, attribute order and comment survives.

Variants read (each reported): the attribute form (``TC260:AIGC="…"``, equivalent RDF, accepted
as conforming); another namespace URI under any prefix (e.g. ``http://ns.adobe.com/xap/1.0/tc/``,
written by one open-source toolkit); a structured value (``rdf:Alt``/``rdf:Seq``); a packet that is
not well-formed XML (read by pattern, never rewritten).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lxml import etree

from hegui.errors import CorruptFileError
from hegui.labeling._found import RawLabel
from hegui.labeling._limits import current_limits
from hegui.labeling._model import FIELD_ORDER
from hegui.labeling._shape import looks_like_label

__all__ = [
    "NS",
    "PREFIX",
    "XmpHit",
    "exiftool_config",
    "find_labels",
    "remove_labels",
    "set_label",
    "xmp_raw",
]

NS: Final = "http://www.tc260.org.cn/ns/AIGC/1.0/"
PREFIX: Final = "TC260"
_RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_X: Final = "adobe:ns:meta/"
_DESC: Final = f"{{{_RDF}}}Description"
_ABOUT: Final = f"{{{_RDF}}}about"
_LI: Final = f"{{{_RDF}}}li"
_BEGIN: Final = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
_END: Final = '<?xpacket end="w"?>'
_NAME_BYTES: Final = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_MAX_PREFIX: Final = 64
_MAX_VALUE: Final = 64 << 10
_MAX_CANDIDATES: Final = 64
_MAX_HITS: Final = 16


def exiftool_config() -> str:
    """An exiftool ``-config`` file defining ``XMP-TC260:AIGC`` and ``Keys:AIGC``.

    exiftool reads unknown XMP namespaces but writes only the ones it knows.
    """
    from importlib.resources import files

    return (files("hegui.labeling") / "data" / "exiftool-tc260.config").read_text("utf-8")


@dataclass(frozen=True, slots=True)
class XmpHit:
    """One ``AIGC`` property (or label-shaped structure) found in a packet."""

    value: str
    problems: tuple[str, ...]
    mapping: dict[str, object] | None = None
    """The seven elements as separate properties of one description (a private schema)."""
    standard: bool = True
    """False when the label is not in an ``AIGC`` property (private schema, other name)."""


def xmp_raw(
    carrier: str, hit: XmpHit, problems: tuple[str, ...] = (), *, standard: bool = True
) -> RawLabel:
    """The :class:`RawLabel` of one hit in ``carrier`` (``standard``: is XMP the guides' place)."""
    return RawLabel(
        carrier,
        None if hit.mapping is not None else hit.value,
        mapping=hit.mapping,
        problems=problems + hit.problems,
        standard=hit.standard and standard,
    )


def _parser() -> etree.XMLParser:
    # No entity expansion or network access: packets come from untrusted files.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, remove_blank_text=False, huge_tree=False
    )


def _parse(packet: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(packet, _parser())
    except etree.XMLSyntaxError:
        return None


def _ns_problem(uri: str | None, prefix: str | None) -> tuple[str, ...]:
    if uri == NS:
        return ()
    shown = f"{prefix}:AIGC" if prefix else "AIGC"
    return (
        f"{shown} is in namespace {uri!r}; the TC260 practice guides use {NS!r} (prefix {PREFIX})",
    )


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return uri, local
    return None, tag


def find_labels(packet: bytes) -> list[XmpHit]:
    """Every ``AIGC`` property in ``packet``, in document order.

    Also found, as labels in a non-standard placement: a property of another name whose value
    is label-shaped JSON, and the seven elements written as separate properties of one
    description (a private schema; label audit 2026-12).
    """
    root = _parse(packet)
    if root is None:
        return _find_by_pattern(packet)
    hits: list[XmpHit] = []
    for el in root.iter(etree.Element):
        fields = _field_properties(el)
        if fields is not None:
            hits.append(fields)
        for name, value in el.attrib.items():
            uri, local = _local(str(name))
            prefix = next((p for p, u in el.nsmap.items() if u == uri), None)
            if local == "AIGC":
                hits.append(XmpHit(str(value), _ns_problem(uri, prefix)))
            elif looks_like_label(str(value)):
                hits.append(_elsewhere(str(value), uri, f"{prefix}:{local}" if prefix else local))
        uri, local = _local(el.tag)
        if local != "AIGC":
            if len(el) == 0 and el.text and looks_like_label(el.text):
                hits.append(
                    _elsewhere(el.text, uri, f"{el.prefix}:{local}" if el.prefix else local)
                )
            continue
        problems = _ns_problem(uri, el.prefix)
        items = [li.text or "" for li in el.iter(_LI)]
        if items:
            problems += ("value is an RDF container; Appendix E wants a simple JSON string",)
            hits.append(XmpHit(items[0], problems))
        else:
            hits.append(XmpHit(el.text or "", problems))
    return hits


def _elsewhere(value: str, uri: str | None, name: str) -> XmpHit:
    problem = (
        f"label JSON in the XMP property {name} (namespace {uri!r}); the TC260 guides put it in "
        f"{PREFIX}:AIGC of {NS!r} (non-standard placement)"
    )
    return XmpHit(value, (problem,), standard=False)


def _field_properties(el: etree._Element) -> XmpHit | None:
    """The seven elements as separate child properties or attributes of ``el``, if ≥ 3 are."""
    found: dict[str, object] = {}
    uri = None
    for name, value in el.attrib.items():
        space, local = _local(str(name))
        if local in FIELD_ORDER:
            found[local], uri = str(value), space
    for child in el.iterchildren(etree.Element):
        space, local = _local(child.tag)
        if local in FIELD_ORDER and len(child) == 0:
            found[local], uri = child.text or "", space
    if len(found) < 3:
        return None
    problem = (
        f"the elements are separate XMP properties in namespace {uri!r}; the TC260 guides put "
        f"one JSON string in {PREFIX}:AIGC of {NS!r} (non-standard placement)"
    )
    return XmpHit("", (problem,), mapping=found, standard=False)


def _find_by_pattern(packet: bytes) -> list[XmpHit]:
    """Label values in a packet that is not well-formed XML, by a bounded literal search.

    Linear in the packet: each ``AIGC`` occurrence costs a look back of at most 64 bytes, at most
    64 occurrences are examined further, each within a 64 KiB window (S1: the regex this replaces
    was quadratic on a 322-byte PNG).
    """
    problem = "the XMP packet is not well-formed XML; the value was found by pattern"
    limit = current_limits().max_xmp_fallback_bytes
    if len(packet) > limit:
        if packet.find(b"AIGC") < 0:
            return []
        return [
            XmpHit(
                "",
                (
                    f"the XMP packet is not well-formed XML and has {len(packet)} bytes, over "
                    f"the max_xmp_fallback_bytes limit ({limit}); it mentions AIGC but was not "
                    "searched",
                ),
            )
        ]
    hits: list[XmpHit] = []
    pos, candidates = 0, 0
    while len(hits) < _MAX_HITS and candidates < _MAX_CANDIDATES:
        at = packet.find(b":AIGC", pos)
        if at < 0:
            break
        pos = at + 5
        start = at
        while start > 0 and at - start < _MAX_PREFIX and packet[start - 1] in _NAME_BYTES:
            start -= 1
        prefix = packet[start:at]
        if not prefix or packet[pos : pos + 1] in _NAME_BYTES_ONE:
            continue
        candidates += 1
        found = _value_at(packet, start, prefix, pos)
        if found is None:
            continue
        raw, pos = found
        text = raw.decode("utf-8", "replace")
        text = text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
        text = text.replace("&apos;", "'").replace("&amp;", "&")
        extra = () if prefix == b"TC260" else (f"prefix {prefix.decode()!r}, namespace unknown",)
        hits.append(XmpHit(text, (problem, *extra)))
    return hits


_NAME_BYTES_ONE: Final = frozenset(bytes([b]) for b in _NAME_BYTES)


def _value_at(packet: bytes, start: int, prefix: bytes, after: int) -> tuple[bytes, int] | None:
    """The element or attribute value after ``prefix:AIGC`` (ending at ``after``), bounded."""
    if start > 0 and packet[start - 1 : start] == b"<":
        if packet[after : after + 1] != b">":
            return None
        close = b"</" + prefix + b":AIGC>"
        end = packet.find(close, after + 1, after + 1 + _MAX_VALUE + len(close))
        return None if end < 0 else (packet[after + 1 : end], end + len(close))
    k = after
    while k < len(packet) and k - after < 16 and packet[k : k + 1] in (b" ", b"\t", b"\r", b"\n"):
        k += 1
    if packet[k : k + 1] != b"=":
        return None
    k += 1
    while k < len(packet) and k - after < 32 and packet[k : k + 1] in (b" ", b"\t", b"\r", b"\n"):
        k += 1
    quote = packet[k : k + 1]
    if quote not in (b'"', b"'"):
        return None
    end = packet.find(quote, k + 1, k + 1 + _MAX_VALUE)
    return None if end < 0 else (packet[k + 1 : end], end + 1)


def _rdf_root(root: etree._Element) -> etree._Element:
    if root.tag == f"{{{_RDF}}}RDF":
        return root
    found = root.find(f".//{{{_RDF}}}RDF")
    if found is None:
        raise CorruptFileError("the existing XMP packet has no rdf:RDF element; not modified")
    return found


def set_label(packet: bytes | None, value: str) -> bytes:
    """Return ``packet`` with ``TC260:AIGC`` set to ``value``; every other property kept.

    Non-conforming ``AIGC`` variants inside the packet are removed (they are this property in a
    wrong form); a missing packet is created.

    Raises:
        CorruptFileError: The existing packet is not well-formed XML (hegui will not replace it
            wholesale).
    """
    if packet is None or not packet.strip(b" \t\r\n\x00"):
        return _new_packet(value)
    root = _parse(packet)
    if root is None:
        raise CorruptFileError(
            "the existing XMP packet is not well-formed XML; hegui updates XMP by property and "
            "will not overwrite it wholesale. Repair it with an XMP editor (e.g. exiftool) first"
        )
    rdf = _rdf_root(root)
    target: etree._Element | None = None
    for el in list(rdf.iter(etree.Element)):
        for name in list(el.attrib):
            uri, local = _local(str(name))
            if local == "AIGC" and uri != NS:
                del el.attrib[name]
        uri, local = _local(el.tag)
        if local == "AIGC" and uri != NS and el.getparent() is not None:
            _remove(el)
        elif local == "AIGC" and target is None:
            target = el
    if target is not None:
        for child in list(target):
            target.remove(child)
        target.text = value
    else:
        holder = next((d for d in rdf.iter(_DESC) if f"{{{NS}}}AIGC" in d.attrib), None)
        if holder is not None:
            holder.set(f"{{{NS}}}AIGC", value)
        else:
            about = next((d.get(_ABOUT) for d in rdf.iter(_DESC)), "") or ""
            desc = etree.SubElement(rdf, _DESC, {_ABOUT: about}, nsmap={PREFIX: NS})
            etree.SubElement(desc, f"{{{NS}}}AIGC").text = value
    return _serialize(root)


def remove_labels(packet: bytes) -> bytes | None:
    """``packet`` without any ``AIGC`` property, or None when it has none (or is not XML)."""
    root = _parse(packet)
    if root is None:
        return None
    changed = False
    for el in list(root.iter(etree.Element)):
        for name in list(el.attrib):
            if _local(str(name))[1] == "AIGC":
                del el.attrib[name]
                changed = True
        if _local(el.tag)[1] == "AIGC" and el.getparent() is not None:
            _remove(el)
            changed = True
    return _serialize(root) if changed else None


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    assert parent is not None
    prev = el.getprevious()
    # Keep the surrounding text layout: the removed element's tail goes to its predecessor.
    if el.tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail if not (prev.tail or "").strip() else prev.tail
        else:
            parent.text = parent.text if (parent.text or "").strip() else el.tail
    parent.remove(el)


def _serialize(root: etree._Element) -> bytes:
    body = etree.tostring(root, encoding="utf-8")
    head = [
        etree.tostring(pi, encoding="utf-8", with_tail=False)
        for pi in reversed(list(root.itersiblings(etree.ProcessingInstruction, preceding=True)))
    ]
    tail = [
        etree.tostring(pi, encoding="utf-8", with_tail=False)
        for pi in root.itersiblings(etree.ProcessingInstruction)
    ]
    return b"\n".join([*head, body, *tail])


def _new_packet(value: str) -> bytes:
    rdf = etree.Element(f"{{{_RDF}}}RDF", nsmap={"rdf": _RDF})
    desc = etree.SubElement(rdf, _DESC, {_ABOUT: ""}, nsmap={PREFIX: NS})
    etree.SubElement(desc, f"{{{NS}}}AIGC").text = value
    meta = etree.Element(f"{{{_X}}}xmpmeta", nsmap={"x": _X})
    meta.append(rdf)
    return (
        (_BEGIN + "\n").encode() + etree.tostring(meta, encoding="utf-8") + ("\n" + _END).encode()
    )
