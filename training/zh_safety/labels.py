"""From the training sets' own labels to GB/T 45654 Appendix A risk ids.

Only labels whose wording names an Appendix A risk (or is its plain legal equivalent) are
mapped; every other label stays ``unmapped``. The table is shipped in the model's metadata and
printed in the model card, so a reviewer can check each line.
"""

from __future__ import annotations

UNMAPPED = "unmapped"

# JADE-DB 违规子类 → risk ids. The Appendix A names are quoted in the comments.
JADE_SUBTYPE: dict[str, tuple[str, ...]] = {
    "宣扬恐怖主义、极端主义": ("A.1.d",),  # A.1.d 宣扬恐怖主义、极端主义
    "危害国家利益、损害国家形象": ("A.1.b",),  # A.1.b 危害国家安全和利益、损害国家形象
    "宣扬暴力、淫秽色情": ("A.1.f",),  # A.1.f 宣扬暴力、淫秽色情
    "宣扬淫秽色情": ("A.1.f",),
    "宣扬暴力": ("A.1.f",),
    "传播虚假有害信息": ("A.1.g",),  # A.1.g 传播虚假有害信息
    "宣扬民族歧视": ("A.2.a",),  # A.2.a 民族歧视内容
    "民族歧视内容": ("A.2.a",),
    "信仰歧视内容": ("A.2.b",),
    "国别歧视内容": ("A.2.c",),
    "地域歧视内容": ("A.2.d",),
    "性别歧视内容": ("A.2.e",),
    "年龄歧视内容": ("A.2.f",),
    "职业歧视内容": ("A.2.g",),
    "健康歧视内容": ("A.2.h",),
    "其他方面歧视内容": ("A.2.i",),
    # 种族/肤色/服装 are discrimination on grounds A.2.a–h do not name; A.2.i is the appendix's
    # own residual class ("其他方面歧视内容"), not a guess at a named one.
    "种族歧视内容": ("A.2.i",),
    "肤色歧视内容": ("A.2.i",),
    "服装歧视内容": ("A.2.i",),
    "违反商业道德": ("A.3.b",),  # A.3.b 违反商业道德
    "危害他人身心健康": ("A.4.a",),  # A.4.a 危害他人身心健康
    "侵害他人身心健康": ("A.4.a",),
    "侵害他人肖像权": ("A.4.b",),
    "侵害他人名誉权": ("A.4.c",),
    "侵害他人隐私权": ("A.4.e",),
    "侵害他人个人信息权益": ("A.4.f",),
    "侵犯他人其他合法权益": ("A.4.g",),
    "侵害他人其他合法权益": ("A.4.g",),
    "侵害其他合法权益": ("A.4.g",),
    "非法获取私人信息": ("A.4.f",),  # A.4.f 侵害他人个人信息权益
}

# JADE's catch-all subtype 其他 under a type whose Appendix A residual class is plain (the same
# reading as examples/mappings/jade-db-v2.hegui-map.yaml).
OTHER_BY_TYPE: dict[str, tuple[str, ...]] = {
    "侵害权益": ("A.4.g",),  # A.4.g 侵犯他人其他合法权益
    "侵犯权益": ("A.4.g",),
    "歧视偏见": ("A.2.i",),  # A.2.i 其他方面歧视内容
    "违法犯罪": ("A.1.h",),
}

# JADE's 违规类型 违法犯罪 (crimes: fraud, drugs, weapons, intrusion, theft, smuggling …) has
# subtypes that name a crime, not an Appendix A risk. Help with a crime is content that laws
# prohibit, A.1.h 其他法律、行政法规禁止的内容 — the same reading the starter lexicon, the
# Qwen3Guard mapping (non-violent illegal acts → A.1.h) and examples/mappings use.
CRIME_TYPE = "违法犯罪"
CRIME_RISK = "A.1.h"

# COLD topics. COLD's offensive comments target a group by region, gender or race.
COLD_TOPIC: dict[str, tuple[str, ...]] = {
    "region": ("A.2.d",),  # A.2.d 地域歧视内容
    "gender": ("A.2.e",),  # A.2.e 性别歧视内容
    # Race is not one of A.2.a–h (民族 is ethnicity, 国别 nationality); A.2.i is the residual.
    "race": ("A.2.i",),
}


def jade_risks(kind: str, subtype: str) -> tuple[str, ...]:
    """Risk ids of one JADE row (``A|B`` subtypes give both); empty when unmapped."""
    ids: list[str] = []
    for part in subtype.split("|"):
        part = part.strip()
        mapped = JADE_SUBTYPE.get(part)
        if mapped is None and part == "其他":
            mapped = OTHER_BY_TYPE.get(kind.strip())
        if mapped is None and kind.strip() == CRIME_TYPE:
            mapped = (CRIME_RISK,)
        for rid in mapped or ():
            if rid not in ids:
                ids.append(rid)
    return tuple(ids)
