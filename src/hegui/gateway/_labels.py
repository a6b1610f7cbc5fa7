"""The gateway's use of ``hegui.labeling``: GB 45438 labels on what leaves the gateway.

Text answers get the explicit label (Measures Art. 4 (一): start, end or both) where the settings
ask, and every answer carries the implicit label: the seven Appendix E fields as the ``AIGC``
response header (compact JSON; every value is printable ASCII by Appendix E j), so it is a valid
header value) and as the ``AIGC`` field of the JSON body. That header and field are hegui's
convention for an API response, which GB 45438 does not specify (its carriers are file
metadata). Generated images are labeled in their metadata (and drawn on when asked) before they
leave, through the same ``label_file`` the CLI uses.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from pathlib import Path

from hegui.errors import InputError
from hegui.gateway._settings import Labeling, TextLabelPlace
from hegui.labeling import (
    AigcLabel,
    ExplicitOptions,
    check_provider_code,
    check_wording,
    label_file,
)

__all__ = ["IMAGE_SUFFIXES", "Labeler", "check_labeling", "sniff_image"]

IMAGE_SUFFIXES = {"png": ".png", "jpeg": ".jpg", "webp": ".webp"}


def check_labeling(settings: Labeling) -> list[tuple[str, str, str]]:
    """``(field, problem, fix)`` for each labeling setting GB 45438 would not accept."""
    problems: list[tuple[str, str, str]] = []
    if settings.producer is not None:
        result = check_provider_code(settings.producer)
        if isinstance(result, list):
            problems.append(
                (
                    "labeling.producer",
                    "; ".join(result),
                    "the 27-character provider code of the TC260 coding guide",
                )
            )
    try:
        check_wording(settings.text.wording)
    except InputError as exc:
        problems.append(("labeling.text.wording", str(exc), "e.g. 本内容由人工智能生成"))
    return problems


def sniff_image(data: bytes) -> str | None:
    """``png``, ``jpeg`` or ``webp`` from the magic bytes, else ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


class Labeler:
    """Labels per the gateway's ``labeling`` settings.

    Raises:
        InputError: the wording lacks the AI or generation element GB 45438 requires.
    """

    def __init__(self, settings: Labeling) -> None:
        self.settings = settings
        check_wording(settings.text.wording)
        place = settings.text.explicit
        wording = settings.text.wording
        self.text_start = (
            f"{wording}\n\n" if place in (TextLabelPlace.START, TextLabelPlace.BOTH) else ""
        )
        self.text_end = (
            f"\n\n{wording}" if place in (TextLabelPlace.END, TextLabelPlace.BOTH) else ""
        )

    @property
    def explicit_text(self) -> bool:
        """Whether text answers get an explicit label."""
        return bool(self.text_start or self.text_end)

    def label_text(self, text: str) -> str:
        """``text`` with the explicit label(s) the settings ask for."""
        return f"{self.text_start}{text}{self.text_end}" if text else text

    def implicit(self, produce_id: str) -> dict[str, str] | None:
        """The seven Appendix E fields for content ``produce_id`` (first write), or ``None``."""
        producer = self.settings.producer
        if not self.settings.implicit or producer is None:
            return None
        return AigcLabel.first_write(producer, produce_id).fields()

    def header(self, produce_id: str) -> str | None:
        """The ``AIGC`` header value: the fields as compact JSON."""
        producer = self.settings.producer
        if not self.settings.implicit or producer is None:
            return None
        return AigcLabel.first_write(producer, produce_id).to_json()

    def label_image(self, data: bytes, produce_id: str) -> bytes:
        """``data`` (PNG, JPEG or WebP) with the implicit label, and the explicit one if asked.

        Works in a private temporary folder (mode 0700) removed afterwards.

        Raises:
            InputError: not an image hegui can label, or no producer code set.
            HeguiError: labeling failed (a missing font for the explicit label …).
        """
        kind = sniff_image(data)
        if kind is None:
            raise InputError("the upstream's image is not PNG, JPEG or WebP; it cannot be labeled")
        producer = self.settings.producer
        if producer is None:
            raise InputError("labeling.producer is not set; images cannot be labeled")
        folder = Path(tempfile.mkdtemp(prefix="hegui-img-"))
        try:
            src = folder / f"generated{IMAGE_SUFFIXES[kind]}"
            dst = folder / f"labeled{IMAGE_SUFFIXES[kind]}"
            src.write_bytes(data)
            explicit = ExplicitOptions() if self.settings.images.explicit else None
            label_file(src, producer, dst, produce_id=produce_id, explicit=explicit, durable=False)
            return dst.read_bytes()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    @staticmethod
    def data_url(data: bytes) -> str:
        """A ``data:`` URL of a labeled image (the gateway keeps no image files to link to)."""
        kind = sniff_image(data) or "png"
        return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"
