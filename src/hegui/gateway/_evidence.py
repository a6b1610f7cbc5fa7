"""Evidence from the gateway's configuration, for ``hegui status`` and the dossier.

Each runtime duty the gateway discharges gets a record (check ``gateway.config``) of the kb's
evidence kind for it: ``EV-moderation-pipeline`` (screening in and out), ``EV-implicit-label-spec``
and ``EV-explicit-label-spec`` (labels), ``EV-log-retention``, ``EV-complaint-channel``,
``EV-user-sanction-log`` (the user rule, whose log is in the store), passing or failing on what
``gateway.yaml`` sets. The records say
what is configured, not that traffic flowed: the audit log shows that. A record is written only
when the configuration (its files' digests) or the result changed since the last one.
"""

from __future__ import annotations

from collections.abc import Sequence

from hegui.evidence import Evidence, EvidenceResult, EvidenceStore, InputDigest, digest_file
from hegui.gateway._settings import FailMode, TextLabelPlace
from hegui.gateway._site import Site
from hegui.store import MIN_RETENTION_MONTHS

__all__ = ["CHECK", "config_evidence", "record_config_evidence"]

CHECK = "gateway.config"


def _inputs(site: Site) -> tuple[InputDigest, ...]:
    paths = [site.settings_path]
    paths += [p for p in (site.lexicon, site.policy) if p is not None and p.is_file()]
    return tuple(digest_file(p, name=p.relative_to(site.root).as_posix()) for p in paths)


def config_evidence(site: Site) -> list[Evidence]:
    """One record per runtime duty, judged from ``site``'s settings."""
    s = site.settings
    inputs = _inputs(site)
    out: list[Evidence] = []

    def add(
        kind: str | tuple[str, ...],
        tests: tuple[str, ...],
        ok: bool,
        summary: str,
        details: dict[str, object],
        partial: bool = False,
    ) -> None:
        result = (
            EvidenceResult.PASS
            if ok
            else (EvidenceResult.PARTIAL if partial else EvidenceResult.FAIL)
        )
        out.append(
            Evidence(
                check=CHECK,
                tests=tests,
                kinds=(kind,) if isinstance(kind, str) else kind,
                inputs=inputs,
                result=result,
                summary=summary,
                details=details,
            )
        )

    screen_in, screen_out = s.screening.input.enabled, s.screening.output.enabled
    add(
        "EV-moderation-pipeline",
        ("GAI-14a", "DS-10a"),
        screen_in and screen_out,
        "inputs and outputs (streamed too) are screened before they pass"
        if screen_in and screen_out
        else "screening is off for " + ("inputs" if not screen_in else "outputs"),
        {
            "input": screen_in,
            "output": screen_out,
            "input_messages": s.screening.input.messages.value,
            "lexicon": str(site.lexicon.relative_to(site.root)) if site.lexicon else "starter",
            "policy": str(site.policy.relative_to(site.root)) if site.policy else "default",
            "fail_closed": s.fail.screening is FailMode.CLOSED,
        },
        partial=screen_in or screen_out,
    )
    implicit = s.labeling.implicit and s.labeling.producer is not None
    explicit = s.labeling.text.explicit is not TextLabelPlace.NONE
    add(
        ("EV-implicit-label-spec", "EV-explicit-label-spec")
        if explicit
        else "EV-implicit-label-spec",
        ("LBL-04", "LBL-05", "GAI-12"),
        implicit,
        "answers carry the GB 45438 implicit label"
        + (
            f"; text answers an explicit label ({s.labeling.text.explicit.value})"
            if explicit
            else "; no explicit text label (needed where LBL Art. 4 applies)"
        )
        if implicit
        else "no implicit label on answers",
        {
            "implicit": implicit,
            "producer": s.labeling.producer,
            "explicit_text": s.labeling.text.explicit.value,
            "explicit_images": s.labeling.images.explicit,
        },
    )
    months = s.retention.keep_months
    add(
        "EV-log-retention",
        ("CSL-23",),
        months >= MIN_RETENTION_MONTHS,
        f"every request is logged and kept {months} months (prune refuses younger records)"
        if months >= MIN_RETENTION_MONTHS
        else f"declared retention of {months} months is below the six months of CSL Art. 21 (3)",
        {
            "keep_months": months,
            "input": s.retention.input.value,
            "output": s.retention.output.value,
            "fail_closed": s.fail.audit is FailMode.CLOSED,
        },
    )
    c = s.complaints
    add(
        "EV-complaint-channel",
        ("GAI-15", "DS-12"),
        c is not None,
        f"POST /v1/complaints is open; feedback within {c.time_limit}"
        if c is not None
        else "no complaint channel (set complaints.time_limit in gateway.yaml)",
        {
            "time_limit_seconds": int(c.time_limit.total_seconds()) if c else None,
            "categories": list(c.categories) if c else [],
        },
    )
    rule = s.users.rule
    add(
        "EV-user-sanction-log",
        ("GAI-14b", "DS-10c"),
        rule is not None and s.users.require_id,
        "refused inputs count per user; warnings and suspensions are recorded"
        + ("" if s.users.require_id else "; requests without a user id escape the rule")
        if rule is not None
        else "no user rule: repeated refused requests have no consequence",
        {
            "require_id": s.users.require_id,
            "warn_after": rule.warn_after if rule else None,
            "suspend_after": rule.suspend_after if rule else None,
            "window_seconds": int(rule.window.total_seconds()) if rule else None,
            "suspend_seconds": int(rule.suspend_for.total_seconds()) if rule else None,
        },
        partial=rule is not None,
    )
    return out


def record_config_evidence(site: Site, store: EvidenceStore) -> Sequence[Evidence]:
    """Add the records whose inputs or result differ from the last one of their kind."""
    written: list[Evidence] = []
    for ev in config_evidence(site):
        previous = store.find(check=CHECK, kind=ev.kinds[0])
        last = previous[-1] if previous else None
        if last is not None and last.inputs == ev.inputs and last.result == ev.result:
            continue
        store.add(ev)
        written.append(ev)
    return written
