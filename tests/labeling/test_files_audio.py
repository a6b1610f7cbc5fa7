"""Implicit labels in WAV, MP3, FLAC and Ogg: round trip, tags kept, audio untouched."""

from __future__ import annotations

import shutil
import wave
from collections.abc import Callable
from pathlib import Path

import mutagen
import pytest
from mutagen.id3 import ID3

from hegui.errors import CorruptFileError
from hegui.labeling import AigcLabel
from hegui.labeling._files import content_digest, inspect_file
from hegui.labeling._produce import label_file

from . import media
from .checks import assert_fails_untouched
from .conftest import PRODUCER, producer_label


def fixture(name: str) -> Callable[[Path], Path]:
    def copy(tmp: Path) -> Path:
        return Path(shutil.copy(media.DATA / name, tmp / name))

    return copy


AUDIO: dict[str, Callable[[Path], Path]] = {
    "wav": lambda p: media.wav(p / "a.wav"),
    "wav-stereo": lambda p: media.wav(p / "a.wav", channels=2, seconds=0.3),
    "mp3-id3v23-v1": fixture("tone.mp3"),
    "mp3-untagged": fixture("bare.mp3"),
    "flac": fixture("tone.flac"),
    "ogg-vorbis": fixture("tone.ogg"),
    "ogg-opus": fixture("tone.opus"),
}
CARRIERS = {
    "wav": "wav.riff",
    "mp3": "mp3.id3_txxx",
    "flac": "flac.vorbis_comment",
    "ogg": "ogg.vorbis_comment",
}


@pytest.fixture(params=sorted(AUDIO))
def audio(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return AUDIO[request.param](tmp_path)


def _tags(path: Path) -> dict[str, list[str]]:
    """Every tag mutagen sees, minus our label."""
    f = mutagen.File(path)
    if f is None or f.tags is None:
        return {}
    out: dict[str, list[str]] = {}
    for key, value in f.tags.items():
        if "AIGC" not in str(key).upper():
            out[str(key)] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return out


def test_round_trip_keeps_audio_and_tags(audio: Path, tmp_path: Path) -> None:
    out = tmp_path / ("labeled" + audio.suffix)
    before = audio.read_bytes()
    result = label_file(audio, PRODUCER, out, produce_id="snd-1")
    assert audio.read_bytes() == before
    assert result.carrier == CARRIERS[result.format.value]
    (found,) = inspect_file(out).labels
    assert found.conforming, found.problems
    assert found.to_label() == AigcLabel.first_write(PRODUCER, "snd-1")
    assert content_digest(out) == content_digest(audio)
    if audio.suffix != ".wav":
        assert _tags(out) == _tags(audio)


def test_relabel_replaces(audio: Path) -> None:
    label_file(audio, PRODUCER, None, produce_id="one")
    label_file(audio, PRODUCER, None, produce_id="two", replace=True)
    (found,) = inspect_file(audio).labels
    assert found.fields["ProduceID"] == "two"


def test_wav_samples_identical(tmp_path: Path) -> None:
    src = media.wav(tmp_path / "a.wav", channels=2)
    out = tmp_path / "b.wav"
    label_file(src, PRODUCER, out)
    with wave.open(str(src)) as a, wave.open(str(out)) as b:
        assert a.getparams() == b.getparams()
        assert a.readframes(a.getnframes()) == b.readframes(b.getnframes())


def test_mp3_keeps_id3_version_and_v1_trailer(tmp_path: Path) -> None:
    src = fixture("tone.mp3")(tmp_path)
    out = tmp_path / "b.mp3"
    label_file(src, PRODUCER, out)
    assert ID3(out).version == (2, 3, 0)
    assert out.read_bytes()[-128:] == src.read_bytes()[-128:]
    assert ID3(out, translate=False).getall("TYER")[0].text == ["2024"]


def test_wav_list_info_variant_is_read_and_reported(tmp_path: Path) -> None:
    path = media.wav(tmp_path / "a.wav")
    value = producer_label().to_json().encode()
    info = b"INFO" + b"AIGC" + len(value).to_bytes(4, "little") + value + b"\x00" * (len(value) & 1)
    data = path.read_bytes() + b"LIST" + len(info).to_bytes(4, "little") + info
    path.write_bytes(data[:4] + (len(data) - 8).to_bytes(4, "little") + data[8:])
    (found,) = inspect_file(path).labels
    assert found.carrier == "wav.list_info"
    assert not found.conforming and "top-level AIGC chunk" in found.problems[0]


def test_vorbis_comment_keys_are_case_insensitive(tmp_path: Path) -> None:
    path = fixture("tone.flac")(tmp_path)
    f = mutagen.File(path)
    f["aigc"] = [producer_label().to_json()]
    f.save()
    (found,) = inspect_file(path).labels
    assert found.conforming
    label_file(
        path, PRODUCER, None, replace=True
    )  # replaces the lower-case key rather than adding a second
    assert len(inspect_file(path).labels) == 1


def _cut(name: str, keep: int | float) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = AUDIO[name](tmp)
        data = path.read_bytes()
        path.write_bytes(data[: keep if isinstance(keep, int) else int(len(data) * keep)])
        return path

    return make


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (_cut("wav", 0.7), "truncated"),
        (_cut("wav", 20), "truncated"),
        (_cut("mp3-id3v23-v1", 40), "corrupt or truncated"),
        (_cut("flac", 30), "corrupt or truncated"),
        (_cut("ogg-vorbis", 0.97), "end-of-stream"),
        (_cut("ogg-opus", 50), "corrupt or truncated"),
    ],
    ids=["wav-data", "wav-header", "mp3-tag", "flac-metadata", "ogg-pages", "opus-header"],
)
def test_bad_audio_fails_clearly_and_leaves_input_unchanged(
    make: Callable[[Path], Path], needle: str, tmp_path: Path
) -> None:
    assert_fails_untouched(make(tmp_path), CorruptFileError, needle)
