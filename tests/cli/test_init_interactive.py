"""``hegui init`` asks its questions through questionary; drive them with real keystrokes."""

from __future__ import annotations

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from hegui._yaml import parse_yaml
from hegui.cli.profile import _ask
from hegui.kb._profile import parse_profile
from hegui.kb._starter import StarterAnswers, render_starter

DOWN = "\x1b[B"


def test_answers_become_a_valid_profile() -> None:
    keys = [
        "测试公司\r",  # provider name
        "91310115MA1K4AAA0D\r",  # USCC
        "小助手\r",  # service name
        "y",  # offered to the public
        "\r",  # roles: provider is pre-selected
        "y",  # generates content
        " \r",  # modalities: text
        f"{DOWN}\r",  # model source: fine_tuned
        f"{DOWN} {DOWN} \r",  # features: writing, companion
        "n",  # no personal information
    ]
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        with create_app_session(input=pipe, output=DummyOutput()):
            answers = _ask(StarterAnswers())
    profile = parse_profile(parse_yaml(render_starter(answers)))
    assert profile.provider.name == "测试公司"
    assert profile.provider.uscc == "91310115MA1K4AAA0D"
    assert profile.service.public_in_prc is True
    assert [r.value for r in profile.service.roles] == ["provider"]
    assert [m.value for m in profile.service.modalities] == ["text"]
    assert profile.service.model_source == "fine_tuned"
    assert [f.value for f in profile.service.features] == ["writing", "companion"]
    assert profile.data.personal_information.processes is False


def test_a_bad_uscc_is_refused_until_corrected() -> None:
    keys = [
        "测试公司\r",
        "91310115MA1K4AAA0X\r",  # wrong check character: the prompt refuses it
        "\x7fD\r",  # backspace, the right character
        "研究模型\r",
        "n",  # not public
        "y",  # research only
        "\r",
        "n",  # no generative AI
        "\r",  # no features
        "n",
    ]
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        with create_app_session(input=pipe, output=DummyOutput()):
            answers = _ask(StarterAnswers())
    assert answers.uscc == "91310115MA1K4AAA0D"
    assert (answers.public_in_prc, answers.research_only, answers.genai) == (False, True, False)
    parse_profile(parse_yaml(render_starter(answers)))
