"""The CJK font explicit image and video labels are drawn with.

Default: Noto Sans CJK SC from the Debian package ``fonts-noto-cjk`` (Google's Noto CJK, licensed
under the SIL Open Font License 1.1, per ``/usr/share/doc/fonts-noto-cjk/copyright``), found
through fontconfig. hegui ships no font; any font with CJK glyphs can be given instead.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from hegui.errors import InputError

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

__all__ = ["CjkFont", "find_cjk_font"]

FAMILY: Final = "Noto Sans CJK SC"
_DEBIAN: Final = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
_PROBE: Final = "生成"


@dataclass(frozen=True, slots=True)
class CjkFont:
    """A font file and face index with CJK glyphs."""

    path: Path
    index: int
    family: str
    licence: str
    """What hegui knows about its licence (for evidence and reports)."""

    def at(self, size: int) -> FreeTypeFont:
        """The face at ``size`` pixels per em."""
        from PIL import ImageFont

        return ImageFont.truetype(str(self.path), size, index=self.index)


def _faces(path: Path) -> list[tuple[int, str]]:
    from PIL import ImageFont

    faces = []
    for index in range(64):  # a TTC rarely holds more than a few dozen faces
        try:
            faces.append((index, ImageFont.truetype(str(path), 12, index=index).getname()[0] or ""))
        except OSError:
            break
    return faces


def _has_cjk(font: CjkFont) -> bool:
    from PIL import Image, ImageDraw

    face = font.at(32)

    def render(text: str) -> bytes:
        im = Image.new("L", (48, 48))
        ImageDraw.Draw(im).text((4, 4), text, font=face, fill=255)
        return im.tobytes()

    # A missing glyph renders as the same .notdef box as an unassigned private-use character.
    drawn = render(_PROBE[0])
    return any(drawn) and drawn != render("\ue000")


def _licence(family: str) -> str:
    if family.startswith("Noto"):
        return "SIL Open Font License 1.1 (Noto CJK, Debian fonts-noto-cjk)"
    return "unknown: check the font's licence before distributing labeled files"


@lru_cache(maxsize=8)
def find_cjk_font(font_path: Path | None = None) -> CjkFont:
    """The font to draw labels with.

    Args:
        font_path: A font file to use instead of the default; in a collection (TTC) the
            Simplified Chinese face is chosen when there is one.

    Raises:
        InputError: No CJK font is installed or the given font lacks CJK glyphs.
    """
    if font_path is not None:
        if not font_path.is_file():
            raise InputError(f"--font: {font_path} does not exist")
        faces = _faces(font_path)
        if not faces:
            raise InputError(f"--font: {font_path} is not a font Pillow/FreeType can read")
        index, family = next((f for f in faces if "SC" in f[1].split()), faces[0])
        font = CjkFont(font_path, index, family, _licence(family))
    else:
        font = _default()
    if not _has_cjk(font):
        raise InputError(f"font {font.path} ({font.family}) has no glyphs for Chinese text")
    return font


def _default() -> CjkFont:
    if shutil.which("fc-match"):
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\t%{index}\t%{family[0]}", f"{FAMILY}:style=Regular"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split("\t")
        if len(out) == 3 and out[2] == FAMILY and Path(out[0]).is_file():
            return CjkFont(Path(out[0]), int(out[1]), FAMILY, _licence(FAMILY))
    if _DEBIAN.is_file():
        index, family = next((f for f in _faces(_DEBIAN) if f[1] == FAMILY), (0, FAMILY))
        return CjkFont(_DEBIAN, index, family, _licence(family))
    raise InputError(
        f"no CJK font found for explicit labels ({FAMILY}); install it with "
        "`apt-get install fonts-noto-cjk`, or pass --font PATH to a font with Chinese glyphs"
    )
