"""Explicit audio labels: the 短长短短 rhythm cue, or a recorded voice cue, mixed into the audio.

GB 45438-2025 §5.3 (``standards.md`` §2.2, grade B; confidence S): a voice label or a rhythm
label; the rhythm is 短长短短 ("short long short short", Morse for "AI"); at the start, the end
and/or a suitable middle point. The standard gives no unit length or pitch in hegui's reference,
so both are options (defaults: 100 ms unit, 1 kHz, standard Morse spacing: 1 unit between
elements, 3 between the letters A and I). A voice cue is a recording the provider supplies (it
must hold the AI and generation elements, spoken at 120–160 字/min per the standard's Note 4);
hegui does not synthesise speech.

PCM WAV is mixed natively (numpy) with every other chunk kept; other formats go through ffmpeg
(``adelay`` + ``amix``), re-encoding the audio stream with the input's codec family.
"""

from __future__ import annotations

import struct
import tempfile
import wave
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from hegui.errors import CorruptFileError, InputError, UnsupportedFormatError
from hegui.labeling._ffmpeg import probe, run_ffmpeg
from hegui.labeling.carriers._riff import chunks

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["CuePosition", "RhythmCue", "label_audio_file", "mix_cue", "read_wav", "rhythm_samples"]

MORSE_AI: Final = ".-.."
"""短长短短: A (·−) then I (··)."""
_RAMP: Final = 0.005


class CuePosition(StrEnum):
    """Where the cue is mixed in (GB 45438 §5.3 d))."""

    START = "start"
    END = "end"
    MIDDLE = "middle"


@dataclass(frozen=True, slots=True)
class RhythmCue:
    """Timing and sound of the rhythm cue (unit length and pitch are not fixed by the standard)."""

    unit: float = 0.1
    """Seconds of one Morse unit (a dot)."""
    frequency: float = 1000.0
    level: float = 0.5
    """Peak amplitude, as a fraction of full scale."""

    def schedule(self) -> list[tuple[bool, float]]:
        """(tone on?, seconds) segments.

        Dot 1 unit, dash 3, 1 unit between elements, 3 between the two letters.
        """
        out: list[tuple[bool, float]] = []
        for i, mark in enumerate(MORSE_AI):
            if i:
                gap = 3 if i == 2 else 1  # letter boundary between A (.-) and I (..)
                out.append((False, gap * self.unit))
            out.append((True, (1 if mark == "." else 3) * self.unit))
        return out


def rhythm_samples(rate: int, cue: RhythmCue = RhythmCue()) -> npt.NDArray[np.float64]:
    """The cue as mono samples in [-1, 1] at ``rate`` Hz, with 5 ms ramps against clicks."""
    import numpy as np

    parts = []
    for on, seconds in cue.schedule():
        n = round(seconds * rate)
        if not on:
            parts.append(np.zeros(n))
            continue
        t = np.arange(n) / rate
        tone = cue.level * np.sin(2 * np.pi * cue.frequency * t)
        ramp = min(n // 2, round(_RAMP * rate))
        if ramp:
            window = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, ramp))
            tone[:ramp] *= window
            tone[-ramp:] *= window[::-1]
        parts.append(tone)
    return np.concatenate(parts)


def mix_cue(
    samples: npt.NDArray[np.float64], cue: npt.NDArray[np.float64], position: CuePosition
) -> npt.NDArray[np.float64]:
    """Add ``cue`` (mono) to every channel of ``samples`` (frames × channels) at ``position``.

    Audio shorter than the cue is padded with silence so the whole cue is heard. The sum is
    clipped to full scale.
    """
    import numpy as np

    frames = max(len(samples), len(cue))
    out = np.zeros((frames, samples.shape[1]))
    out[: len(samples)] = samples
    offset = {CuePosition.START: 0, CuePosition.END: frames - len(cue)}.get(
        position, (frames - len(cue)) // 2
    )
    out[offset : offset + len(cue)] += cue[:, None]
    return np.clip(out, -1.0, 1.0)


@dataclass(frozen=True, slots=True)
class _Pcm:
    rate: int
    channels: int
    width: int
    """Bytes per sample."""


def _pcm_format(path: Path) -> _Pcm:
    with path.open("rb") as f:
        fmt = next((c for c in chunks(f, path, b"WAVE") if c.id == b"fmt "), None)
        if fmt is None:
            raise CorruptFileError(f"{path}: WAV without a 'fmt ' chunk")
        f.seek(fmt.data_offset)
        tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", f.read(16))
    if tag not in (1, 0xFFFE) or bits not in (8, 16, 24, 32):
        raise UnsupportedFormatError(
            f"{path}: WAV format tag {tag}, {bits} bits: hegui mixes integer PCM natively; "
            "convert it (ffmpeg -i in.wav -c:a pcm_s16le out.wav) first"
        )
    return _Pcm(rate, channels, bits // 8)


def _decode(data: bytes, pcm: _Pcm) -> npt.NDArray[np.float64]:
    import numpy as np

    if pcm.width == 3:
        b = np.frombuffer(data[: len(data) - len(data) % 3], dtype=np.uint8).reshape(-1, 3)
        ints = (
            b[:, 0].astype(np.int32)
            | b[:, 1].astype(np.int32) << 8
            | b[:, 2].astype(np.int32) << 16
        )
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        values = ints / float(1 << 23)
    elif pcm.width == 1:
        values = (np.frombuffer(data, dtype=np.uint8).astype(np.float64) - 128) / 128
    else:
        dtype = {2: "<i2", 4: "<i4"}[pcm.width]
        values = np.frombuffer(data[: len(data) - len(data) % pcm.width], dtype=dtype) / float(
            1 << (8 * pcm.width - 1)
        )
    return values[: len(values) - len(values) % pcm.channels].reshape(-1, pcm.channels)


def _encode(samples: npt.NDArray[np.float64], pcm: _Pcm) -> bytes:
    import numpy as np

    scale = float(1 << (8 * pcm.width - 1))
    ints = np.clip(np.round(samples.reshape(-1) * scale), -scale, scale - 1).astype(np.int64)
    if pcm.width == 1:
        return (ints + 128).astype(np.uint8).tobytes()
    if pcm.width == 3:
        u = (ints & 0xFFFFFF).astype(np.uint32)
        return (
            np.stack([u & 0xFF, u >> 8 & 0xFF, u >> 16 & 0xFF], axis=1).astype(np.uint8).tobytes()
        )
    return ints.astype({2: "<i2", 4: "<i4"}[pcm.width]).tobytes()


def read_wav(path: Path) -> tuple[int, npt.NDArray[np.float64]]:
    """Sample rate and samples (frames × channels) of an integer PCM WAV."""
    pcm = _pcm_format(path)
    with path.open("rb") as f:
        data = next((c for c in chunks(f, path, b"WAVE") if c.id == b"data"), None)
        if data is None:
            raise CorruptFileError(f"{path}: WAV without a 'data' chunk")
        f.seek(data.data_offset)
        return pcm.rate, _decode(f.read(data.length), pcm)


def _voice(voice: Path, rate: int) -> npt.NDArray[np.float64]:
    try:
        voice_rate, samples = read_wav(voice)
    except (CorruptFileError, UnsupportedFormatError, wave.Error) as exc:
        raise InputError(f"--voice {voice}: {exc}") from None
    if voice_rate != rate:
        raise InputError(
            f"--voice {voice} is {voice_rate} Hz and the audio {rate} Hz; resample the voice "
            f"cue first (ffmpeg -i {voice.name} -ar {rate} voice-{rate}.wav)"
        )
    mono: npt.NDArray[np.float64] = samples.mean(axis=1)
    return mono


def _label_wav(
    src: Path, dst: Path, position: CuePosition, rhythm: RhythmCue, voice: Path | None
) -> float:
    pcm = _pcm_format(src)
    rate, samples = read_wav(src)
    cue = _voice(voice, rate) if voice is not None else rhythm_samples(rate, rhythm)
    mixed = _encode(mix_cue(samples, cue, position), pcm)
    with src.open("rb") as f, dst.open("wb") as out:
        layout = list(chunks(f, src, b"WAVE"))
        parts = []
        for c in layout:
            if c.id == b"data":
                payload = mixed
            else:
                f.seek(c.data_offset)
                payload = f.read(c.length)
            pad = b"\x00" * (len(payload) & 1)
            parts.append(struct.pack("<4sI", c.id, len(payload)) + payload + pad)
        body = b"".join(parts)
        out.write(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body)
    return len(cue) / rate


_CODECS: Final = {
    "mp3": ["-c:a", "libmp3lame"],
    "flac": ["-c:a", "flac"],
    "vorbis": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus"],
    "aac": ["-c:a", "aac"],
}


def _label_with_ffmpeg(
    src: Path, dst: Path, position: CuePosition, rhythm: RhythmCue, voice: Path | None
) -> float:
    info = probe(src)
    if info.audio_codec is None or info.sample_rate is None:
        raise InputError(f"{src}: no audio stream to label")
    codec = _CODECS.get(info.audio_codec)
    if codec is None:
        raise UnsupportedFormatError(
            f"{src}: audio codec {info.audio_codec!r} is not supported for explicit labels"
        )
    with tempfile.TemporaryDirectory(prefix="hegui-cue-") as tmp:
        cue_path = Path(tmp) / "cue.wav"
        if voice is None:
            _write_mono(cue_path, rhythm_samples(info.sample_rate, rhythm), info.sample_rate)
        else:
            cue_path = voice
        cue_seconds = _duration(cue_path)
        start = {
            CuePosition.START: 0.0,
            CuePosition.END: max(0.0, info.duration - cue_seconds),
        }.get(position, max(0.0, (info.duration - cue_seconds) / 2))
        graph = (
            f"[1:a]adelay=delays={round(start * 1000)}:all=1[cue];"
            "[0:a][cue]amix=inputs=2:duration=longest:dropout_transition=0:normalize=0[mixed]"
        )
        bitrate = (
            ["-b:a", str(info.audio_bitrate)] if info.audio_bitrate and codec[1] != "flac" else []
        )
        run_ffmpeg(
            [
                "-i",
                str(src),
                "-i",
                str(cue_path),
                "-filter_complex",
                graph,
                "-map",
                "0:v?",
                "-c:v",
                "copy",
                "-map",
                "[mixed]",
                *codec,
                *bitrate,
                "-map_metadata",
                "0",
                # Ogg keeps its Vorbis comments at stream level.
                "-map_metadata:s:a",
                "0:s:a",
                "-ar",
                str(info.sample_rate),
                str(dst),
            ],
            src,
        )
    return cue_seconds


def _write_mono(path: Path, samples: npt.NDArray[np.float64], rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(_encode(samples[:, None], _Pcm(rate, 1, 2)))


def _duration(path: Path) -> float:
    try:
        rate, samples = read_wav(path)
        return len(samples) / rate
    except (CorruptFileError, UnsupportedFormatError):
        return probe(path).duration


def label_audio_file(
    src: Path,
    dst: Path,
    *,
    native_wav: bool,
    position: CuePosition = CuePosition.START,
    rhythm: RhythmCue = RhythmCue(),
    voice: Path | None = None,
) -> float:
    """Mix the cue into ``src``, writing ``dst``; returns the cue's length in seconds."""
    if native_wav:
        return _label_wav(src, dst, position, rhythm, voice)
    return _label_with_ffmpeg(src, dst, position, rhythm, voice)
