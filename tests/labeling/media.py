"""Small real media files built at test time (Pillow, stdlib ``wave``) and committed fixtures."""

from __future__ import annotations

import struct
import wave
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

DATA = Path(__file__).parent / "data"

XMP_WITH_CREATOR = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:creator><rdf:Seq><rdf:li>Alice</rdf:li></rdf:Seq></dc:creator>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>\n"
    b'<?xpacket end="w"?>'
)


def pixels(seed: int = 0, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    rng = np.random.default_rng(seed)
    channels = len(mode)
    return Image.fromarray(rng.integers(0, 255, (size[1], size[0], channels), dtype=np.uint8), mode)


def exif_bytes(user_comment: bytes | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    if user_comment is not None:
        exif.get_ifd(0x8769)[0x9286] = user_comment
    return exif.tobytes()


def jpeg(path: Path, *, exif: bytes | None = None, xmp: bytes | None = None) -> Path:
    kwargs: dict[str, object] = {"quality": 90}
    if exif is not None:
        kwargs["exif"] = exif
    if xmp is not None:
        kwargs["xmp"] = xmp
    pixels().save(path, "JPEG", **kwargs)
    return path


def png(
    path: Path,
    *,
    text: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    mode: str = "RGB",
) -> Path:
    """``text``: (chunk type tEXt|zTXt|iTXt, keyword, value)."""
    info = PngImagePlugin.PngInfo()
    for kind, key, value in text:
        if kind == "iTXt":
            info.add_itxt(key, value)
        else:
            info.add_text(key, value, zip=kind == "zTXt")
    pixels(mode=mode).save(path, "PNG", pnginfo=info)
    return path


def png_compressed_xmp(path: Path, packet: bytes) -> Path:
    """A PNG whose XMP iTXt is zlib-compressed (flag 1), as some writers store it."""
    png(path)
    data = path.read_bytes()
    body = b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + zlib.compress(packet)
    chunk = struct.pack(">I4s", len(body), b"iTXt") + body
    chunk += struct.pack(">I", zlib.crc32(b"iTXt" + body))
    at = data.index(b"IDAT") - 4
    path.write_bytes(data[:at] + chunk + data[at:])
    return path


def webp(
    path: Path, *, lossless: bool = False, mode: str = "RGB", xmp: bytes | None = None
) -> Path:
    kwargs: dict[str, object] = {"lossless": lossless}
    if xmp is not None:
        kwargs["xmp"] = xmp
    pixels(mode=mode).save(path, "WEBP", **kwargs)
    return path


def wav(path: Path, *, seconds: float = 0.5, rate: int = 8000, channels: int = 1) -> Path:
    rng = np.random.default_rng(1)
    samples = (rng.standard_normal(int(seconds * rate) * channels) * 3000).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


def decoded(path: Path) -> bytes:
    """Decoded pixels, for identity checks."""
    with Image.open(path) as im:
        return im.convert("RGBA").tobytes()
