from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from hegui.errors import ConfigError
from hegui.safety import LexiconEntry, load_lexicon
from hegui.safety._filing import export_filing, import_filing, map_category

from .conftest import make_lexicon


@pytest.mark.parametrize(
    ("level1", "level2", "risk"),
    [
        ("包含违反社会主义核心价值观的内容", "宣扬恐怖主义、极端主义", "A.1.d"),
        ("违反社会主义核心价值观", "宣扬恐怖主义，极端主义", "A.1.d"),  # drifted punctuation
        ("包含歧视性内容", "民族歧视", "A.2.a"),  # 内容 dropped
        ("侵犯他人合法权益", "侵犯他人隐私权", "A.4.e"),  # 侵犯 for 侵害
        ("", "A.1.h", "A.1.h"),  # an id is fine
        ("包含歧视性内容", "宣扬恐怖主义、极端主义", None),  # category contradicts the risk
        ("其他", "不存在的分类", None),
    ],
)
def test_category_mapping(level1: str, level2: str, risk: str | None) -> None:
    assert map_category(level1, level2) == risk


CSV = (
    "关键词,一级分类,二级分类\r\n"
    "炸药配方,包含违反社会主义核心价值观的内容,宣扬恐怖主义、极端主义\r\n"
    "某词,自定义分类,我们自己的分类\r\n"
    ",包含歧视性内容,民族歧视内容\r\n"
    "地域黑,包含歧视性内容,地域歧视内容\r\n"
)


def test_csv_import_reports_unmappable_rows_by_line(tmp_path: Path) -> None:
    path = tmp_path / "附件4.csv"
    path.write_bytes(CSV.encode("utf-8-sig"))
    result = import_filing(path)
    assert [(e.term, e.risk) for e in result.lexicon.entries] == [
        ("炸药配方", "A.1.d"),
        ("地域黑", "A.2.d"),
    ]
    assert [i.line for i in result.rejected] == [3, 4]
    assert result.rows == 4
    with pytest.raises(ConfigError) as info:
        load_lexicon(path)  # loading for use is strict
    assert [i.line for i in info.value.issues] == [3, 4]


def test_gb18030_csv_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes(
        "关键词,一级分类,二级分类\n赌球,,其他法律、行政法规禁止的内容\n".encode("gb18030")
    )
    assert [e.risk for e in load_lexicon(path).entries] == ["A.1.h"]


def test_xlsx_round_trip_keeps_terms_and_risks(tmp_path: Path) -> None:
    lex = make_lexicon(
        LexiconEntry(term="炸药配方", risk="A.1.d"),
        LexiconEntry(term="地域黑", risk="A.2.d"),
        LexiconEntry(term="人肉搜索", risk="A.4.f"),
    )
    for name in ("out.xlsx", "out.csv"):
        path = tmp_path / name
        export_filing(lex, path)
        back = load_lexicon(path)
        assert [(e.term, e.risk) for e in back.entries] == [(e.term, e.risk) for e in lex.entries]
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0]
    assert [c.value for c in next(sheet.iter_rows())] == ["关键词", "一级分类", "二级分类"]


def test_missing_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text("term,category\nx,y\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="关键词") as info:
        import_filing(path)
    assert info.value.line == 1
