"""Markdown for ``hegui kb diff`` and ``hegui scope --since``, in Chinese or English."""

from __future__ import annotations

from hegui.kb._changes import ChangeItem, KbDiff, ScopeDiff
from hegui.kb._vocabulary import Lang

__all__ = ["change_label", "change_reason", "field_label", "render_changes_markdown"]

_CHANGE = {
    "added": ("新增", "added"),
    "removed": ("删除", "removed"),
    "changed": ("变更", "changed"),
}
_KIND = {"instrument": ("规定", "instrument"), "obligation": ("义务", "obligation"),
         "procedure": ("程序", "procedure")}  # fmt: skip
_FIELD = {
    "trigger": ("触发条件", "trigger"),
    "roles": ("约束角色", "roles bound"),
    "article": ("条款", "article"),
    "deadline": ("期限", "deadline"),
    "confidence": ("可信度", "confidence"),
    "text": ("条文表述", "wording"),
    "kind": ("条目类型", "row kind"),
    "required": ("是否需要", "required"),
    "route": ("路径", "route"),
    "cases": ("判定情形", "decision cases"),
    "scope": ("适用范围", "scope"),
    "status": ("状态", "status"),
    "issued": ("发布日期", "issue date"),
    "effective": ("施行日期", "effective date"),
    "doc_number": ("文号", "document number"),
}
_REASON = {
    "correction": ("更正", "correction"),
    "new_instrument": ("新增规定", "new instrument"),
    "new_fact": ("新增事实", "new fact"),
    "new_rule": ("新增条目", "new rule"),
}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def change_label(item: ChangeItem, lang: Lang) -> str:
    """The kind of change, e.g. 新增义务 or ``removed procedure``."""
    change, kind = _pick(_CHANGE[item.change], lang), _pick(_KIND[item.kind], lang)
    return f"{change}{kind}" if lang == "zh" else f"{change} {kind}"


def field_label(field: str, lang: Lang) -> str:
    """A changed field's label, e.g. 触发条件 or ``trigger``."""
    return _pick(_FIELD.get(field, (field, field)), lang)


def change_reason(item: ChangeItem, lang: Lang) -> str:
    """The changelog reasons of an item, with their reference (E3) and text."""
    parts = []
    for c in item.reasons:
        ref = f" {c.ref}" if c.ref else ""
        parts.append(f"[{_pick(_REASON[c.reason], lang)}{ref}] {c.zh if lang == 'zh' else c.en}")
    return " ".join(parts) or ("（变更日志未说明）" if lang == "zh" else "(not in the changelog)")


def render_changes_markdown(diff: KbDiff | ScopeDiff, lang: Lang = "zh") -> str:
    """The differences as a Markdown list, each with what changed and why."""
    zh = lang == "zh"
    if isinstance(diff, ScopeDiff):
        title = (
            f"# {diff.provider}：知识库 {diff.old} → {diff.new} 的变化"
            if zh
            else f"# What changed for {diff.provider}: kb {diff.old} → {diff.new}"
        )
    else:
        title = (
            f"# 知识库 {diff.old} → {diff.new} 的变化" if zh else f"# kb {diff.old} → {diff.new}"
        )
    out = [title, ""]
    if not diff.items:
        out.append("无变化。" if zh else "Nothing changed.")
    sep = "、" if zh else ", "
    for item in diff.items:
        name = (item.name_zh if zh else item.name_en) or item.name_en or ""
        fields = sep.join(field_label(f, lang) for f in item.fields)
        moved = (f"（{fields}）" if zh else f" ({fields})") if fields else ""
        head = change_label(item, lang)
        if zh:
            out.append(f"- **{head} {item.id}**{moved}：{name}")
            out.append(f"  - 原因：{change_reason(item, lang)}")
        else:
            out.append(f"- **{head} {item.id}**{moved}: {name}")
            out.append(f"  - Why: {change_reason(item, lang)}")
    return "\n".join(out) + "\n"
