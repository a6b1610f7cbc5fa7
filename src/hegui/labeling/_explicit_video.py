"""Explicit video labels: label text over the opening frames, through ffmpeg ``drawtext``.

GB 45438-2025 §5.4 (``standards.md`` §2.2, grade B; kb thresholds
``gb45438.label.video.duration`` and ``gb45438.label.video.text_height``, confidence S): on the
opening frames, at least 2 s at normal playback speed, text height at least 5 % of the frame's
shortest side; end and middle placements are optional. The position on the frame is not fixed in
hegui's reference (UNCONFIRMED), so it is an option.

The font size is found with Pillow on the same face ffmpeg draws with (both size glyphs in pixels
per em through FreeType), so the rendered ink height meets the figure. Video is re-encoded with
libx264 (CRF 18); audio and other streams are copied, metadata kept.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hegui.errors import InputError
from hegui.labeling._explicit_image import ImagePosition, _bbox, check_pixels, fit_font_size
from hegui.labeling._explicit_text import check_wording
from hegui.labeling._ffmpeg import probe, run_ffmpeg
from hegui.labeling._font import CjkFont

__all__ = ["VideoLabelInfo", "label_video_file"]


@dataclass(frozen=True, slots=True)
class VideoLabelInfo:
    """What was drawn, for evidence."""

    seconds: float
    """How long the label is shown from the first frame."""
    text_height: int
    shortest_side: int
    font_size: int
    video_seconds: float


def _xy(position: ImagePosition, pad: int) -> tuple[str, str]:
    side = position.value.split("-")[-1]
    x = {"left": f"{2 * pad}", "right": f"w-text_w-{2 * pad}"}.get(side, "(w-text_w)/2")
    y = f"{2 * pad}" if position.value.startswith("top") else f"h-text_h-{2 * pad}"
    return x, y


def label_video_file(
    src: Path,
    dst: Path,
    font: CjkFont,
    *,
    wording: str,
    position: ImagePosition = ImagePosition.TOP_LEFT,
    seconds: float = 2.0,
    min_ratio: float = 0.05,
) -> VideoLabelInfo:
    """Draw ``wording`` on the first ``seconds`` of ``src`` and write ``dst``."""
    check_wording(wording)
    info = probe(src)
    if info.width is None or info.height is None:
        raise InputError(f"{src}: no video stream; use an audio cue for audio-only files")
    check_pixels(src, info.width, info.height, "frame")
    shortest = min(info.width, info.height)
    target = max(1, math.ceil(min_ratio * shortest))
    # One pixel of margin: ffmpeg's rasteriser may round glyph edges differently from Pillow's.
    size, height = fit_font_size(font, wording, target + 1)
    left, top, right, bottom = _bbox(font.at(size), wording)
    pad = max(2, round(0.25 * (bottom - top)))
    if right - left + 4 * pad > info.width:
        raise InputError(
            f"{src}: label {wording!r} is {right - left} px wide at the required height; the frame "
            f"is {info.width} px wide. Use shorter wording such as 'AI生成'"
        )
    shown = min(seconds, info.duration) if info.duration else seconds
    x, y = _xy(position, pad)
    with tempfile.TemporaryDirectory(prefix="hegui-video-") as tmp:
        text = Path(tmp) / "label.txt"
        text.write_text(wording, encoding="utf-8")
        # Link the font under a plain name: filter-graph option values cannot hold ':' or quotes.
        link = Path(tmp) / ("font" + font.path.suffix)
        link.symlink_to(font.path.resolve())
        face = f"fontfile={link}" if font.index == 0 else f"font='{font.family}'"
        drawtext = (
            f"drawtext={face}:textfile={text}:fontsize={size}:fontcolor=white:"
            f"box=1:boxcolor=black@0.6:boxborderw={pad}:x={x}:y={y}:"
            f"enable='lte(t,{seconds:.3f})'"
        )
        run_ffmpeg(
            # The main video stream (no cover art) and all audio; metadata kept.
            [
                "-i",
                str(src),
                "-map",
                "0:V:0",
                "-map",
                "0:a?",
                "-vf",
                drawtext,
                "-c:v",
                "libx264",
                "-crf",
                "18",
                "-preset",
                "veryfast",
                "-c:a",
                "copy",
                "-map_metadata",
                "0",
                str(dst),
            ],
            src,
        )
    return VideoLabelInfo(shown, height, shortest, size, info.duration)
