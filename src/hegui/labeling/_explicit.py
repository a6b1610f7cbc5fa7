"""Explicit labels by modality: pick the labeler for a file's format and record what it did.

Measures Art. 4 ¶2: files users can download, copy or export must themselves carry the explicit
label, which is why hegui puts it into the file. PDF and OOXML documents have no explicit labeler
here (add the wording when authoring the document).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import JsonValue

from hegui.errors import InputError, UnsupportedFormatError
from hegui.labeling._explicit_audio import CuePosition, RhythmCue, label_audio_file
from hegui.labeling._explicit_image import (
    DEFAULT_IMAGE_WORDING,
    ImagePosition,
    check_pixels,
    image_size,
    label_image_file,
)
from hegui.labeling._explicit_text import (
    DEFAULT_TEXT_WORDING,
    TextPosition,
    add_text_label,
    check_text_label,
)
from hegui.labeling._explicit_video import label_video_file
from hegui.labeling._font import find_cjk_font
from hegui.labeling.carriers import FileFormat
from hegui.labeling.carriers._html import insert_body_text, visible_text
from hegui.labeling.carriers._text import decode_text, front_matter

__all__ = ["ExplicitOptions", "ExplicitResult", "add_explicit"]

_EDITION = "GB 45438-2025"


@lru_cache(maxsize=1)
def _figures() -> tuple[float, float, float]:
    """Image text height ratio, video text height ratio, video seconds (kb thresholds)."""
    from hegui.kb import load_kb

    kb = load_kb()
    return (
        kb.threshold("label.image.text_height", _EDITION).value,
        kb.threshold("label.video.text_height", _EDITION).value,
        kb.threshold("label.video.duration", _EDITION).value,
    )


@dataclass(frozen=True, slots=True)
class ExplicitOptions:
    """How to draw explicit labels; positions are options (images: an edge or corner, §5.2)."""

    wording: str | None = None
    """Label text; default 本内容由人工智能生成 for text, AI生成 for images and video."""
    text_position: TextPosition = TextPosition.END
    image_position: ImagePosition = ImagePosition.BOTTOM_RIGHT
    video_position: ImagePosition = ImagePosition.TOP_LEFT
    video_seconds: float | None = None
    """Seconds from the first frame; default and minimum: the kb figure (2 s)."""
    audio_position: CuePosition = CuePosition.START
    rhythm: RhythmCue = field(default_factory=RhythmCue)
    voice: Path | None = None
    """A recorded voice cue (WAV) to mix in instead of the rhythm cue."""
    font: Path | None = None


@dataclass(frozen=True, slots=True)
class ExplicitResult:
    """What the explicit labeler did, for the summary and the evidence."""

    modality: str
    details: dict[str, JsonValue]


def _text_file(src: Path, dst: Path, fmt: FileFormat, o: ExplicitOptions) -> ExplicitResult:
    wording = o.wording or DEFAULT_TEXT_WORDING
    text = decode_text(src)
    if fmt is FileFormat.HTML:
        existing = check_text_label(visible_text(text))
        out = text if existing else insert_body_text(text, wording, o.text_position)
    else:
        fm = front_matter(text)
        head_end = fm.close + 1 if fm.close is not None else 0
        head, body = "".join(fm.lines[:head_end]), "".join(fm.lines[head_end:])
        existing = check_text_label(body)
        out = (
            text
            if existing
            else head + add_text_label(body, position=o.text_position, wording=wording)
        )
    dst.write_bytes(out.encode("utf-8"))
    if existing:
        found = [{"text": m.text, "position": m.position.value} for m in existing]
        return ExplicitResult("text", {"added": False, "existing": found})  # type: ignore[dict-item]
    return ExplicitResult(
        "text", {"added": True, "wording": wording, "position": o.text_position.value}
    )


def add_explicit(src: Path, dst: Path, fmt: FileFormat, options: ExplicitOptions) -> ExplicitResult:
    """Write ``src`` with its explicit label to ``dst`` (a new file with the same suffix)."""
    image_ratio, video_ratio, video_min = _figures()
    seconds = options.video_seconds if options.video_seconds is not None else video_min
    if seconds < video_min:
        raise InputError(f"--seconds {seconds:g}: GB 45438 §5.4 wants at least {video_min:g} s")
    if fmt in (FileFormat.MARKDOWN, FileFormat.TEXT, FileFormat.HTML):
        return _text_file(src, dst, fmt, options)
    if fmt in (FileFormat.JPEG, FileFormat.PNG, FileFormat.WEBP):
        check_pixels(src, *image_size(src))  # before anything else is loaded
        font = find_cjk_font(options.font)
        wording = options.wording or DEFAULT_IMAGE_WORDING
        g = label_image_file(
            src, dst, font, wording=wording, position=options.image_position, min_ratio=image_ratio
        )
        return ExplicitResult(
            "image",
            {
                "wording": wording,
                "position": options.image_position.value,
                "edges": list(g.edges),
                "text_height_px": g.text_height,
                "shortest_side_px": g.shortest_side,
                "ratio": round(g.ratio, 4),
                "required_ratio": image_ratio,
                "font": f"{font.family} ({font.licence})",
            },
        )
    if fmt in (FileFormat.WAV, FileFormat.MP3, FileFormat.FLAC, FileFormat.OGG) or (
        fmt is FileFormat.MP4 and _audio_only(src)
    ):
        seconds = label_audio_file(
            src,
            dst,
            native_wav=fmt is FileFormat.WAV,
            position=options.audio_position,
            rhythm=options.rhythm,
            voice=options.voice,
        )
        cue = "voice" if options.voice else "rhythm 短长短短 (.-..)"
        return ExplicitResult(
            "audio",
            {
                "cue": cue,
                "position": options.audio_position.value,
                "cue_seconds": round(seconds, 3),
            },
        )
    if fmt is FileFormat.MP4:
        font = find_cjk_font(options.font)
        wording = options.wording or DEFAULT_IMAGE_WORDING
        v = label_video_file(
            src,
            dst,
            font,
            wording=wording,
            position=options.video_position,
            seconds=seconds,
            min_ratio=video_ratio,
        )
        details: dict[str, JsonValue] = {
            "wording": wording,
            "seconds": v.seconds,
            "text_height_px": v.text_height,
            "shortest_side_px": v.shortest_side,
            "required_ratio": video_ratio,
            "font": f"{font.family} ({font.licence})",
        }
        if v.seconds < seconds:
            details["note"] = f"the video is {v.video_seconds:g} s long; labeled throughout"
        return ExplicitResult("video", details)
    raise UnsupportedFormatError(
        f"{src}: hegui has no explicit labeler for {fmt.value}; add the wording "
        f"({DEFAULT_TEXT_WORDING}) when authoring the document"
    )


def _audio_only(path: Path) -> bool:
    from hegui.labeling._ffmpeg import probe

    return probe(path).width is None
