"""Other traces of generation a platform can see without an implicit label (Measures Art. 6 (三)).

Art. 6 (三) speaks of "显式标识或者其他生成合成痕迹" (an explicit label or other traces of
generation). hegui looks for what can be read without models, in one bounded streamed pass over
the file (the first ``max_trace_bytes``):

* label-like data in a placement no carrier knows: the TC260 namespace URI, an ``AIGC{`` prefix,
  or a JSON key ``"ContentProducer"`` (UTF-8 or UTF-16), each with its byte offset, so an
  unknown placement becomes "suspected", never "none" (label audit 2026-12);
* the IPTC digital-source-type values for generated media, C2PA manifests, and the generation
  parameters Stable Diffusion front ends write into PNG text chunks;
* explicit text labels in text formats, and label-like values that do not parse as a label.

Compressed data (deflated ZIP parts, zTXt chunks) is not inflated for this scan. Rendered labels
in images, audio and video would need OCR or speech recognition, which hegui does not do: their
absence is not evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from hegui.labeling._explicit_text import check_text_label
from hegui.labeling._found import FileReport
from hegui.labeling._limits import current_limits
from hegui.labeling.carriers import FileFormat

__all__ = ["Trace", "find_traces", "scan"]

_BLOCK: Final = 1 << 20
_LABEL_NEEDLES: Final = {
    b"http://www.tc260.org.cn/ns/AIGC": "the TC260 XMP namespace URI",
    b"AIGC{": "an 'AIGC{' label prefix",
    b'"ContentProducer"': 'a JSON key "ContentProducer"',
    '"ContentProducer"'.encode("utf-16-le"): 'a UTF-16 JSON key "ContentProducer"',
}
# IPTC NewsCodes digital source types for generated content (https://cv.iptc.org/newscodes/
# digitalsourcetype/): written into XMP as Iptc4xmpExt:DigitalSourceType by several generators.
_IPTC: Final = (
    b"digitalsourcetype/trainedAlgorithmicMedia",
    b"digitalsourcetype/compositeWithTrainedAlgorithmicMedia",
    b"digitalsourcetype/algorithmicMedia",
)
_C2PA: Final = (b"c2pa", b"jumb", b"caBX")
_SD_KEYWORDS: Final = (
    b"tEXtparameters\x00",
    b"tEXtprompt\x00",
    b"tEXtworkflow\x00",
    b"iTXtparameters\x00",
)
_TEXT_FORMATS: Final = frozenset({FileFormat.MARKDOWN, FileFormat.TEXT, FileFormat.HTML})


@dataclass(frozen=True, slots=True)
class Trace:
    """One trace found, with where it was seen."""

    kind: str
    """``label_data``, ``explicit_text``, ``iptc_digital_source_type``, ``c2pa_manifest``,
    ``generation_parameters`` or ``nonconforming_label``."""
    detail: str
    offset: int | None = None
    """Byte offset in the file, when the trace is a byte pattern."""


def scan(path: Path, needles: tuple[bytes, ...], limit: int) -> tuple[dict[bytes, int], bool]:
    """First offset of each needle in the first ``limit`` bytes of ``path``, in one pass.

    Returns:
        The offsets found, and whether the file was longer than ``limit`` (not all scanned).
    """
    found: dict[bytes, int] = {}
    overlap = max(len(n) for n in needles) - 1
    carry, base = b"", 0
    with path.open("rb") as f:
        while base < limit:
            block = f.read(min(_BLOCK, limit - base))
            if not block:
                return found, False
            window = carry + block
            start = base - len(carry)
            for needle in needles:
                if needle not in found and (at := window.find(needle)) >= 0:
                    found[needle] = start + at
            carry = window[-overlap:] if overlap else b""
            base += len(block)
        return found, bool(f.read(1))


def find_traces(path: Path, fmt: FileFormat, report: FileReport) -> list[Trace]:
    """Traces of generation in ``path`` other than a valid implicit label."""
    traces = [
        Trace("nonconforming_label", f"{lab.carrier}: Label {lab.fields['Label']!r}")
        for lab in report.labels
        if lab.fields.get("Label") not in ("1", "2", "3")
    ]
    limit = current_limits().max_trace_bytes
    needles = (*_LABEL_NEEDLES, *_IPTC, *_C2PA, *_SD_KEYWORDS)
    found, _ = scan(path, needles, limit)
    if not report.labels:
        for needle, what in _LABEL_NEEDLES.items():
            if needle in found:
                at = found[needle]
                detail = f"{what} at byte {at}, in a placement hegui does not read"
                traces.append(Trace("label_data", detail, at))
    iptc = next((n for n in _IPTC if n in found), None)
    if iptc is not None:
        value = iptc.rsplit(b"/", 1)[1].decode()
        traces.append(
            Trace("iptc_digital_source_type", f"XMP DigitalSourceType {value}", found[iptc])
        )
    if b"c2pa" in found and (b"jumb" in found or b"caBX" in found):
        detail = "a C2PA manifest store (may assert AI generation)"
        traces.append(Trace("c2pa_manifest", detail, found[b"c2pa"]))
    if fmt is FileFormat.PNG:
        traces += [
            Trace("generation_parameters", f"PNG text chunk {key[4:-1].decode()!r}", found[key])
            for key in _SD_KEYWORDS
            if key in found
        ]
    if fmt in _TEXT_FORMATS:
        traces += _text_traces(path, fmt)
    return traces


def _text_traces(path: Path, fmt: FileFormat) -> list[Trace]:
    from hegui.labeling.carriers._html import visible_text
    from hegui.labeling.carriers._text import decode_text, front_matter

    text = decode_text(path)
    if fmt is FileFormat.HTML:
        text = visible_text(text)
    else:
        fm = front_matter(text)
        text = "".join(fm.lines[fm.close + 1 :] if fm.close is not None else fm.lines)
    return [
        Trace("explicit_text", f"{m.text!r} at the {m.position.value} of the text")
        for m in check_text_label(text)
    ]
