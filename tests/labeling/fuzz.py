"""Seeded mutation fuzzing of the label readers and writers (shared by the test and the benchmark).

The label audit (2026-12) ran 300 mutants of 17 formats through ``inspect`` and ``add`` and found
284 "internal error" exits. This module rebuilds that run: seed files made here (each labeled
once, so label metadata is mutated too), deterministic mutants, and a check of each outcome.
"""

from __future__ import annotations

import io
import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hegui.errors import ExitCode, HeguiError
from hegui.labeling._files import inspect_file
from hegui.labeling._produce import label_file

from . import media
from .conftest import PRODUCER

SEED = 45438


def _docx(p: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("生成的报告")
    document.save(str(p))
    return p


def _xlsx(p: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["风险", "数量"])  # type: ignore[union-attr]
    wb.save(p)
    return p


def _pptx(p: Path) -> Path:
    import pptx

    deck = pptx.Presentation()
    deck.slides.add_slide(deck.slide_layouts[5]).shapes.title.text = "报告"  # type: ignore[union-attr]
    deck.save(str(p))
    return p


def _pdf(p: Path) -> Path:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.add_metadata({"/Title": "Report"})
    buf = io.BytesIO()
    w.write(buf)
    p.write_bytes(buf.getvalue())
    return p


def _copy(name: str) -> Callable[[Path], Path]:
    return lambda p: Path(shutil.copy(media.DATA / name, p.with_suffix(Path(name).suffix)))


def _text(content: str) -> Callable[[Path], Path]:
    def make(p: Path) -> Path:
        p.write_text(content, encoding="utf-8")
        return p

    return make


SEEDS: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "jpeg": (".jpg", lambda p: media.jpeg(p, exif=media.exif_bytes())),
    "png": (".png", lambda p: media.png(p, text=[("tEXt", "Comment", "x")])),
    "webp": (".webp", lambda p: media.webp(p)),
    "wav": (".wav", lambda p: media.wav(p)),
    "mp3": (".mp3", _copy("tone.mp3")),
    "flac": (".flac", _copy("tone.flac")),
    "ogg": (".ogg", _copy("tone.ogg")),
    "opus": (".opus", _copy("tone.opus")),
    "mp4": (".mp4", _copy("clip.mp4")),
    "mov": (".mov", _copy("clip.mov")),
    "m4a": (".m4a", _copy("tone.m4a")),
    "pdf": (".pdf", _pdf),
    "docx": (".docx", _docx),
    "xlsx": (".xlsx", _xlsx),
    "pptx": (".pptx", _pptx),
    "markdown": (".md", _text("---\ntitle: 报告\n---\n# 报告\n\n正文。\n")),
    "html": (
        ".html",
        _text("<!DOCTYPE html><html><head><title>x</title></head><body>正文</body></html>"),
    ),
}


def seed_file(kind: str, directory: Path) -> bytes:
    """The labeled seed file of ``kind``, as bytes."""
    suffix, make = SEEDS[kind]
    directory.mkdir(parents=True, exist_ok=True)
    src = make(directory / f"seed{suffix}")
    out = directory / f"labeled{src.suffix}"
    label_file(src, PRODUCER, out, produce_id="seed-1", durable=False)
    return out.read_bytes()


def mutants(data: bytes, seed: int, count: int) -> Iterator[tuple[str, bytes]]:
    """``count`` deterministic mutants of ``data``: flips, cuts, inserts, copies, big lengths."""
    rng = random.Random(seed)
    for _ in range(count):
        buf = bytearray(data)
        how = rng.choice(("flip", "truncate", "insert", "duplicate", "zero", "length"))
        at = rng.randrange(len(buf))
        if how == "flip":
            for _ in range(rng.randint(1, 8)):
                buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
        elif how == "truncate":
            del buf[at:]
        elif how == "insert":
            buf[at:at] = rng.randbytes(rng.randint(1, 64))
        elif how == "duplicate":
            end = min(len(buf), at + rng.randint(1, 256))
            buf[at:at] = buf[at:end]
        elif how == "zero":
            end = min(len(buf), at + rng.randint(1, 64))
            buf[at:end] = bytes(end - at)
        else:
            buf[at : at + 4] = rng.choice((b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff", b"\0\0\0\0"))
        yield f"{how}@{at}", bytes(buf)


@dataclass(frozen=True)
class Outcome:
    """What happened to one mutant."""

    name: str
    action: str
    result: str
    """``ok``, ``refused`` (a HeguiError with exit code 2) or ``bad: …`` (anything else)."""


def run_mutant(kind: str, name: str, data: bytes, directory: Path) -> list[Outcome]:
    """Inspect and label one mutant; check the input is unchanged and nothing is left behind."""
    suffix = SEEDS[kind][0]
    work = directory / name.replace("@", "-")
    work.mkdir(parents=True)
    path = work / f"m{suffix}"
    path.write_bytes(data)
    outcomes = []
    for action in ("inspect", "add"):
        out = work / f"out{suffix}"
        try:
            if action == "inspect":
                inspect_file(path)
            else:
                label_file(path, PRODUCER, out, produce_id="fuzz", durable=False)
            result = "ok"
        except HeguiError as exc:
            code = exc.exit_code
            result = "refused" if code == ExitCode.BAD_INPUT else f"bad: exit {code}: {exc}"
        except Exception as exc:
            result = f"bad: internal error {type(exc).__name__}: {exc}"
        if path.read_bytes() != data:
            result = "bad: the input changed"
        left = sorted(p.name for p in work.iterdir() if p.name not in (path.name, out.name))
        if left:
            result = f"bad: left behind {left}"
        if action == "add" and result != "ok" and out.exists():
            result = "bad: an output was left for a failed add"
        outcomes.append(Outcome(name, action, result))
    shutil.rmtree(work)
    return outcomes
