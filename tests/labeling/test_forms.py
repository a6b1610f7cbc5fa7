"""The form hegui writes in each carrier, pinned with its clause (issue 18), and the forms it reads.

``golden/written_forms.json`` holds, per carrier, the stored value of a fixed label and the
clause that supports writing it that way (from ``hegui/labeling/data/placements.yaml``); run
``pytest --update-golden`` after a deliberate change.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from mutagen.id3 import ID3, TXXX

from hegui.labeling import LabelForm, placements, registered_formats
from hegui.labeling._files import inspect_file
from hegui.labeling._platform import verify_file
from hegui.labeling._produce import label_file
from hegui.labeling.carriers import carrier_for
from tests.helpers.cli import run_cli

from . import media
from .conftest import PRODUCER
from .fuzz import SEEDS

GOLDEN = Path(__file__).parent / "golden" / "written_forms.json"
MAKERS: dict[str, Callable[[Path], Path]] = {
    **{kind: (lambda s: lambda p: s[1](p / f"in{s[0]}"))(SEEDS[kind]) for kind in SEEDS},
    "text": lambda p: media_text(p / "in.txt"),
}
MAKERS["mp4"] = lambda p: Path(shutil.copy(media.DATA / "clip.mp4", p / "in.mp4"))
MAKERS["ogg"] = lambda p: Path(shutil.copy(media.DATA / "tone.ogg", p / "in.ogg"))


def media_text(path: Path) -> Path:
    path.write_text("纯文本。\n", encoding="utf-8")
    return path


def _written() -> dict[str, dict[str, str]]:
    out = {}
    for fmt in registered_formats():
        slot = carrier_for(fmt).slot
        out[fmt.value] = {"carrier": slot}
    return out


def test_every_written_carrier_has_a_documented_form() -> None:
    table = placements()
    for fmt in registered_formats():
        entry = table.written_by(carrier_for(fmt).slot)
        assert entry.confidence in ("V", "S", "M")
        if entry.confidence == "M":
            assert "UNCONFIRMED" in entry.note, entry
        else:
            assert entry.clause, entry
    assert table.security_data.confidence == "M" and "UNCONFIRMED" in table.security_data.note


def test_written_forms_match_golden(tmp_path: Path, update_golden: bool) -> None:
    formats = {f.value for f in registered_formats()}
    assert formats <= set(MAKERS), formats - set(MAKERS)
    table = placements()
    current: dict[str, dict[str, str]] = {}
    for kind in sorted(formats):
        work = tmp_path / kind
        work.mkdir()
        out = work / ("out" + MAKERS[kind](work).suffix)
        label_file(next(work.glob("in.*")), PRODUCER, out, produce_id="golden-1")
        (found,) = inspect_file(out).labels
        entry = table.written_by(found.carrier)
        assert found.conforming and found.standard_placement, found.problems
        assert found.form.value == entry.form
        current[kind] = {
            "carrier": found.carrier,
            "form": found.form.value,
            "stored": found.raw,
            "source": entry.source,
            "clause": entry.clause,
        }
    if update_golden:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(current, ensure_ascii=False, indent=2) + "\n")
    assert json.loads(GOLDEN.read_text()) == current


APPENDIX_E_B = (
    '{"AIGC": {"Label": "1", "ContentProducer": "' + PRODUCER + '", "ProduceID": "e-b-1", '
    '"ReservedCode1": "", "ContentPropagator": "' + PRODUCER + '", "PropagateID": "e-b-1", '
    '"ReservedCode2": ""}}'
)
"""The value exactly as GB 45438 Appendix E b) prints its format (spaces after the colons)."""


def _mp3_txxx(p: Path) -> Path:
    path = Path(shutil.copy(media.DATA / "bare.mp3", p / "a.mp3"))
    tags = ID3()
    tags.add(TXXX(encoding=3, desc="AIGC", text=[APPENDIX_E_B]))
    tags.save(path)
    return path


def _docx_custom(p: Path) -> Path:
    from .fuzz import _docx

    path = _docx(p / "a.docx")
    label_file(path, PRODUCER, None)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    custom = parts["docProps/custom.xml"]
    start = custom.index(b"<vt:lpwstr>") + len(b"<vt:lpwstr>")
    end = custom.index(b"</vt:lpwstr>")
    value = APPENDIX_E_B.replace("&", "&amp;").replace("<", "&lt;").encode()
    parts["docProps/custom.xml"] = custom[:start] + value + custom[end:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


APPENDIX_E_CASES: dict[str, Callable[[Path], Path]] = {
    "png-text": lambda p: media.png(p / "a.png", text=[("tEXt", "AIGC", APPENDIX_E_B)]),
    "png-xmp": lambda p: media.png(
        p / "a.png",
        text=[
            (
                "iTXt",
                "XML:com.adobe.xmp",
                '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf='
                '"http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
                'xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC>'
                + APPENDIX_E_B.replace("&", "&amp;").replace("<", "&lt;")
                + "</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>",
            )
        ],
    ),
    "mp3-txxx": _mp3_txxx,
    "docx-custom": _docx_custom,
}


@pytest.mark.parametrize("case", sorted(APPENDIX_E_CASES))
def test_a_file_written_exactly_as_appendix_e_b_prints_it_conforms(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = APPENDIX_E_CASES[case](tmp_path)
    r = run_cli(capsys, "label", "inspect", str(path), "--strict", "-f", "json")
    assert r.code == 0, r.stdout + r.stderr
    (label,) = json.loads(r.stdout)[0]["labels"]
    assert label["conforming"] is True and label["form"] == "wrapped", label
    assert label["fields"]["ProduceID"] == "e-b-1"


def test_pdf_with_two_labels_is_reported_and_relabelling_keeps_one(tmp_path: Path) -> None:
    """An earlier hegui wrote Info and an XMP copy; §6.1 c) keeps one label per file."""
    from pypdf import PdfWriter

    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf='
        '"http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
        'xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC>'
        + APPENDIX_E_B
        + "</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    w = PdfWriter()
    w.add_blank_page(100, 100)
    w.add_metadata({"/AIGC": APPENDIX_E_B})
    w.xmp_metadata = xmp.encode()  # type: ignore[assignment]
    path = tmp_path / "two.pdf"
    with path.open("wb") as f:
        w.write(f)
    labels = inspect_file(path).labels
    assert [lab.carrier for lab in labels] == ["pdf.info", "pdf.xmp"]
    assert all(any("holds 2 labels" in p for p in lab.problems) for lab in labels)
    with pytest.raises(Exception, match=r"6\.1 c"):
        label_file(path, PRODUCER, None, replace=True)


def test_security_data_in_reserved_code_is_named_and_unverifiable(tmp_path: Path) -> None:
    secured = {
        "Type": "Md",
        "Version": "1.0",
        "PubSD": [{"Alg": "1.2.156.10197.1.501", "Value": "3045"}],
    }
    value = {
        "Label": "1",
        "ContentProducer": PRODUCER,
        "ProduceID": "sd-1",
        "ReservedCode1": secured,
        "ContentPropagator": PRODUCER,
        "PropagateID": "sd-1",
        "ReservedCode2": "",
    }
    path = media.png(tmp_path / "a.png", text=[("tEXt", "AIGC", json.dumps(value))])
    (found,) = inspect_file(path).labels
    assert found.conforming, found.problems
    assert any("SecurityData" in n and "SM3withSM2" in n for n in found.notes)
    (result,) = verify_file(path).integrity
    assert result.status.value == "unverifiable" and "UNCONFIRMED" in result.detail
    assert found.form is LabelForm.OBJECT
