r"""Markdown and plain text: an ``AIGC`` mapping in YAML front matter.

Source: ``standards.md`` §2.4 and ``anchors.md`` §5.1 (grade C): files written by commercial
agents carry ``AIGC:`` with the seven keys in YAML front matter. hegui writes that mapping with
double-quoted values (the j) character set has no ``"`` or ``\``, so no escape is ever needed);
a JSON string as the value is read too. Only the ``AIGC`` block's lines change; other keys, the
body, the byte-order mark and the line endings are kept.

Values are read from the YAML node tree, not the resolved data, so ``ProduceID: 000123`` keeps its
digits and an unquoted ``Label: 1`` is reported as a number.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Final

import yaml

from hegui.errors import CorruptFileError
from hegui.labeling._found import RawLabel
from hegui.labeling._model import FIELD_ORDER
from hegui.labeling.carriers import FileFormat, carrier

__all__ = ["MarkdownCarrier", "TextCarrier", "decode_text"]

_STR: Final = "tag:yaml.org,2002:str"
_BOM: Final = "\ufeff"


def decode_text(path: Path) -> str:
    """The file as text (UTF-8, BOM kept), or a clear error."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorruptFileError(
            f"{path}: not valid UTF-8 at byte {exc.start}; hegui labels UTF-8 text only "
            "(convert it with `iconv -t UTF-8`)"
        ) from None


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Where the front matter is: line indexes of the opening and closing fences."""

    lines: list[str]
    """The file split with line endings kept."""
    close: int | None
    """Index of the closing fence, or None without front matter."""

    @property
    def yaml_text(self) -> str:
        """The YAML between the fences."""
        return "".join(self.lines[1 : self.close]) if self.close else ""


def front_matter(text: str) -> FrontMatter:
    """Split ``text`` into lines and find a ``---`` … ``---``/``...`` front matter block."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].lstrip(_BOM).rstrip("\r\n") != "---":
        return FrontMatter(lines, None)
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") in ("---", "..."):
            return FrontMatter(lines, i)
    return FrontMatter(lines, None)


def _aigc_node(fm: FrontMatter) -> tuple[yaml.Node, yaml.Node] | None:
    node = yaml.compose(fm.yaml_text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return None
    return next(((k, v) for k, v in node.value if str(k.value).upper() == "AIGC"), None)


_TRAILER_LINES: Final = 64


def _trailer(fm: FrontMatter, slot: str) -> list[RawLabel]:
    """An ``AIGC:`` block appended at the end of the text without fences (label audit)."""
    body = fm.lines[fm.close + 1 :] if fm.close is not None else fm.lines
    tail = body[-_TRAILER_LINES:]
    at = next(
        (i for i in range(len(tail) - 1, -1, -1) if tail[i].lstrip(_BOM).startswith("AIGC:")),
        None,
    )
    if at is None:
        return []
    block = [tail[at].lstrip(_BOM)]
    for line in tail[at + 1 :]:
        if line.strip() and not line[:1].isspace():
            break
        block.append(line)
    try:
        node = yaml.compose("".join(block), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return []
    place = (
        "label appended at the end of the text without front-matter fences; the text guide's "
        "practice puts it in front matter at the head of the file (non-standard placement)",
    )
    labels = _from_node(node.value[0][0], node.value[0][1], slot, place)
    return [dataclasses.replace(r, standard=False) for r in labels]


def _raw_labels(path: Path, slot: str) -> list[RawLabel]:
    fm = front_matter(decode_text(path))
    if fm.close is None:
        return _trailer(fm, slot.split(".")[0] + ".end")
    try:
        found = _aigc_node(fm)
    except yaml.YAMLError as exc:
        if "AIGC" not in fm.yaml_text:
            return []
        return [RawLabel(slot, "", problems=(f"front matter is not valid YAML ({exc})",))]
    if found is None:
        return _trailer(fm, slot.split(".")[0] + ".end")
    return _from_node(found[0], found[1], slot, ())


def _from_node(
    key: yaml.Node, value: yaml.Node, slot: str, extra: tuple[str, ...]
) -> list[RawLabel]:
    problems: tuple[str, ...] = extra + (
        () if key.value == "AIGC" else (f"key {key.value!r}; expected 'AIGC'",)
    )
    if isinstance(value, yaml.ScalarNode):
        return [RawLabel(slot, str(value.value), problems=problems)]
    if not isinstance(value, yaml.MappingNode):
        return [RawLabel(slot, "", problems=(*problems, "AIGC is a YAML list, not a mapping"))]
    mapping: dict[str, object] = {}
    for k, v in value.value:
        mapping[str(k.value)] = _scalar(v) if isinstance(v, yaml.ScalarNode) else "<structure>"
    return [RawLabel(slot, None, mapping=mapping, problems=problems)]


@dataclass(frozen=True, slots=True)
class _Unquoted:
    """An unquoted YAML number, kept as written (``000123`` stays ``000123``).

    The interpreter reports it as a number rather than a string.
    """

    text: str

    def __str__(self) -> str:
        return self.text


def _scalar(node: yaml.ScalarNode) -> object:
    if node.tag == _STR or node.style is not None:
        return str(node.value)
    resolved = yaml.safe_load(node.value) if node.value else None
    if isinstance(resolved, bool) or resolved is None:
        return resolved
    if isinstance(resolved, int | float):
        return _Unquoted(str(node.value))
    return str(node.value)


def render_block(value: str, newline: str) -> str:
    """The ``AIGC:`` mapping for a JSON label value."""
    import json

    fields = json.loads(value)
    body = "".join(f'  {k}: "{fields[k]}"{newline}' for k in FIELD_ORDER)
    return f"AIGC:{newline}{body}"


def _write(src: Path, dst: Path, value: str) -> None:
    text = decode_text(src)
    fm = front_matter(text)
    newline = "\r\n" if (fm.lines and fm.lines[0].endswith("\r\n")) else "\n"
    block = render_block(value, newline)
    lines = fm.lines
    if fm.close is None:
        bom = _BOM if text.startswith(_BOM) else ""
        if bom:
            lines = [lines[0][1:], *lines[1:]]
        out = bom + "---" + newline + block + "---" + newline + "".join(lines)
    else:
        try:
            found = _aigc_node(fm)
        except yaml.YAMLError as exc:
            raise CorruptFileError(f"{src}: the front matter is not valid YAML ({exc})") from None
        if found is None:
            out = "".join(lines[: fm.close]) + block + "".join(lines[fm.close :])
        else:
            key, node = found
            start = 1 + key.start_mark.line
            end = 1 + node.end_mark.line + (1 if node.end_mark.column else 0)
            end = min(end, fm.close)
            out = "".join(lines[:start]) + block + "".join(lines[end:])
    dst.write_bytes(out.encode("utf-8"))


def _essence(path: Path) -> str:
    fm = front_matter(decode_text(path))
    body = fm.lines[fm.close + 1 :] if fm.close is not None else fm.lines
    text = "".join(body)
    return hashlib.sha256(text.lstrip(_BOM).encode("utf-8")).hexdigest()


@carrier("hegui/markdown")
class MarkdownCarrier:
    """YAML front matter ``AIGC`` in Markdown."""

    format: ClassVar[FileFormat] = FileFormat.MARKDOWN
    slot: ClassVar[str] = "markdown.front_matter"
    digest_version: ClassVar[int] = 1

    def read(self, path: Path) -> list[RawLabel]:
        """The ``AIGC`` key of the front matter."""
        return _raw_labels(path, self.slot)

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Replace or add the ``AIGC`` block; add front matter if there is none."""
        _write(src, dst, value)

    def essence(self, path: Path) -> str | None:
        """The text after the front matter."""
        return _essence(path)


@carrier("hegui/text")
class TextCarrier(MarkdownCarrier):
    """The same front matter at the top of a plain-text file.

    Plain text has no metadata slot; what TC260-PG-20258A prescribes for it was not found
    (``standards-verification-2026-12.md`` item 40: UNCONFIRMED), so hegui uses the guide's
    Markdown form (metadata at the head of the file). The block is visible to readers.
    """

    format: ClassVar[FileFormat] = FileFormat.TEXT
    slot: ClassVar[str] = "text.front_matter"
    digest_version: ClassVar[int] = 1
