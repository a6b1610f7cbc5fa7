"""The security review's crafted files, each run by the real CLI under a memory cap and a deadline.

Every file is generated here (no committed blobs). Each case runs ``hegui label …`` in a child
process whose address space is capped with ``resource.setrlimit(RLIMIT_AS)`` and which is killed
past a deadline; the assertion is a clean refusal (exit 2 naming the limit or the damage) or a
correct result, never a hang, a crash or "internal error".
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from PIL import Image

from .conftest import PRODUCER

MEMORY_CAP = 1 << 30
DEADLINE = 60.0
_RUN = """
import resource, sys
cap = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from hegui.cli import main
main(sys.argv[2:])
"""


@dataclass(frozen=True)
class Run:
    code: int
    out: str


def hegui(*args: str) -> Run:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(MEMORY_CAP), *args],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        env=env,
        check=False,
    )
    out = " ".join((done.stdout + done.stderr).split())
    assert "internal error" not in out and "Traceback" not in out, out
    return Run(done.returncode, out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I4s", len(data), kind) + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_with(extra: bytes) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, "PNG")
    raw = buf.getvalue()
    at = raw.index(b"IDAT") - 4
    return raw[:at] + extra + raw[at:]


def xmp_redos(p: Path) -> Path:
    """S1: 322 bytes; the old fallback regex ran for minutes."""
    data = b"XML:com.adobe.xmp\0\1\0\0\0" + zlib.compress(b"<" + b"a" * 200_000, 9)
    p.write_bytes(_png_with(_chunk(b"iTXt", data)))
    return p


def xmp_many_candidates(p: Path) -> Path:
    """S1, worst case for the literal search: many unterminated ``<x:AIGC>`` openings."""
    packet = b"<broken " + b"<x:AIGC>" * 100_000
    data = b"XML:com.adobe.xmp\0\1\0\0\0" + zlib.compress(packet, 9)
    p.write_bytes(_png_with(_chunk(b"iTXt", data)))
    return p


def billion_laughs(p: Path) -> Path:
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10)
    )
    packet = (
        f'<?xml version="1.0"?><!DOCTYPE x [{entities}<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">&l9;&e;</x:xmpmeta>'
    ).encode()
    p.write_bytes(_png_with(_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + packet)))
    return p


def text_bomb(p: Path) -> Path:
    """A zTXt ``AIGC`` chunk inflating to 64 MiB (run with max_metadata_bytes=1M)."""
    body = b"AIGC\0\0" + zlib.compress(b"\0" * (64 << 20), 9)
    p.write_bytes(_png_with(_chunk(b"zTXt", body)))
    return p


def png_chunks(p: Path) -> Path:
    """S11: 200,000 empty chunks before IDAT (the review's 48 MB version took 656 MiB)."""
    p.write_bytes(_png_with(_chunk(b"zzZz", b"") * 200_000))
    return p


def mp4_boxes(p: Path) -> Path:
    """S11: ftyp and 200,000 eight-byte free boxes."""
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 0, b"isom")
    p.write_bytes(ftyp + struct.pack(">I4s", 8, b"free") * 200_000)
    return p


def jpeg_segments(p: Path) -> Path:
    """S11 for JPEG: 150,000 comment segments before the scan."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "JPEG")
    raw = buf.getvalue()
    p.write_bytes(raw[:2] + b"\xff\xfe\x00\x03x" * 150_000 + raw[2:])
    return p


def wav_chunks(p: Path) -> Path:
    body = b"WAVE" + b"junk\0\0\0\0" * 200_000
    p.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return p


def png_pixels(p: Path) -> Path:
    """S13: a 16000x10000 header (the review's 155 kB file decoded to 2 GiB)."""
    ihdr = struct.pack(">IIBBBBB", 16000, 10000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 10001)
    p.write_bytes(
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )
    return p


def _docx(p: Path, extra: dict[str, bytes]) -> Path:
    document = docx.Document()
    document.add_paragraph("报告")
    document.save(str(p))
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as z:
        for name, data in extra.items():
            z.writestr(name, data)
    return p


def docx_ratio(p: Path) -> Path:
    """S12: a 64 MiB part of zeros (about 64 kB compressed)."""
    return _docx(p, {"word/media/pad.bin": b"\0" * (64 << 20)})


def _repeat_directory_entry(p: Path, name: bytes, copies: list[bytes]) -> Path:
    """Append copies of ``name``'s central-directory record (renamed) and fix the end record."""
    data = p.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    disk, cd_disk, n_disk, n_total, cd_size, cd_offset, clen = struct.unpack(
        "<HHHHIIH", data[end + 4 : end + 22]
    )
    pos, record = cd_offset, b""
    while pos < cd_offset + cd_size:
        nlen, elen, comlen = struct.unpack("<HHH", data[pos + 28 : pos + 34])
        size = 46 + nlen + elen + comlen
        if data[pos + 46 : pos + 46 + nlen] == name:
            record = data[pos : pos + size]
        pos += size
    assert record
    added = b"".join(record[:46] + c + record[46 + len(name) :] for c in copies)
    directory = data[cd_offset : cd_offset + cd_size] + added
    tail = struct.pack(
        "<4sHHHHIIH",
        b"PK\x05\x06",
        disk,
        cd_disk,
        n_disk + len(copies),
        n_total + len(copies),
        len(directory),
        cd_offset,
        clen,
    )
    p.write_bytes(data[:cd_offset] + directory + tail + data[end + 22 :])
    return p


def docx_duplicates(p: Path) -> Path:
    """S12: one entry listed eight times (the review's 1 MB file inflated 8 GiB)."""
    _docx(p, {"word/media/pad.bin": b"\0" * 100_000})
    return _repeat_directory_entry(p, b"word/media/pad.bin", [b"word/media/pad.bin"] * 7)


def docx_overlap(p: Path) -> Path:
    """S12: seven other names pointing at the same data (CVE-2024-0450's shape)."""
    _docx(p, {"word/media/pad.bin": b"\0" * 100_000})
    names = [f"word/media/pa{i}.bin".encode() for i in range(7)]
    return _repeat_directory_entry(p, b"word/media/pad.bin", names)


def docx_incompressible(p: Path) -> Path:
    """2 MiB of random bytes: fine by default, refused under max_inflated_bytes=1M."""
    return _docx(p, {"word/media/noise.bin": os.urandom(2 << 20)})


def pdf_nesting(p: Path) -> Path:
    body = b"[" * 50_000 + b"]" * 50_000
    p.write_bytes(
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /X "
        + body
        + b" >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    return p


CASES: dict[str, tuple[str, Callable[[Path], Path], tuple[str, ...], int, str]] = {
    "xmp-redos": ("a.png", xmp_redos, ("inspect",), 0, "no label"),
    "xmp-candidates": ("a.png", xmp_many_candidates, ("inspect",), 0, "no label"),
    "billion-laughs": ("a.png", billion_laughs, ("inspect",), 0, "no label"),
    "text-bomb": (
        "a.png",
        text_bomb,
        ("inspect", "--limit", "max_metadata_bytes=1M"),
        0,
        "max_metadata_bytes",
    ),
    "png-chunks": ("a.png", png_chunks, ("inspect",), 2, "max_structures"),
    "mp4-boxes": ("a.mp4", mp4_boxes, ("inspect",), 2, "max_structures"),
    "jpeg-segments": ("a.jpg", jpeg_segments, ("inspect",), 2, "max_structures"),
    "wav-chunks": ("a.wav", wav_chunks, ("inspect",), 2, "max_structures"),
    "png-pixels": ("a.png", png_pixels, ("add", "--explicit"), 2, "max_pixels"),
    "png-pixels-bomb-warning": (
        "a.png",
        png_pixels,
        ("add", "--explicit", "--limit", "max_pixels=200000000"),
        2,
        "DecompressionBomb",
    ),
    "docx-ratio": ("a.docx", docx_ratio, ("add",), 2, "max_inflate_ratio"),
    "docx-duplicates": ("a.docx", docx_duplicates, ("add",), 2, "appears twice"),
    "docx-overlap": ("a.docx", docx_overlap, ("add",), 2, "overlap"),
    "docx-inflated-total": (
        "a.docx",
        docx_incompressible,
        ("add", "--limit", "max_inflated_bytes=1M"),
        2,
        "max_inflated_bytes",
    ),
    "pdf-nesting": ("a.pdf", pdf_nesting, ("inspect",), 2, "a.pdf"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_crafted_file_is_refused_cleanly_within_bounds(case: str, tmp_path: Path) -> None:
    name, make, args, code, needle = CASES[case]
    path = make(tmp_path / name)
    before = path.read_bytes()
    command, *rest = args
    extra = ("--producer", PRODUCER, "--out", str(tmp_path / "out")) if command == "add" else ()
    run = hegui("label", command, str(path), "--lang", "en", *extra, *rest)
    assert run.code == code, run.out
    assert needle in run.out, run.out
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.rglob("*") if ".hegui-tmp" in p.name]


def test_default_limits_accept_a_genuine_large_package(tmp_path: Path) -> None:
    path = docx_incompressible(tmp_path / "a.docx")
    run = hegui("label", "add", str(path), "--producer", PRODUCER, "--out", str(tmp_path / "o"))
    assert run.code == 0, run.out
