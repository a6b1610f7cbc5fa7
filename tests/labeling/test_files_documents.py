"""Implicit labels in PDF, OOXML, Markdown, plain text and HTML."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pptx
import pytest
from pypdf import PdfReader, PdfWriter

from hegui.errors import CorruptFileError, LabelConflictError, UnsupportedFormatError
from hegui.labeling import AigcLabel
from hegui.labeling._files import content_digest, inspect_file
from hegui.labeling._produce import label_file

from . import media
from .checks import assert_fails_untouched
from .conftest import PRODUCER, producer_label


def pdf(
    path: Path, *, info: bool = True, xmp: bytes | None = None, password: str | None = None
) -> Path:
    w = PdfWriter()
    w.add_blank_page(200, 200)
    if info:
        w.add_metadata({"/Title": "Report", "/Author": "Alice"})
    if xmp is not None:
        w.xmp_metadata = xmp  # type: ignore[assignment]
    if password:
        w.encrypt(password)
    w.write(path)
    return path


def docx_file(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("生成的报告")
    d.core_properties.author = "Alice"
    d.save(str(path))
    return path


def xlsx_file(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "数据"
    wb.save(path)
    return path


def pptx_file(path: Path) -> Path:
    p = pptx.Presentation()
    p.slides.add_slide(p.slide_layouts[0])
    p.save(str(path))
    return path


def text(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


DOCS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "pdf": (lambda p: pdf(p / "a.pdf"), "pdf.info"),
    "pdf-no-info": (lambda p: pdf(p / "a.pdf", info=False), "pdf.info"),
    "pdf-xmp": (lambda p: pdf(p / "a.pdf", xmp=media.XMP_WITH_CREATOR), "pdf.info"),
    "docx": (lambda p: docx_file(p / "a.docx"), "docx.custom_xml"),
    "xlsx": (lambda p: xlsx_file(p / "a.xlsx"), "xlsx.custom_xml"),
    "pptx": (lambda p: pptx_file(p / "a.pptx"), "pptx.custom_xml"),
    "markdown": (lambda p: text(p / "a.md", "# 标题\n\n正文。\n"), "markdown.front_matter"),
    "markdown-front-matter-crlf": (
        lambda p: text(p / "a.md", "---\r\ntitle: 你好\r\ntags: [a, b]\r\n---\r\n# Hi\r\n"),
        "markdown.front_matter",
    ),
    "text-bom": (lambda p: text(p / "a.txt", "\ufeff纯文本\n"), "text.front_matter"),
    "html": (
        lambda p: text(
            p / "a.html",
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>t</title></head>'
            "<body>正文</body></html>\n",
        ),
        "html.meta",
    ),
    "html-no-head": (
        lambda p: text(p / "a.html", "<!doctype html><html><p>x</p></html>"),
        "html.meta",
    ),
}


@pytest.mark.parametrize("kind", sorted(DOCS))
def test_round_trip(kind: str, tmp_path: Path) -> None:
    make, carrier = DOCS[kind]
    src = make(tmp_path)
    out = tmp_path / ("labeled" + src.suffix)
    before = src.read_bytes()
    label_file(src, PRODUCER, out, produce_id="doc-1")
    assert src.read_bytes() == before
    report = inspect_file(out)
    assert report.labels[0].carrier == carrier
    for found in report.labels:
        assert found.conforming, found.problems
        assert found.to_label() == AigcLabel.first_write(PRODUCER, "doc-1")
    assert content_digest(out) == content_digest(src)
    with pytest.raises(LabelConflictError, match="--replace"):  # relabelling is on purpose only
        label_file(out, PRODUCER, None, produce_id="doc-2")
    label_file(out, PRODUCER, None, produce_id="doc-2", replace=True)  # updates, never duplicates
    assert {f.fields["ProduceID"] for f in inspect_file(out).labels} == {"doc-2"}


def test_pdf_is_an_incremental_update_with_one_label_in_info(tmp_path: Path) -> None:
    src = pdf(tmp_path / "a.pdf", xmp=media.XMP_WITH_CREATOR)
    out = tmp_path / "b.pdf"
    label_file(src, PRODUCER, out)
    assert out.read_bytes().startswith(src.read_bytes())  # original revision untouched
    # GB 45438 §6.1 c): one label per file, in Info (no XMP copy).
    assert [f.carrier for f in inspect_file(out).labels] == ["pdf.info"]
    reader = PdfReader(out)
    assert reader.metadata is not None and reader.metadata["/Author"] == "Alice"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<rdf:li>Alice</rdf:li>" in xmp
    assert b'/AIGC ({"Label":"1"' in out.read_bytes()  # plain, greppable JSON


def test_ooxml_keeps_other_custom_properties_and_opens(tmp_path: Path) -> None:
    src = docx_file(tmp_path / "a.docx")
    label_file(src, PRODUCER, None)
    # Add a second custom property by hand, then relabel: both survive, pid stays unique.
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    custom = parts["docProps/custom.xml"].replace(
        b"</Properties>",
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="7" name="Dept">'
        b"<vt:lpwstr>Legal</vt:lpwstr></property></Properties>",
    )
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, custom if name == "docProps/custom.xml" else data)
    label_file(src, PRODUCER, None, produce_id="again", replace=True)
    with zipfile.ZipFile(src) as z:
        custom = z.read("docProps/custom.xml")
        types = z.read("[Content_Types].xml")
    assert b"<vt:lpwstr>Legal</vt:lpwstr>" in custom
    assert custom.count(b'name="AIGC"') == 1
    assert types.count(b"/docProps/custom.xml") == 1
    assert docx.Document(str(src)).paragraphs[0].text == "生成的报告"


@pytest.mark.parametrize(
    ("content", "conforming", "needle"),
    [
        ("---\nAIGC:\n  Label: 1\n  ProduceID: 000123\n---\nx\n", False, "number 000123"),
        ('---\nAIGC: \'{"Label":"1"}\'\n---\nx\n', False, "missing elements"),
        ("---\naigc:\n  Label: '1'\n---\nx\n", False, "expected 'AIGC'"),
        ("---\nAIGC: [1, 2]\n---\nx\n", False, "list"),
        ("---\nAIGC: {Label: '1'\n---\nx\n", False, "not valid YAML"),
    ],
    ids=["unquoted-numbers", "json-string", "lower-case-key", "list", "bad-yaml"],
)
def test_front_matter_variants(content: str, conforming: bool, needle: str, tmp_path: Path) -> None:
    (found,) = inspect_file(text(tmp_path / "a.md", content)).labels
    assert found.conforming is conforming
    assert any(needle in p for p in found.problems), found.problems


def test_front_matter_json_string_form_is_read(tmp_path: Path) -> None:
    path = text(tmp_path / "a.md", f"---\nAIGC: '{producer_label().to_json()}'\n---\nbody\n")
    (found,) = inspect_file(path).labels
    assert found.conforming, found.problems


def test_front_matter_block_replaced_other_keys_kept(tmp_path: Path) -> None:
    path = text(
        tmp_path / "a.md", "---\ntitle: x\nAIGC:\n  Label: '2'\n  Extra: y\nlast: z\n---\nbody\n"
    )
    label_file(path, PRODUCER, None, produce_id="md", replace=True)
    content = path.read_text()
    assert content.startswith('---\ntitle: x\nAIGC:\n  Label: "1"\n')
    assert content.endswith('  ReservedCode2: ""\nlast: z\n---\nbody\n')


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('<meta name="aigc" content=\'' + producer_label().to_json() + "'>", "expected 'AIGC'"),
        ('<meta property="AIGC" content=\'' + producer_label().to_json() + "'>", "property="),
    ],
)
def test_html_variants(content: str, needle: str, tmp_path: Path) -> None:
    path = text(tmp_path / "a.html", f"<!DOCTYPE html><html><head>{content}</head></html>")
    (found,) = inspect_file(path).labels
    assert not found.conforming and needle in found.problems[0]
    label_file(path, PRODUCER, None, replace=True)
    (fixed,) = inspect_file(path).labels
    assert fixed.conforming


def _cut(make: Callable[[Path], Path], keep: float) -> Callable[[Path], Path]:
    def f(tmp: Path) -> Path:
        path = make(tmp)
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])
        return path

    return f


@pytest.mark.parametrize(
    ("make", "error", "needle"),
    [
        (_cut(DOCS["docx"][0], 0.5), CorruptFileError, "ZIP"),
        (_cut(DOCS["pdf"][0], 0.3), CorruptFileError, "PDF"),
        (lambda p: pdf(p / "a.pdf", password="secret"), UnsupportedFormatError, "encrypted"),
        (lambda p: text(p / "a.md", b"---\ntitle: caf\xe9\n---\n"), CorruptFileError, "UTF-8"),
        (
            lambda p: text(p / "a.md", "---\nAIGC: {Label: '1'\n---\nx\n"),
            LabelConflictError,
            "YAML",
        ),
        (lambda p: _zip(p / "a.docx"), UnsupportedFormatError, "not a DOCX"),
    ],
    ids=[
        "docx-truncated",
        "pdf-truncated",
        "pdf-encrypted",
        "latin1-text",
        "bad-yaml",
        "plain-zip",
    ],
)
def test_bad_documents_fail_clearly_and_input_unchanged(
    make: Callable[[Path], Path], error: type[Exception], needle: str, tmp_path: Path
) -> None:
    assert_fails_untouched(make(tmp_path), error, needle)


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "x")
    return path
