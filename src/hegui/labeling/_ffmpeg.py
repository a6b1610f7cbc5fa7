"""Running ffmpeg and ffprobe for the audio and video explicit labels."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hegui.errors import CorruptFileError, MissingToolError

__all__ = ["MediaInfo", "probe", "run_ffmpeg", "tool"]


def tool(name: str, feature: str) -> str:
    """Path of ``ffmpeg``/``ffprobe``, or a clear error naming the Debian package."""
    found = shutil.which(name)
    if found is None:
        raise MissingToolError(feature, name, "ffmpeg")
    return found


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What the explicit labelers need to know about a media file."""

    duration: float
    width: int | None
    height: int | None
    audio_codec: str | None
    audio_bitrate: int | None
    sample_rate: int | None
    video_codec: str | None


def probe(path: Path) -> MediaInfo:
    """Duration, video size and codecs, via ffprobe."""
    ffprobe = tool("ffprobe", "labeling audio and video")
    done = subprocess.run(
        [ffprobe, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CorruptFileError(f"{path}: ffprobe cannot read it ({_last(done.stderr)})")
    data: dict[str, Any] = json.loads(done.stdout)
    streams = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    duration = float(data.get("format", {}).get("duration") or 0.0)
    return MediaInfo(
        duration=duration,
        width=int(video["width"]) if video else None,
        height=int(video["height"]) if video else None,
        audio_codec=audio.get("codec_name") if audio else None,
        audio_bitrate=int(audio["bit_rate"]) if audio and audio.get("bit_rate") else None,
        sample_rate=int(audio["sample_rate"]) if audio and audio.get("sample_rate") else None,
        video_codec=video.get("codec_name") if video else None,
    )


def run_ffmpeg(args: list[str], src: Path) -> None:
    """Run ffmpeg with ``args`` (no overwrite prompts, errors only)."""
    ffmpeg = tool("ffmpeg", "labeling audio and video")
    done = subprocess.run(
        [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CorruptFileError(f"{src}: ffmpeg failed ({_last(done.stderr)})")


def _last(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
