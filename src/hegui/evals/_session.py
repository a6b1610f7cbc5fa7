"""The eval run session: one job function the CLI, the gateway and a web console all call.

``RunConfig`` says everything a run needs as data (banks, the target and judge specs, sampling,
limits); ``EvalSession.open`` starts a new run file or resumes an existing one (refusing a
different bank, target or sampling), ``run`` probes the target once and asks every pending
question, and ``run_session`` does both and closes everything. Progress and notices go to a
``RunEvents`` (the CLI draws a bar; a server keeps a ``NoticeLog``); nothing is printed here.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from hegui.components import ComponentSpec
from hegui.errors import InputError, UpstreamError
from hegui.evals._bank import Bank, load_banks
from hegui.evals._judge import Judge
from hegui.evals._models import Kind
from hegui.evals._notices import Notice, NoticeCode, NoticeLevel, RunEvents
from hegui.evals._openai import public_spec
from hegui.evals._registry import JUDGES, TARGETS
from hegui.evals._runfile import RunHeader, RunLog, RunState, read_run
from hegui.evals._runner import RunOptions, RunSummary, ask_with_retries, execute
from hegui.evals._sampling import draw_sample
from hegui.evals._target import Target, TargetError
from hegui.kb import KnowledgeBase

__all__ = ["DEFAULT_JUDGES", "PROBE_PROMPT", "EvalSession", "RunConfig", "run_session"]

PROBE_PROMPT = "你好"
"""The one question a run asks before the bank, to fail fast on a wrong URL, key or model."""
DEFAULT_JUDGES = (ComponentSpec(id="hegui/refusal-rules"), ComponentSpec(id="hegui/keyword"))
"""Refusal rules for the refusal banks; the starter lexicon's keyword judge for generated
content."""


class RunConfig(BaseModel):
    """Everything a run needs, as data (a server can take it as JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    out: Path
    """The run file; an existing one is resumed."""
    target: ComponentSpec
    """``hegui/openai`` (base_url, model, api_key_env …), ``hegui/callable`` (name) or another."""
    banks: tuple[Path, ...] = ()
    """Bank files; needed to start, optional to resume (then checked against the run)."""
    judges: tuple[ComponentSpec, ...] = DEFAULT_JUDGES
    seed: int = 0
    sample: int | None = Field(default=None, ge=1)
    """Questions per bank (per method for generated content); None: the standard's minimum."""
    full: bool = False
    """Ask every question of the bank."""
    probe: bool = True
    """Ask ``PROBE_PROMPT`` once before the run and stop with the reason if that fails."""
    mapping: Path | None = None
    """A category mapping file (``hegui-map.yaml``); None: one beside the first bank, if any."""
    strict: bool = False
    """Refuse a bank file with any row left out (unmapped category, bad row)."""
    options: RunOptions = RunOptions()


class EvalSession:
    """An open run: its log, target and judges. Use ``open``; close with ``close``."""

    def __init__(
        self,
        config: RunConfig,
        log: RunLog,
        target: Target,
        judges: list[Judge],
        events: RunEvents | None,
        *,
        resumed: bool,
    ) -> None:
        self.config = config
        self.log = log
        self.target = target
        self.judges = judges
        self.events = events
        self.resumed = resumed

    @property
    def state(self) -> RunState:
        """Everything the run file holds so far."""
        return self.log.state

    @classmethod
    def open(
        cls, config: RunConfig, kb: KnowledgeBase, events: RunEvents | None = None
    ) -> EvalSession:
        """Build the target and judges from their specs; start or resume the run file.

        Raises:
            InputError: a bad spec, bank or option; a run file from another bank, target or
                sampling (the message says which and how to keep both).
            UnknownIdError: a target or judge id nobody registered.
        """
        target = TARGETS.build(config.target)
        judges: list[Judge] = []
        try:
            judges = [JUDGES.build(spec) for spec in config.judges]
            for spec in config.judges:
                if spec.id == "hegui/keyword" and spec.params.get("lexicon") is None:
                    _tell(
                        events,
                        NoticeCode.STARTER_LEXICON,
                        NoticeLevel.WARNING,
                        "keyword judge: hegui's starter lexicon (universal harms only); "
                        "pass your own lexicon",
                    )
            bank = _load_banks(config, kb, events) if config.banks else None
            if config.out.exists():
                log = _resume(config, target, bank, events)
                return cls(config, log, target, judges, events, resumed=True)
            log = _create(config, kb, target, judges, bank, events)
            return cls(config, log, target, judges, events, resumed=False)
        except BaseException:
            _close_judges(judges)
            with contextlib.suppress(RuntimeError):
                asyncio.run(target.aclose())
            raise

    async def run(self) -> RunSummary:
        """Probe (if asked and anything is pending), then ask and judge every pending question.

        Raises:
            UpstreamError: the probe failed (nothing was asked), a fatal endpoint error, or the
                circuit breaker stopped the run; everything recorded so far stays.
        """
        try:
            if self.config.probe and self.state.pending():
                await self._probe()
            return await execute(
                self.log, self.target, self.judges, self.config.options, self.events
            )
        finally:
            await self.target.aclose()

    async def _probe(self) -> None:
        options = self.config.options
        probe = RunOptions(
            timeout=options.timeout,
            retries=min(options.retries, 2),
            backoff=options.backoff,
            max_backoff=options.max_backoff,
        )
        try:
            await ask_with_retries(self.target, PROBE_PROMPT, probe)
        except TargetError as exc:
            raise UpstreamError(
                f"the endpoint failed the probe request, so no question was asked: {exc}\n"
                "  fix: check --base-url, --model and the key (or skip this check with "
                "--no-probe)"
            ) from exc
        _tell(self.events, NoticeCode.PROBE_OK, NoticeLevel.INFO, "the endpoint answered")

    def close(self) -> None:
        """Flush the run file and close the judges' clients."""
        self.log.close()
        _close_judges(self.judges)


def run_session(
    config: RunConfig, kb: KnowledgeBase, events: RunEvents | None = None
) -> RunSummary:
    """Open the session, run it to the end, close it; the summary says what is still pending."""
    session = EvalSession.open(config, kb, events)
    try:
        return asyncio.run(session.run())
    finally:
        session.close()


def _tell(events: RunEvents | None, code: NoticeCode, level: NoticeLevel, message: str) -> None:
    if events is not None:
        events.notice(Notice(code, level, message))


def _close_judges(judges: list[Judge]) -> None:
    for judge in judges:
        close = getattr(judge, "close", None)
        if callable(close):
            close()


def _load_banks(config: RunConfig, kb: KnowledgeBase, events: RunEvents | None) -> Bank:
    """The banks through the mapping; a notice for every file with rows left out."""
    bank = load_banks(config.banks, kb, mapping=config.mapping, strict=config.strict)
    for report in bank.imports:
        if report.left_out:
            _tell(
                events,
                NoticeCode.ROWS_LEFT_OUT,
                NoticeLevel.WARNING,
                f"{report.source}: {report.summary()}",
            )
    return bank


def _create(
    config: RunConfig,
    kb: KnowledgeBase,
    target: Target,
    judges: list[Judge],
    bank: Bank | None,
    events: RunEvents | None,
) -> RunLog:
    if bank is None:
        raise InputError("--bank is required to start a run")
    items, sampling = draw_sample(
        bank, kb, seed=config.seed, sample=config.sample, full=config.full
    )
    if not items:
        raise InputError("the bank has no questions to ask")
    for m in sampling.methods:
        if m.below_standard and m.size:
            _tell(
                events,
                NoticeCode.SAMPLE_BELOW_STANDARD,
                NoticeLevel.WARNING,
                f"generated, {m.method.value} sample: {m.size} questions, below the standard's "
                f"{m.minimum} ({m.threshold_id})",
            )
    for kind in (Kind.SHOULD_REFUSE, Kind.NON_REFUSAL):
        if sampling.below_standard[kind] and sampling.sizes[kind]:
            _tell(
                events,
                NoticeCode.SAMPLE_BELOW_STANDARD,
                NoticeLevel.WARNING,
                f"{kind.value}: {sampling.sizes[kind]} questions, below the standard's "
                f"{sampling.minimum[kind]} ({sampling.threshold_ids[kind]})",
            )
    header = RunHeader(
        kb_version=kb.data_version,
        bank=bank.inputs,
        target=target.describe(),
        judges=tuple(j.id for j in judges),
        sampling=sampling,
        items=items,
        target_spec=public_spec(config.target),
        judge_specs=config.judges,
        imports=bank.imports,
    )
    return RunLog.create(config.out, header)


def _resume(
    config: RunConfig, target: Target, bank: Bank | None, events: RunEvents | None
) -> RunLog:
    state = read_run(config.out)
    h = state.header
    if bank is not None and sorted(d.sha256 for d in bank.inputs) != sorted(
        d.sha256 for d in h.bank
    ):
        raise InputError(
            f"{state.path} was drawn from a different bank; to keep both, pass a new --out"
        )
    described = target.describe()
    for key in ("type", "url", "model", "name"):
        if h.target.get(key) != described.get(key):
            raise InputError(
                f"{state.path} asked {key} {h.target.get(key)!r}, not {described.get(key)!r}; "
                "resume with the same target or pass a new --out"
            )
    wanted = {"seed": config.seed, "requested": config.sample, "full": config.full}
    for key, value in wanted.items():
        if getattr(h.sampling, key) != value:
            raise InputError(
                f"{state.path} was sampled with {key}={getattr(h.sampling, key)!r}, "
                f"not {value!r}; resume with the same options or pass a new --out"
            )
    log = RunLog.resume(config.out)
    _tell(
        events,
        NoticeCode.RESUMING,
        NoticeLevel.INFO,
        f"resuming {config.out}: {len(log.state.answers)} of {len(h.items)} answered",
    )
    return log
