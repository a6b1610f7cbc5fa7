"""Chinese and English names for every id a report would otherwise print raw.

Facts, profile enum members, roles, events, routes and verdicts all have a label here, and
trigger atoms (``'chat' in features``, ``pi_individuals >= 1000000``) are turned into
sentences, so a Chinese report never shows ``standard_contract_or_certification``. A test
checks that every member of every vocabulary has both labels.
"""

from __future__ import annotations

import ast
import re
from typing import Literal

__all__ = ["LABELS", "Lang", "describe_atom", "fact_label", "label"]

Lang = Literal["zh", "en"]

_L = dict[str, tuple[str, str]]

FACT_LABELS: _L = {
    "always": ("所有网络运营者", "every network operator"),
    "public_prc": ("面向境内公众提供", "offered to the public in mainland China"),
    "research_only": ("仅用于研发、不对外提供", "research and development only"),
    "roles": ("角色", "roles"),
    "genai": ("使用生成式人工智能", "uses generative AI"),
    "modalities": ("生成内容类型", "kinds of generated content"),
    "model_source": ("模型来源", "model source"),
    "features": ("产品功能", "product features"),
    "export_download": (
        "用户可下载、复制、导出生成内容",
        "users can download, copy or export output",
    ),
    "registered_users": ("用户注册账号", "users register accounts"),
    "serves_minors": ("有未成年人使用", "minors use the service"),
    "serves_elderly": ("有老年人使用", "elderly people use the service"),
    "ciio": ("关键信息基础设施运营者", "critical information infrastructure operator"),
    "mlps_level": ("等级保护级别", "MLPS level"),
    "offshore": ("服务提供者设在境外", "provider established outside the PRC"),
    "processes_pi": ("处理个人信息", "processes personal information"),
    "sensitive_pi": ("处理敏感个人信息", "processes sensitive personal information"),
    "minor_u14_pi": ("处理不满十四周岁未成年人个人信息", "processes PI of children under 14"),
    "pi_individuals": ("处理个人信息的人数", "individuals whose PI is processed"),
    "face_individuals": ("存储人脸信息的人数", "people whose face information is stored"),
    "automated_decision": ("利用个人信息进行自动化决策", "automated decisions with PI"),
    "xb_nonsensitive_ytd": (
        "当年累计出境个人信息人数（不含敏感）",
        "individuals' non-sensitive PI exported this year",
    ),
    "xb_sensitive_ytd": (
        "当年累计出境敏感个人信息人数",
        "individuals' sensitive PI exported this year",
    ),
    "xb_important_data": ("向境外提供重要数据", "exports important data"),
    "important_data": ("处理重要数据", "holds important data"),
    "trains_on_user_inputs": ("用户输入用作训练数据", "user inputs used as training data"),
    "algorithm_types": ("算法类型", "algorithm types"),
    "algo_rec": ("应用算法推荐技术", "applies algorithm recommendation technology"),
    "deep_synthesis": ("应用深度合成技术", "uses deep-synthesis technology"),
    "poa": (
        "具有舆论属性或社会动员能力",
        "public-opinion attribute or social-mobilization capacity",
    ),
    "confusable_output": ("输出可能导致公众混淆或误认", "output may confuse the public"),
    "biometric_editing": ("提供生物识别信息编辑功能", "edits faces, voices or other biometrics"),
    "tool_gen_biometric": (
        "提供生成或编辑生物识别信息的工具",
        "offers tools that generate or edit biometrics",
    ),
    "info_publishing": ("提供信息发布或即时通讯服务", "offers information publishing or messaging"),
    "personalization": ("个性化推荐", "personalized recommendation"),
    "key_slots": (
        "首页首屏、热搜、榜单等重点环节",
        "front pages, trending lists and similar key slots",
    ),
    "news_service": ("提供互联网新闻信息服务", "provides internet news information"),
    "dispatches_workers": ("向劳动者提供工作调度", "dispatches work to workers"),
    "sells_to_consumers": ("向消费者销售商品或服务", "sells to consumers"),
    "cross_border": (
        "向境外提供个人信息或重要数据",
        "exports personal information or important data",
    ),
    "trains_models": ("训练或微调模型", "trains or fine-tunes models"),
    "research_rnd": ("开展人工智能研发", "does AI research and development"),
    "ethics_sensitive_ai_rnd": (
        "人工智能研发涉及科技伦理敏感领域",
        "AI R&D touching ethically sensitive areas",
    ),
    "significant_impact": (
        "自动化决策对个人权益有重大影响",
        "automated decisions with significant impact",
    ),
    "ethics_recheck_activity": ("研发活动属于伦理审查复核清单", "R&D on the ethics re-review list"),
    "large_platform": ("大型网络平台", "large network platform"),
}

LABELS: dict[str, _L] = {
    "features": {
        "chat": ("对话", "chat"),
        "writing": ("写作", "writing"),
        "companion": (
            "陪伴（人设、角色扮演、情感陪伴）",
            "companion (personas, role-play, emotional companionship)",
        ),
        "face_recognition": ("人脸识别（身份核验）", "face recognition (identity verification)"),
        "voice_synthesis": ("语音合成", "voice synthesis"),
        "voice_cloning": ("声音克隆", "voice cloning"),
        "face_generation": ("人脸生成", "face generation"),
        "face_swap": ("人脸替换", "face swap"),
        "biometric_editing": ("生物识别信息编辑", "biometric editing"),
        "immersive_scene": ("沉浸式拟真场景", "immersive realistic scenes"),
        "forum": ("论坛", "forum"),
        "comments": ("评论", "comments"),
        "group_chat": ("群聊", "group chat"),
        "live_streaming": ("网络直播", "live streaming"),
        "short_video": ("短视频", "short video"),
        "public_accounts": ("公众账号", "public accounts"),
        "recommendation_feed": ("推荐信息流", "recommendation feed"),
        "trending_lists": ("热搜、榜单", "trending lists"),
        "news": ("新闻资讯", "news"),
        "worker_dispatch": ("劳动者调度", "worker dispatch"),
        "consumer_pricing": ("面向消费者的定价", "consumer pricing"),
    },
    "modalities": {
        "text": ("文本", "text"),
        "image": ("图片", "images"),
        "audio": ("音频", "audio"),
        "video": ("视频", "video"),
        "virtual_scene": ("虚拟场景", "virtual scenes"),
    },
    "model_source": {
        "own_foundation_model": ("自研基础模型", "own foundation model"),
        "fine_tuned": ("微调模型", "fine-tuned model"),
        "open_source_deployed": ("部署开源模型", "deployed open-source model"),
        "api_of_filed_model": ("调用已备案模型接口", "API of a filed model"),
        "none": ("无", "none"),
    },
    "algorithm_types": {
        "gen_synth": ("生成合成类", "generation/synthesis"),
        "personalized_push": ("个性化推送类", "personalized push"),
        "sort_select": ("排序精选类", "sorting/selection"),
        "retrieve_filter": ("检索过滤类", "retrieval/filtering"),
        "schedule_decide": ("调度决策类", "scheduling/decision-making"),
    },
    "roles": {
        "provider": ("服务提供者", "provider"),
        "tech_supporter": ("技术支持者", "technical supporter"),
        "dissemination_platform": ("内容传播平台", "dissemination platform"),
        "app_store": ("应用程序分发平台", "app distribution platform"),
        "user": ("使用者", "user"),
        "network_operator": ("网络运营者", "network operator"),
        "pi_handler": ("个人信息处理者", "personal-information handler"),
        "data_handler": ("数据处理者", "data handler"),
        "important_data_handler": ("重要数据处理者", "important-data handler"),
        "ciio": ("关键信息基础设施运营者", "CII operator"),
        "research_unit": ("科研单位", "research unit"),
        "foreign_pi_handler": ("境外个人信息处理者", "foreign PI handler"),
        "any": ("任何组织和个人", "any organisation or individual"),
        "authority": ("主管部门", "authority"),
    },
    "events": {
        "service_launch": ("服务上线", "service launch"),
        "new_feature": ("新增功能", "new feature"),
        "major_change": ("重大变更", "major change"),
        "filing_changed": ("备案信息变更", "filed information changes"),
        "service_terminated": ("服务终止", "service terminated"),
        "illegal_content_found": ("发现违法内容", "illegal content found"),
        "user_misconduct": ("使用者违法违规", "user misconduct"),
        "incident": ("发生安全事件", "security incident"),
        "pi_breach": ("个人信息泄露、篡改、丢失", "personal-information breach"),
        "inspection": ("监督检查", "inspection"),
        "rights_request": ("个人行使权利请求", "rights request"),
        "foreign_authority_request": ("境外机构调取数据", "foreign authority request"),
        "user_requests_unlabeled": ("用户申请无显式标识内容", "user asks for unlabeled output"),
        "upload_received": ("收到用户上传内容", "upload received"),
        "app_listing": ("应用上架审核", "app listing review"),
        "filing_submitted": ("提交备案材料", "filing submitted"),
        "sa_assessment_trigger": ("出现《安全评估规定》第三条情形", "an SA Art. 3 occasion"),
        "vulnerability_found": ("发现安全漏洞", "vulnerability found"),
        "violation": ("违反规定", "violation"),
    },
    "routes": {
        "security_assessment": ("数据出境安全评估", "CAC security assessment"),
        "standard_contract_or_certification": (
            "标准合同备案或个人信息保护认证",
            "standard contract or certification",
        ),
        "exempt": ("豁免", "exempt"),
        "none": ("无出境", "no export"),
        "to_confirm": ("待向网信部门确认", "to confirm with the CAC"),
    },
    "required": {
        "required": ("需要", "required"),
        "not_required": ("不需要", "not required"),
        "review": ("需研判", "review"),
    },
    "origins": {
        "profile": ("档案填写", "profile"),
        "derived": ("推定", "derived"),
        "override": ("档案覆盖设定", "override"),
    },
}


def label(table: str, value: str, lang: Lang) -> str:
    """The label of ``value`` in ``table`` (``features``, ``routes`` …); the id if unknown."""
    pair = LABELS[table].get(value)
    if pair is None:
        return value
    return pair[0] if lang == "zh" else pair[1]


def fact_label(name: str, lang: Lang) -> str:
    """The label of a fact (``public_prc`` → 面向境内公众提供)."""
    pair = FACT_LABELS.get(name)
    if pair is None:
        return name
    return pair[0] if lang == "zh" else pair[1]


_TABLE_OF = {
    "features": "features",
    "modalities": "modalities",
    "model_source": "model_source",
    "algorithm_types": "algorithm_types",
    "roles": "roles",
}
_SPECIAL: _L = {
    "practice:public_chat": (
        "面向公众的生成式对话服务（备案实践，S）",
        "public generative chat (filing practice, S)",
    ),
    "override": ("在档案 overrides 中设定", "set in profile overrides"),
}
_ACTUAL = re.compile(r" \(= ([\d,]+)\)$")
_OPS = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def _member(fact: str, value: str, lang: Lang) -> str:
    table = _TABLE_OF.get(fact)
    shown = label(table, value, lang) if table else value
    return f"「{shown}」" if lang == "zh" else f"“{shown}”"


def describe_atom(atom: str, lang: Lang) -> str:
    """A trigger atom or derivation reason as a phrase.

    ``'chat' in features`` becomes 产品功能包含「对话」 or ``product features include “chat”``.
    """
    if atom in _SPECIAL:
        zh, en = _SPECIAL[atom]
        return zh if lang == "zh" else en
    actual = _ACTUAL.search(atom)
    core = atom[: actual.start()] if actual else atom
    if core.startswith("not (") and core.endswith(")"):
        inner = describe_atom(core[5:-1], lang)
        return f"并非：{inner}" if lang == "zh" else f"not: {inner}"
    try:
        node = ast.parse(core, mode="eval").body
    except SyntaxError:
        return atom
    text = _describe(node, lang)
    if text is None:
        return atom
    if actual:
        text += f"（实际 {actual.group(1)}）" if lang == "zh" else f" (actual {actual.group(1)})"
    return text


def _describe(node: ast.expr, lang: Lang) -> str | None:
    zh = lang == "zh"
    if isinstance(node, ast.Name):
        return fact_label(node.id, lang)
    if not isinstance(node, ast.Compare) or len(node.ops) != 1:
        return None
    op, left, right = node.ops[0], node.left, node.comparators[0]
    if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Name):
        member = _member(right.id, str(ast.literal_eval(left)), lang)
        what = fact_label(right.id, lang)
        if isinstance(op, ast.In):
            return f"{what}包含{member}" if zh else f"{what} include {member}"
        return f"{what}不含{member}" if zh else f"{what} exclude {member}"
    if not isinstance(left, ast.Name):
        return None
    what = fact_label(left.id, lang)
    value = ast.literal_eval(right)
    if isinstance(value, tuple | list | set):
        choices = ("或" if zh else " or ").join(_member(left.id, str(v), lang) for v in value)
        negated = isinstance(op, ast.NotIn)
        if zh:
            return f"{what}{'不是' if negated else '为'}{choices}"
        return f"{what} {'is not' if negated else 'is'} {choices}"
    if isinstance(value, str):
        is_eq = isinstance(op, ast.Eq)
        member = _member(left.id, value, lang)
        if zh:
            return f"{what}{'为' if is_eq else '不是'}{member}"
        return f"{what} {'is' if is_eq else 'is not'} {member}"
    symbol = _OPS[ast.unparse(node).split()[1]]
    return f"{what} {symbol} {value:,}"
