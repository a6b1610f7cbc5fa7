"""The shared CSV/XLSX mechanics of the filing attachments (``hegui._table``)."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hegui._table import Table, read_table, require_columns, write_table
from hegui.errors import ConfigError, MissingDependencyError

HEADER = ("关键词", "一级分类", "二级分类")
# A blank line between the header and the data, cells padded the way Excel users leave them.
CSV_TEXT = "关键词,一级分类,二级分类\r\n\r\n 炸药配方 ,包含违法内容,宣扬恐怖主义\r\n赌球,,\r\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_or_gb18030(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    [sheet] = read_table(path, extra="safety")
    assert (sheet.name, sheet.header, sheet.header_line) == (None, HEADER, 1)
    assert [(r.line, r.cells) for r in sheet.rows] == [
        (3, {"关键词": "炸药配方", "一级分类": "包含违法内容", "二级分类": "宣扬恐怖主义"}),
        (4, {"关键词": "赌球", "一级分类": "", "二级分类": ""}),
    ]


def test_csv_line_is_where_a_multiline_record_ends(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n"line one\nline two",x\ny,z\n', encoding="utf-8")
    [sheet] = read_table(path, extra="evals")
    assert [(r.line, r.get("a")) for r in sheet.rows] == [(3, "line one\nline two"), (4, "y")]


def test_bytes_neither_utf8_nor_gb18030_name_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n\xff\xff\n")
    with pytest.raises(ConfigError, match="byte offset 4") as info:
        read_table(path, extra="safety")
    assert str(path) in str(info.value)
    assert "CSV UTF-8" in str(info.value.issues[0].fix)


def test_xlsx_every_sheet_with_its_row_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "生成内容"
    first.append([None])  # the header may start below a blank row
    first.append(["序号", "测试题", None, "二级分类"])
    first.append([1, " 问题一 ", "ignored: no column name", "民族歧视"])
    first.append([None, None])
    first.append([2, "问题二"])
    second = book.create_sheet("非拒答")
    second.append(["测试题"])
    second.append(["春节有哪些习俗？"])
    book.create_sheet("空白")
    path = tmp_path / "t.xlsx"
    book.save(path)
    sheets = read_table(path, extra="evals")
    assert [(s.name, s.header, s.header_line) for s in sheets] == [
        ("生成内容", ("序号", "测试题", "", "二级分类"), 2),
        ("非拒答", ("测试题",), 1),
        ("空白", (), 0),
    ]
    assert [(r.line, r.cells) for r in sheets[0].rows] == [
        (3, {"序号": "1", "测试题": "问题一", "二级分类": "民族歧视"}),
        (5, {"序号": "2", "测试题": "问题二", "二级分类": ""}),  # read-only pads short rows
    ]
    assert [(r.line, r.get("测试题")) for r in sheets[1].rows] == [(2, "春节有哪些习俗？")]
    assert sheets[0].rows[1].get("二级分类") == ""
    assert (sheets[0].field("测试题"), sheets[1].field("测试题")) == (
        "生成内容!测试题",
        "非拒答!测试题",
    )


@pytest.mark.parametrize(
    ("suffix", "message"),
    [
        (".csv", "missing column(s) 关键词, 二级分类 in the header row (term, 一级分类)"),
        (".xlsx", "sheet 'Sheet': missing column(s) 关键词, 二级分类 in the header row"),
    ],
)
def test_missing_columns_are_named_with_file_line_and_fix(
    tmp_path: Path, suffix: str, message: str
) -> None:
    path = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        path.write_text("\nterm,一级分类\nx,y\n", encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        book.active.append([])
        book.active.append(["term", "一级分类"])
        book.save(path)
    [sheet] = read_table(path, extra="safety")
    with pytest.raises(ConfigError) as info:
        require_columns(sheet, HEADER, path)
    [issue] = info.value.issues
    assert message in issue.problem
    assert issue.line == 2
    assert issue.fix == "the header row needs: 关键词 / 一级分类 / 二级分类"
    assert str(info.value).startswith(f"{path}:2: ")
    require_columns(sheet, ("一级分类",), path)  # a present column passes


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("absent.csv", None, "file not found"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a readable XLSX workbook"),
    ],
)
def test_unreadable_files_name_the_file(
    tmp_path: Path, name: str, content: bytes | None, problem: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match=problem) as info:
        read_table(path, extra="evals")
    assert info.value.path == path


TABLES = [
    Table("生成内容测试题库（A.1-A.5）", ["序号", "测试题"], [["1", "第一行\n第二行"], ["2", "b"]]),
    Table(None, ["序号", "测试题"], [["1", "问题"]]),
]


def test_xlsx_with_two_sheets_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_table(path, TABLES, extra="evals", widths=(6, 60))
    sheets = read_table(path, extra="evals")
    assert [(s.name, s.header) for s in sheets] == [
        ("生成内容测试题库（A.1-A.5）", ("序号", "测试题")),
        ("Sheet1", ("序号", "测试题")),
    ]
    assert [[list(r.cells.values()) for r in s.rows] for s in sheets] == [
        [list(r) for r in t.rows] for t in TABLES
    ]
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert (ws.freeze_panes, ws["A1"].font.b, ws.column_dimensions["B"].width) == ("A2", True, 60)


def test_xlsx_replaces_control_characters_it_cannot_hold(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_table(path, [Table("s", ["回答"], [["a\x00b\x1bc"]])], extra="evals")
    [sheet] = read_table(path, extra="evals")
    assert sheet.rows[0].get("回答") == "a\ufffdb\ufffdc"


def test_xlsx_cells_starting_with_equals_are_text_not_formulas(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    answers = ["=1+1", '=HYPERLINK("http://example.invalid","点我")']
    write_table(
        path, [Table("s", ["=序号", "模型回答"], [["1", a] for a in answers])], extra="evals"
    )
    [sheet] = read_table(path, extra="evals")
    assert sheet.header == ("=序号", "模型回答")
    assert [r.get("模型回答") for r in sheet.rows] == answers
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert {c.data_type for row in ws.iter_rows() for c in row} == {"s"}


def test_csv_is_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_table(path, [Table(None, ["关键词", "二级分类"], [["赌球", "A, B"]])], extra="safety")
    assert path.read_bytes() == '\ufeff关键词,二级分类\r\n赌球,"A, B"\r\n'.encode()


_cell = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp")),
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    suffix=st.sampled_from([".csv", ".xlsx"]),
    rows=st.lists(st.lists(_cell, min_size=3, max_size=3), max_size=6),
)
def test_what_is_written_reads_back(tmp_path: Path, suffix: str, rows: list[list[str]]) -> None:
    path = tmp_path / f"round{suffix}"
    write_table(path, [Table("附件4", HEADER, rows)], extra="safety")
    [sheet] = read_table(path, extra="safety")
    assert sheet.header == HEADER
    assert [[r.get(c) for c in HEADER] for r in sheet.rows] == rows
    assert [r.line for r in sheet.rows] == list(range(2, len(rows) + 2))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_write_replaces_atomically_and_leaves_no_temp_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"out{suffix}"
    write_table(path, [Table("s", ["a"], [["old"]])], extra="evals")
    write_table(path, [Table("s", ["a"], [["new"]])], extra="evals")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert read_table(path, extra="evals")[0].rows[0].get("a") == "new"
    with pytest.raises(UnicodeEncodeError):  # fails while building the file: the old one stays
        write_table(path, [Table("s", ["a"], [["\ud800"]])], extra="evals")
    if suffix == ".csv":
        with pytest.raises(ValueError, match="one table"):
            write_table(path, [Table("s", ["a"], []), Table("t", ["a"], [])], extra="evals")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert read_table(path, extra="evals")[0].rows[0].get("a") == "new"


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot write a table as '\.txt'") as info:
        write_table(tmp_path / "out.txt", [Table(None, ["a"], [])], extra="safety")
    assert info.value.issues[0].fix == "use a .csv or .xlsx file name"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("extra", ["safety", "evals"])
def test_xlsx_without_openpyxl_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    path = tmp_path / "t.xlsx"
    write_table(path, [Table("s", ["a"], [["x"]])], extra=extra)
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # what `import openpyxl` sees uninstalled
    with pytest.raises(MissingDependencyError, match=rf"hegui\[{extra}\]"):
        read_table(path, extra=extra)
    with pytest.raises(MissingDependencyError, match="writing XLSX"):
        write_table(path, [Table("s", ["a"], [])], extra=extra)
    csv_path = tmp_path / "t.csv"
    write_table(csv_path, [Table(None, ["a"], [["x"]])], extra=extra)  # CSV needs no openpyxl
    assert read_table(csv_path, extra=extra)[0].rows[0].get("a") == "x"
