"""Other traces of generation a platform can see without an implicit label (Measures Art. 6 (三)).

Art. 6 (三) speaks of "显式标识或者其他生成合成痕迹" (an explicit label or other traces of
generation). hegui looks for what can be read without models: explicit text labels in text
formats, the IPTC digital-source-type values for generated media in XMP, C2PA manifests, the
generation parameters Stable Diffusion front ends write into PNG text chunks, and label-like
values that do not parse as a GB 45438 label. Rendered labels in images, audio and video would
need OCR or speech recognition, which hegui does not do: their absence is not evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from hegui.labeling._explicit_text import check_text_label
from hegui.labeling._found import FileReport
from hegui.labeling.carriers import FileFormat

__all__ = ["Trace", "find_traces"]

_HEAD: Final = 4 << 20
_TAIL: Final = 1 << 20
# IPTC NewsCodes digital source types for generated content (https://cv.iptc.org/newscodes/
# digitalsourcetype/): written into XMP as Iptc4xmpExt:DigitalSourceType by several generators.
_IPTC: Final = (
    b"trainedAlgorithmicMedia",
    b"compositeWithTrainedAlgorithmicMedia",
    b"algorithmicMedia",
)
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
    """``explicit_text``, ``iptc_digital_source_type``, ``c2pa_manifest``,
    ``generation_parameters`` or ``nonconforming_label``."""
    detail: str


def _sample(path: Path) -> bytes:
    with path.open("rb") as f:
        size = f.seek(0, 2)
        f.seek(0)
        if size <= _HEAD + _TAIL:
            return f.read()
        head = f.read(_HEAD)
        f.seek(size - _TAIL)
        return head + f.read()


def find_traces(path: Path, fmt: FileFormat, report: FileReport) -> list[Trace]:
    """Traces of generation in ``path`` other than a valid implicit label."""
    traces = [
        Trace("nonconforming_label", f"{lab.carrier}: Label {lab.fields['Label']!r}")
        for lab in report.labels
        if lab.fields.get("Label") not in ("1", "2", "3")
    ]
    if fmt in _TEXT_FORMATS:
        from hegui.labeling.carriers._html import visible_text
        from hegui.labeling.carriers._text import decode_text, front_matter

        text = decode_text(path)
        if fmt is FileFormat.HTML:
            text = visible_text(text)
        else:
            fm = front_matter(text)
            text = "".join(fm.lines[fm.close + 1 :] if fm.close is not None else fm.lines)
        traces += [
            Trace("explicit_text", f"{m.text!r} at the {m.position.value} of the text")
            for m in check_text_label(text)
        ]
        return traces
    data = _sample(path)
    lowered = data.lower()
    for value in _IPTC:
        if b"digitalsourcetype/" + value.lower() in lowered:
            traces.append(
                Trace("iptc_digital_source_type", f"XMP DigitalSourceType {value.decode()}")
            )
            break
    if b"c2pa" in data and (b"jumb" in data or b"caBX" in data):
        traces.append(Trace("c2pa_manifest", "a C2PA manifest store (may assert AI generation)"))
    if fmt is FileFormat.PNG:
        traces += [
            Trace("generation_parameters", f"PNG text chunk {key[4:-1].decode()!r}")
            for key in _SD_KEYWORDS
            if key in data
        ]
    return traces
