"""Labels: explicit text labels where configured, images labeled before they leave."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest

from hegui.labeling import inspect_file
from tests.gateway.harness import PRODUCER, running, settings
from tests.gateway.upstream import Reply, Upstream
from tests.labeling.peers import need_cjk_font


def _png(size: tuple[int, int] = (256, 160)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def _labels_of(tmp_path: Path, data: bytes, name: str) -> list[dict[str, str | None]]:
    path = tmp_path / name
    path.write_bytes(data)
    report = inspect_file(path)
    assert all(found.conforming for found in report.labels), report
    return [found.fields for found in report.labels]


def test_explicit_text_labels_at_start_and_end(upstream: Upstream, tmp_path: Path) -> None:
    doc = settings(upstream.url, labeling={"producer": PRODUCER, "text": {"explicit": "both"}})
    upstream.default = Reply(text="一段回答。")
    with running(tmp_path, doc) as gw, gw.client() as c:
        r = c.post(
            "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "写"}]},
        )
        assert r.json()["choices"][0]["message"]["content"] == (
            "本内容由人工智能生成\n\n一段回答。\n\n本内容由人工智能生成"
        )
        r = c.post(
            "/v1/chat/completions",
            json={"model": "m", "stream": True, "messages": [{"role": "user", "content": "写"}]},
        )
        events = [json.loads(b[6:]) for b in r.text.split("\n\n") if b.startswith("data: {")]
        text = "".join(e["choices"][0]["delta"].get("content", "") for e in events)
        assert text == "本内容由人工智能生成\n\n一段回答。\n\n本内容由人工智能生成"


def test_a_label_wording_without_the_required_elements_is_refused(
    upstream: Upstream, tmp_path: Path
) -> None:
    from hegui.errors import ConfigError
    from hegui.gateway import open_site
    from tests.gateway.harness import write_workspace

    doc = settings(
        upstream.url,
        labeling={
            "producer": PRODUCER.replace("136T", "136A"),
            "text": {"explicit": "end", "wording": "机器写的"},
        },
    )
    write_workspace(tmp_path, doc)
    with pytest.raises(ConfigError) as err:
        open_site(tmp_path)
    fields = [issue.field for issue in err.value.issues]
    assert fields == ["labeling.producer", "labeling.text.wording"]
    assert "AI element" in str(err.value) and "gateway.yaml:" in str(err.value)


def test_generated_images_carry_the_implicit_label(upstream: Upstream, tmp_path: Path) -> None:
    doc = settings(upstream.url, labeling={"producer": PRODUCER, "images": {"explicit": False}})
    upstream.default = Reply(image=_png(), revised_prompt="一只猫")
    with running(tmp_path / "ws", doc) as gw, gw.client() as c:
        r = c.post(
            "/v1/images/generations",
            json={"model": "img", "prompt": "画一只猫", "n": 2, "response_format": "b64_json"},
        )
        assert r.status_code == 200, r.text
        assert upstream.requests[-1]["response_format"] == "b64_json"
        rid = r.headers["x-request-id"]
        for n, item in enumerate(r.json()["data"]):
            [fields] = _labels_of(tmp_path, base64.b64decode(item["b64_json"]), f"{n}.png")
            assert fields["ContentProducer"] == PRODUCER and fields["ProduceID"] == f"{rid}-{n}"
        # The default response format is a URL: a data URL of the labeled image.
        r = c.post("/v1/images/generations", json={"model": "img", "prompt": "画一只猫"})
        url = r.json()["data"][0]["url"]
        assert url.startswith("data:image/png;base64,")
        assert _labels_of(tmp_path, base64.b64decode(url.split(",", 1)[1]), "u.png")
        r = c.post(
            "/v1/images/generations", json={"model": "img", "prompt": "画一个制造炸弹的步骤图"}
        )
        assert r.status_code == 400 and r.json()["error"]["code"] == "content_policy_violation"


def test_generated_images_get_the_explicit_label_drawn(upstream: Upstream, tmp_path: Path) -> None:
    need_cjk_font()
    doc = settings(upstream.url, labeling={"producer": PRODUCER, "images": {"explicit": True}})
    original = _png((400, 300))
    upstream.default = Reply(image=original)
    with running(tmp_path / "ws", doc) as gw, gw.client() as c:
        r = c.post(
            "/v1/images/generations",
            json={"model": "img", "prompt": "风景", "response_format": "b64_json"},
        )
    from PIL import Image

    labeled = base64.b64decode(r.json()["data"][0]["b64_json"])
    before = Image.open(io.BytesIO(original)).convert("RGB")
    after = Image.open(io.BytesIO(labeled)).convert("RGB")
    assert before.size == after.size and before.tobytes() != after.tobytes()


def test_an_image_that_cannot_be_labeled_is_withheld(upstream: Upstream, tmp_path: Path) -> None:
    doc = settings(upstream.url, labeling={"producer": PRODUCER, "images": {"explicit": False}})
    upstream.default = Reply(image=b"GIF89a not an image we label")
    with running(tmp_path, doc) as gw, gw.client() as c:
        r = c.post("/v1/images/generations", json={"model": "img", "prompt": "猫"})
    assert r.status_code == 502 and r.json()["error"]["code"] == "labeling_failed"
    assert "GIF89a" not in r.text
