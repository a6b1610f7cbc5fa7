"""Explicit image labels: label text drawn into the picture.

GB 45438-2025 §5.2 (``standards-verification-2026-12.md`` item 28, grade B, quoted from the
TC260-hosted PDF; kb threshold ``gb45438.label.image.text_height``, confidence S): a text prompt
whose height is at least 5 % of the image's shortest side, "应位于图片的边或角" (at an edge or a
corner of the image). The position is an option limited to the four corners and the top and
bottom edges (default: the bottom-right corner); what was drawn is checked to touch an edge.
"Text height" is measured as the ink height of the label text as rendered (the tallest glyph's
top to the lowest glyph's bottom), which is what a reader sees; the font size is raised until
that height meets the figure.

Drawing changes pixels, so the image is re-encoded (JPEG at quality 95, WebP lossless when the
source is lossless); EXIF, ICC profile, XMP and PNG text chunks are carried over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hegui.errors import CorruptFileError, InputError
from hegui.labeling._explicit_text import check_wording
from hegui.labeling._font import CjkFont
from hegui.labeling._limits import current_limits

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "ImageLabelGeometry",
    "ImagePosition",
    "check_pixels",
    "draw_image_label",
    "edges_of",
    "image_size",
    "label_image_file",
    "parse_image_position",
]

DEFAULT_IMAGE_WORDING = "AI生成"


class ImagePosition(StrEnum):
    """Where the label goes: an edge or a corner, as GB 45438 §5.2 wants (应位于图片的边或角)."""

    TOP_LEFT = "top-left"
    TOP_RIGHT = "top-right"
    BOTTOM_LEFT = "bottom-left"
    BOTTOM_RIGHT = "bottom-right"
    TOP = "top"
    BOTTOM = "bottom"


@dataclass(frozen=True, slots=True)
class ImageLabelGeometry:
    """What was drawn, for evidence: sizes in pixels."""

    text_height: int
    """Ink height of the rendered label text (rows at least half covered)."""
    shortest_side: int
    font_size: int
    box: tuple[int, int, int, int]
    """Band drawn behind the text: left, top, right, bottom."""
    edges: tuple[str, ...] = ()
    """The image edges the band sits at (``top``, ``bottom``, ``left``, ``right``)."""

    @property
    def ratio(self) -> float:
        """Text height over the shortest side."""
        return self.text_height / self.shortest_side


def _bbox(face: Any, text: str) -> tuple[int, int, int, int]:
    left, top, right, bottom = face.getbbox(text)
    return math.floor(left), math.floor(top), math.ceil(right), math.ceil(bottom)


def ink_height(face: Any, text: str) -> int:
    """Height of the rows where the rendered text covers at least half a pixel.

    The layout box also counts faint anti-aliased rows, which a reader does not see as text.
    """
    from PIL import Image, ImageDraw

    left, top, right, bottom = _bbox(face, text)
    canvas = Image.new("L", (right - left + 2, bottom - top + 2))
    ImageDraw.Draw(canvas).text((1 - left, 1 - top), text, font=face, fill=255)
    box = canvas.point(lambda v: 255 if v >= 128 else 0).getbbox()
    return 0 if box is None else box[3] - box[1]


def fit_font_size(font: CjkFont, text: str, target: int) -> tuple[int, int]:
    """The smallest pixel size whose ink height is at least ``target``, and that height."""
    size = target
    height = ink_height(font.at(size), text)
    while height < target:
        size += max(1, target - height)
        height = ink_height(font.at(size), text)
    return size, height


def parse_image_position(value: str) -> ImagePosition:
    """``value`` as an :class:`ImagePosition`.

    Raises:
        InputError: Not an edge or a corner (GB 45438 §5.2).
    """
    try:
        return ImagePosition(value)
    except ValueError:
        allowed = ", ".join(p.value for p in ImagePosition)
        raise InputError(
            f"image label position {value!r}: GB 45438 §5.2 puts the label at an edge or a corner "
            f"of the image (应位于图片的边或角); choose one of {allowed}"
        ) from None


def edges_of(box: tuple[int, int, int, int], w: int, h: int, margin: int) -> tuple[str, ...]:
    """The image edges within ``margin`` pixels of ``box`` (left, top, right, bottom)."""
    left, top, right, bottom = box
    near = {"top": top <= margin, "bottom": h - bottom <= margin}
    near |= {"left": left <= margin, "right": w - right <= margin}
    return tuple(name for name, hit in near.items() if hit)


def _origin(pos: ImagePosition, w: int, h: int, bw: int, bh: int, margin: int) -> tuple[int, int]:
    x = {"left": margin, "right": w - bw - margin}.get(pos.value.split("-")[-1], (w - bw) // 2)
    y = margin if pos.value.startswith("top") else h - bh - margin
    return max(0, x), max(0, y)


def draw_image_label(
    image: Image,
    font: CjkFont,
    *,
    wording: str = DEFAULT_IMAGE_WORDING,
    position: ImagePosition = ImagePosition.BOTTOM_RIGHT,
    min_ratio: float = 0.05,
) -> tuple[Image, ImageLabelGeometry]:
    """Draw ``wording`` on a translucent band so its ink height is ≥ ``min_ratio`` × shortest side.

    Returns:
        The new image (same size; mode kept where possible) and the geometry drawn.

    Raises:
        InputError: The wording lacks the required elements, or does not fit the image width.
    """
    from PIL import Image as PILImage
    from PIL import ImageDraw

    check_wording(wording)
    w, h = image.size
    shortest = min(w, h)
    target = max(1, math.ceil(min_ratio * shortest))
    size, height = fit_font_size(font, wording, target)
    face = font.at(size)
    left, top, right, bottom = _bbox(face, wording)
    pad = max(2, round(0.25 * (bottom - top)))
    bw, bh = right - left + 2 * pad, bottom - top + 2 * pad
    if bw > w or bh > h:
        raise InputError(
            f"label {wording!r} at {bottom - top} px high needs a {bw}x{bh} px band; the image is "
            f"{w}x{h}. Use shorter wording such as {DEFAULT_IMAGE_WORDING!r}"
        )
    x, y = _origin(position, w, h, bw, bh, margin=pad)
    overlay = PILImage.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(overlay).rectangle((x, y, x + bw - 1, y + bh - 1), fill=(0, 0, 0, 150))
    out = PILImage.alpha_composite(image.convert("RGBA"), overlay)
    # Text through a coverage mask: drawing anti-aliased text on a transparent RGBA layer would
    # scale colour and alpha both by coverage and thin the strokes.
    mask = PILImage.new("L", image.size)
    ImageDraw.Draw(mask).text((x + pad - left, y + pad - top), wording, font=face, fill=255)
    out.paste((255, 255, 255, 255), (0, 0, w, h), mask)
    if image.mode in ("RGB", "L", "LA", "RGBA"):
        out = out.convert(image.mode)
    box = (x, y, x + bw, y + bh)
    edges = edges_of(box, w, h, pad)
    if not edges:  # _origin always sits at an edge; this guards the §5.2 rule itself
        raise InputError(f"label band {box} is not at an edge or corner of a {w}x{h} image")
    geometry = ImageLabelGeometry(height, shortest, size, box, edges)
    return out, geometry


def _save_kwargs(src: Any, fmt: str, raw: bytes) -> dict[str, Any]:
    from PIL import PngImagePlugin

    info = src.info
    kwargs: dict[str, Any] = {}
    for key in ("exif", "icc_profile", "xmp", "dpi"):
        if info.get(key):
            kwargs[key] = info[key]
    if fmt == "JPEG":
        kwargs["quality"] = 95
    elif fmt == "WEBP":
        kwargs["lossless"] = b"VP8L" in raw[12:64]
        kwargs["quality"] = 95
    elif fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        for key, value in getattr(src, "text", {}).items():
            if key != "XML:com.adobe.xmp":
                text.add_itxt(key, value)
        kwargs["pnginfo"] = text
        kwargs.pop("xmp", None)
        xmp = info.get("xmp") or info.get("XML:com.adobe.xmp")
        if xmp:
            text.add_itxt("XML:com.adobe.xmp", xmp if isinstance(xmp, str) else xmp.decode())
    return kwargs


def check_pixels(src: Path, width: int, height: int, what: str = "image") -> None:
    """Refuse to decode more than ``max_pixels`` pixels.

    Security review S13: a 155 kB PNG of 16000x10000 pixels took 2 GiB to decode.

    Raises:
        InputError: The image is larger than the limit; the message names the override.
    """
    cap = current_limits().max_pixels
    if width * height > cap:
        raise InputError(
            f"{src}: the {what} is {width}x{height} = {width * height:,} pixels, over the "
            f"max_pixels limit ({cap:,}); hegui will not decode it. If the file is genuine, "
            f"raise the limit (--limit max_pixels={width * height})"
        )


def image_size(src: Path) -> tuple[int, int]:
    """Width and height from the image header, without decoding pixels.

    Pillow's own decompression-bomb check fires on opening; here only the header is read, so
    its warning is not needed yet and :func:`check_pixels` decides with hegui's limit.
    """
    import warnings

    from PIL import Image as PILImage

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        try:
            with PILImage.open(src) as im:
                return im.size
        except PILImage.DecompressionBombError as exc:
            cap = current_limits().max_pixels
            raise InputError(
                f"{src}: {exc} Over the max_pixels limit ({cap:,}); hegui will not decode it"
            ) from None


def label_image_file(
    src: Path,
    dst: Path,
    font: CjkFont,
    *,
    wording: str = DEFAULT_IMAGE_WORDING,
    position: ImagePosition = ImagePosition.BOTTOM_RIGHT,
    min_ratio: float = 0.05,
) -> ImageLabelGeometry:
    """Draw the label into ``src`` and save it as ``dst`` in the same format."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    raw = src.read_bytes()
    try:
        with PILImage.open(src) as im:
            check_pixels(src, *im.size)
            im.load()
            fmt = im.format or "PNG"
            if getattr(im, "n_frames", 1) > 1:
                raise InputError(f"{src}: animated images are not supported for explicit labels")
            out, geometry = draw_image_label(
                im, font, wording=wording, position=position, min_ratio=min_ratio
            )
            kwargs = _save_kwargs(im, fmt, raw)
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise CorruptFileError(f"{src}: cannot decode the image ({exc})") from None
    out.save(dst, fmt, **kwargs)
    return geometry
