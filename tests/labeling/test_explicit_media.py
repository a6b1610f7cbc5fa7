"""Explicit labels drawn into images, mixed into audio and burnt into video, measured back."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hegui.errors import InputError
from hegui.labeling._explicit import ExplicitOptions
from hegui.labeling._explicit_audio import CuePosition, RhythmCue, rhythm_samples
from hegui.labeling._explicit_image import (
    ImagePosition,
    draw_image_label,
    parse_image_position,
)
from hegui.labeling._files import inspect_file
from hegui.labeling._produce import label_file

from . import media, peers
from .conftest import PRODUCER


def _ink_rows_cols(pixels: np.ndarray, threshold: int = 160) -> tuple[np.ndarray, np.ndarray]:
    bright = pixels >= threshold
    return np.flatnonzero(bright.any(axis=1)), np.flatnonzero(bright.any(axis=0))


@pytest.mark.parametrize(
    ("size", "position"),
    [
        ((400, 300), ImagePosition.BOTTOM_RIGHT),
        ((400, 300), ImagePosition.TOP_LEFT),
        ((120, 900), ImagePosition.BOTTOM),
        ((2400, 160), ImagePosition.TOP_RIGHT),
        ((37, 41), ImagePosition.BOTTOM_LEFT),
    ],
)
def test_image_label_text_is_at_least_5_percent_of_shortest_side(
    size: tuple[int, int], position: ImagePosition
) -> None:
    font = peers.need_cjk_font()
    gray = Image.new("L", size, 128)
    out, geometry = draw_image_label(gray, font, position=position)
    rows, cols = _ink_rows_cols(np.asarray(out))
    measured = rows.max() - rows.min() + 1
    assert measured >= 0.05 * min(size), (measured, geometry)
    assert geometry.ratio >= 0.05
    cy, cx = (rows.min() + rows.max()) / 2, (cols.min() + cols.max()) / 2
    if position.value.startswith("top"):
        assert cy < size[1] / 2
    else:
        assert cy > size[1] / 2
    if position.value.endswith("left"):
        assert cx < size[0] / 2
    elif position.value.endswith("right"):
        assert cx > size[0] / 2
    # GB 45438 §5.2: at an edge or a corner; the band drawn sits at the named edges.
    expected = {"top" if position.value.startswith("top") else "bottom"}
    expected |= {side for side in ("left", "right") if position.value.endswith(side)}
    assert expected <= set(geometry.edges)


@pytest.mark.parametrize("value", ["center", "middle-left", "free"])
def test_image_position_off_the_edges_is_refused(value: str) -> None:
    with pytest.raises(InputError, match="应位于图片的边或角"):
        parse_image_position(value)


def test_image_label_too_wide_is_refused() -> None:
    font = peers.need_cjk_font()
    with pytest.raises(InputError, match="shorter wording"):
        draw_image_label(
            Image.new("RGB", (30, 400)), font, wording="本图片内容由人工智能技术生成合成"
        )


@pytest.mark.parametrize("name", ["a.jpg", "a.png", "a.webp"])
def test_explicit_then_implicit_image(name: str, tmp_path: Path) -> None:
    peers.need_cjk_font()
    make = {"a.jpg": media.jpeg, "a.png": media.png, "a.webp": media.webp}[name]
    kwargs = {"exif": media.exif_bytes(), "xmp": media.XMP_WITH_CREATOR} if name == "a.jpg" else {}
    src = make(tmp_path / name, **kwargs)  # type: ignore[operator]
    out = tmp_path / ("out-" + name)
    result = label_file(src, PRODUCER, out, explicit=ExplicitOptions())
    assert result.explicit is not None and result.explicit.modality == "image"
    assert result.explicit.details["ratio"] >= 0.05  # type: ignore[operator]
    (found,) = inspect_file(out).labels
    assert found.conforming
    assert media.decoded(out) != media.decoded(src)
    if name == "a.jpg":
        with Image.open(out) as im:
            assert im.getexif()[0x010F] == "TestCam"
            assert b"Alice" in im.info["xmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, out.name])


def test_rhythm_is_short_long_short_short() -> None:
    cue = RhythmCue(unit=0.05)
    assert [(on, round(s / cue.unit)) for on, s in cue.schedule()] == [
        (True, 1),
        (False, 1),
        (True, 3),
        (False, 3),
        (True, 1),
        (False, 1),
        (True, 1),
    ]
    rate = 8000
    samples = rhythm_samples(rate, cue)
    # Tone segments, measured from the signal: runs of 10 ms windows with energy.
    window = rate // 100
    energy = (
        np.abs(samples[: len(samples) // window * window]).reshape(-1, window).max(axis=1) > 0.1
    )
    runs, current = [], energy[0]
    length = 0
    for e in energy:
        if e == current:
            length += 1
        else:
            runs.append((bool(current), length))
            current, length = e, 1
    runs.append((bool(current), length))
    tones = [n for on, n in runs if on]
    assert len(tones) == 4
    assert tones[1] >= 2.5 * tones[0] and tones[2] < 2 * tones[0] and tones[3] < 2 * tones[0]


def _tone_level(samples: np.ndarray, rate: int, freq: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    bins = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(spectrum[np.argmin(np.abs(bins - freq))] / (spectrum.mean() + 1e-9))


@pytest.mark.parametrize("position", list(CuePosition))
def test_wav_cue_mixed_natively_rest_untouched(position: CuePosition, tmp_path: Path) -> None:
    src = media.wav(tmp_path / "a.wav", seconds=3.0, rate=8000)
    out = tmp_path / "b.wav"
    result = label_file(src, PRODUCER, out, explicit=ExplicitOptions(audio_position=position))
    assert result.explicit is not None
    cue_frames = round(float(result.explicit.details["cue_seconds"]) * 8000)  # type: ignore[arg-type]
    with wave.open(str(src)) as a, wave.open(str(out)) as b:
        x = np.frombuffer(a.readframes(a.getnframes()), "<i2").astype(float)
        y = np.frombuffer(b.readframes(b.getnframes()), "<i2").astype(float)
    assert len(x) == len(y)
    changed = np.flatnonzero(x != y)
    start = {CuePosition.START: 0, CuePosition.END: len(x) - cue_frames}.get(
        position, (len(x) - cue_frames) // 2
    )
    assert changed.min() >= start and changed.max() < start + cue_frames
    assert (
        _tone_level(y[start : start + cue_frames] - x[start : start + cue_frames], 8000, 1000) > 20
    )
    assert inspect_file(out).labels[0].conforming


def test_short_wav_is_extended_to_hold_the_whole_cue(tmp_path: Path) -> None:
    src = media.wav(tmp_path / "a.wav", seconds=0.2, rate=8000)
    out = tmp_path / "b.wav"
    label_file(src, PRODUCER, out, explicit=ExplicitOptions())
    with wave.open(str(out)) as w:
        assert w.getnframes() / w.getframerate() >= 0.9


@pytest.mark.parametrize("name", ["tone.mp3", "tone.flac", "tone.ogg", "tone.m4a"])
def test_cue_through_ffmpeg_keeps_tags(name: str, tmp_path: Path) -> None:
    peers.need("ffmpeg", "ffmpeg")
    src = Path(shutil.copy(media.DATA / name, tmp_path / name))
    out = tmp_path / ("out-" + name)
    result = label_file(src, PRODUCER, out, explicit=ExplicitOptions())
    assert result.explicit is not None and result.explicit.modality == "audio"
    (found,) = inspect_file(out).labels
    assert found.conforming
    probe = subprocess.run(
        [
            peers.need("ffprobe", "ffmpeg"),
            "-v",
            "error",
            "-show_entries",
            "format_tags=title:stream_tags=title",
            "-of",
            "default=nw=1:nk=1",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Tone" in probe
    decoded = tmp_path / "decoded.wav"
    peers.ffmpeg("-i", str(out), "-ac", "1", "-ar", "8000", str(decoded))
    _, samples = _wav(decoded)
    head = samples[: int(0.7 * 8000)]
    assert _tone_level(head, 8000, 1000) > _tone_level(samples[-int(0.1 * 8000) :], 8000, 1000)


def _wav(path: Path) -> tuple[int, np.ndarray]:
    with wave.open(str(path)) as w:
        return w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(float)


def test_video_label_covers_opening_two_seconds(tmp_path: Path) -> None:
    peers.need_cjk_font()
    src = tmp_path / "gray.mp4"
    peers.ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "color=c=gray:size=320x180:rate=10:duration=4",
        "-f",
        "lavfi",
        "-i",
        "sine=duration=4:sample_rate=8000",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(src),
    )
    out = tmp_path / "out.mp4"
    result = label_file(src, PRODUCER, out, explicit=ExplicitOptions())
    assert result.explicit is not None and result.explicit.details["seconds"] == 2.0
    for t, labeled in ((0.0, True), (1.8, True), (2.6, False), (3.5, False)):
        shot = np.asarray(Image.open(peers.frame(out, t, tmp_path / f"f{t}.png")).convert("L"))
        rows, _ = _ink_rows_cols(shot, threshold=200)
        if labeled:
            assert rows.size and rows.max() - rows.min() + 1 >= 0.05 * 180, t
        else:
            assert rows.size == 0, t
    (found,) = inspect_file(out).labels
    assert found.conforming
    assert (
        subprocess.run(
            [
                peers.need("ffprobe", "ffmpeg"),
                "-v",
                "error",
                "-select_streams",
                "a",
                "-show_entries",
                "stream=codec_name",
                "-of",
                "csv=p=0",
                str(out),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        == "aac"
    )


@pytest.mark.parametrize("seconds", [1.0, 1.99])
def test_video_label_shorter_than_two_seconds_refused(seconds: float, tmp_path: Path) -> None:
    src = Path(shutil.copy(media.DATA / "clip.mp4", tmp_path / "clip.mp4"))
    with pytest.raises(InputError, match="at least 2 s"):
        label_file(
            src, PRODUCER, tmp_path / "o.mp4", explicit=ExplicitOptions(video_seconds=seconds)
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]


def test_no_explicit_labeler_for_pdf(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(100, 100)
    w.write(tmp_path / "a.pdf")
    with pytest.raises(Exception, match="no explicit labeler for pdf"):
        label_file(tmp_path / "a.pdf", PRODUCER, tmp_path / "b.pdf", explicit=ExplicitOptions())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("a.md", "---\ntitle: x\n---\n# 报告\n\n正文。\n", "本内容由人工智能生成"),
        ("a.txt", "纯文本。\n", "本内容由人工智能生成"),
        (
            "a.html",
            "<html><head></head><body><p>正文</p></body></html>",
            '<p class="aigc-label">本内容由人工智能生成</p></body>',
        ),
    ],
)
def test_explicit_text_in_files(name: str, content: str, needle: str, tmp_path: Path) -> None:
    src = tmp_path / name
    src.write_text(content)
    out = tmp_path / ("out-" + name)
    result = label_file(src, PRODUCER, out, explicit=ExplicitOptions())
    assert result.explicit is not None and result.explicit.details["added"] is True
    text = out.read_text()
    assert needle in text
    assert inspect_file(out).labels[0].conforming
    again = label_file(out, PRODUCER, None, explicit=ExplicitOptions(), replace=True)  # idempotent
    assert again.explicit is not None and again.explicit.details["added"] is False
    assert out.read_text().count("本内容由人工智能生成") == 1
