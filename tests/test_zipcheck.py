"""Crafted ZIP packages (security review S12, S14) are refused before anything inflates them."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from hegui._table import Table, read_table, write_table
from hegui._zipcheck import ZipLimits, open_zip
from hegui.errors import ConfigError, CorruptFileError


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _zeros_entry(size: int) -> bytes:
    """A ZIP with one deflated entry of ``size`` zero bytes, built in chunks (small memory)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc, chunk, parts = 0, b"\0" * (1 << 20), []
    for _ in range(size >> 20):
        crc = zlib.crc32(chunk, crc)
        parts.append(comp.compress(chunk))
    parts.append(comp.flush())
    body = b"".join(parts)
    name = b"xl/media/pad.bin"
    local = (
        struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(body), size, len(name), 0
        )
        + name
    )
    central = (
        struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(body),
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            0,
        )
        + name
    )
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(body), 0
    )
    return local + body + central + end


def test_an_ordinary_package_passes() -> None:
    with open_zip(
        _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>" * 1000}),
        name="ok.xlsx",
    ) as z:
        assert z.read("xl/workbook.xml") == b"<x/>" * 1000


def test_duplicate_names_are_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z, pytest.warns(UserWarning, match="Duplicate name"):
        z.writestr("word/document.xml", b"a")
        z.writestr("word/document.xml", b"b")
    with pytest.raises(CorruptFileError, match="appears twice"):
        open_zip(buf.getvalue(), name="dup.docx")


def test_a_central_directory_listing_one_entry_many_times_is_refused() -> None:
    # CVE-2024-0450: eight central entries share one local header, so 1 part inflates 8 times.
    data = _zip({"a.xml": b"<a/>" * 100})
    cd_start = data.index(b"PK\x01\x02")
    eocd = data.index(b"PK\x05\x06")
    central = data[cd_start:eocd]
    copies = b"".join(central.replace(b"a.xml", f"{i}.xml"[:5].encode()) for i in range(8))
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 8, 8, len(copies), cd_start, 0)
    with pytest.raises(CorruptFileError, match="overlap"):
        open_zip(data[:cd_start] + copies + end, name="overlap.docx")


def test_a_zip_bomb_is_refused_by_ratio_and_by_total() -> None:
    bomb = _zeros_entry(256 << 20)  # 256 MiB of zeros in about 250 kB
    assert len(bomb) < 400_000
    with pytest.raises(CorruptFileError, match="max_inflate_ratio"):
        open_zip(bomb, name="bomb.xlsx")
    with pytest.raises(CorruptFileError, match=r"max_inflated_bytes limit \(1000000\)"):
        open_zip(
            bomb,
            name="bomb.xlsx",
            limits=ZipLimits(max_inflate_ratio=10**9, max_inflated_bytes=1_000_000),
        )


def test_read_table_refuses_a_bomb_before_openpyxl_inflates_it(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_zeros_entry(256 << 20))
    with pytest.raises(ConfigError, match="decompression bomb") as err:
        read_table(path, extra="safety")
    assert str(path) in str(err.value)


def test_rows_and_cells_are_capped_while_reading(tmp_path: Path) -> None:
    rows = [[f"词{i}", "A.1.a"] for i in range(50)]
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"big{suffix}"
        write_table(path, [Table("附件4", ["关键词", "一级分类"], rows)], extra="safety")
        assert len(read_table(path, extra="safety")[0].rows) == 50
        with pytest.raises(ConfigError, match="more than 20 rows") as err:
            read_table(path, extra="safety", max_rows=20)
        assert err.value.line == 21
        with pytest.raises(ConfigError, match="more than 30 cells"):
            read_table(path, extra="safety", max_cells=30)
