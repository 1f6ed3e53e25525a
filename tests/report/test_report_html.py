"""The HTML page: it parses, holds the numbers of the JSON, loads nothing from the
network, and shows hostile text from students (ids, answers, messages, topics with
`<script>`, quotes, control characters) as text, never as markup; it renders in headless
Chromium where that is installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_plant import Invoke

pytestmark = pytest.mark.slow  # whole CLI runs: sheets graded, sandboxes, browsers

HOSTILE_IDS = ['<script>alert("id")</script>', "o'neil\"><img src=x onerror=alert(1)>",
               "bell\x07\x1b[31mred", "</td></tr></table><h1>x"]
HOSTILE_ANSWER = '"><script>alert(2)</script><svg onload=alert(3)>'


class _Page(HTMLParser):
    """Start tags with their attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    return p


def _export(student: str, answer: str, diagnosis: str | None, topic: str = "params"
            ) -> dict:
    return {"format": "mldrill-exam-attempts", "version": 1, "student": student,
            "exported_at": "2026-01-01T00:00:00Z",
            "exams": [{"session": 1, "started_at": "2026-01-01T00:00:00Z", "attempts": [
                {"problem_id": "params-conv-layer", "topic": topic, "seed": 1,
                 "part": "params", "answer": answer, "status": "incorrect", "score": 0.0,
                 "points": 1.0, "diagnosis": diagnosis}]}]}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    for i, sid in enumerate(HOSTILE_IDS):
        (folder / f"s{i}.json").write_text(json.dumps(_export(
            sid, HOSTILE_ANSWER, None if i % 2 else "<b>diag</b>", "<i>topic</i>")))
    (folder / "ok.json").write_text(json.dumps(_export("ok", "1", None)))
    return folder


def test_hostile_text_is_escaped(cli: Invoke, hostile: Path, tmp_path: Path) -> None:
    """The only script is the page's own, no student text becomes a tag or an attribute,
    and each id and answer is shown as text (control characters made visible)."""
    result = cli("report", str(hostile), "-o", "h.html", "--students", "st")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "h.html").read_text()
    parsed = _parse(page)
    tags = [t for t, _ in parsed.tags]
    assert tags.count("script") == 1 and "img" not in tags and "h1" in tags
    assert tags.count("h1") == 1
    assert not any(k.startswith("on") for _, attrs in parsed.tags for k in attrs)
    assert "i" not in tags and tags.count("b") == 5  # the summary's own five
    text = "".join(parsed.text)
    for sid in HOSTILE_IDS[:2] + HOSTILE_IDS[3:]:
        assert sid in text
    assert "bell\\x07\\x1b[31mred" in text and "\x07" not in page and "\x1b" not in page
    assert HOSTILE_ANSWER in text and "<b>diag</b>" in text and "<i>topic</i>" in text
    assert len(list((tmp_path / "st").iterdir())) == 5
    assert "\x1b" not in result.stdout + result.stderr


def test_page_loads_nothing_and_holds_the_numbers(cli: Invoke, planted_class: Path,
                                                  tmp_path: Path) -> None:
    """No URL is fetched at view time (a CSP forbids it; no src/href leaves the page), the
    question table has a row per item with the JSON's p and r, and the summary counts."""
    result = cli("report", str(planted_class), "-o", "p.html", "--json")
    data = json.loads(result.stdout)
    page = (tmp_path / "p.html").read_text()
    parsed = _parse(page)
    csp = next(a["content"] for t, a in parsed.tags if t == "meta"
               and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and csp.startswith("default-src 'none';")
    for _, attrs in parsed.tags:
        for k in ("src", "href"):
            assert attrs.get(k) is None or str(attrs[k]).startswith("#"), attrs
    assert page.count("<svg") == 2 + len(data["items"])
    assert "<b>12</b> students" in page and "<b>11</b> graded" in page
    rows = page.split('id=questions>')[1].split("</table>")[0]
    for item in data["items"]:
        row = rows.split(f">{item['item']}</a>")[1].split("</tr>")[0]
        assert f">{item['p_correct']:.2f}<" in row
        r = item["point_biserial"]
        assert (f">{r:.2f}<" if r is not None else ">–<") in row
    assert ">mistake:forgot-input-channels (3)<" in rows


@pytest.mark.slow
def test_renders_in_headless_chromium(cli: Invoke, planted_class: Path,
                                      tmp_path: Path) -> None:
    """Chromium (where installed) renders the page to a screenshot without error."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed")
    assert cli("report", str(planted_class), "-o", "c.html").exit_code == 0
    shot = tmp_path / "c.png"
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--user-data-dir={tmp_path / 'profile-1'}",
                           f"--screenshot={shot}", "--window-size=1280,1600",
                           (tmp_path / "c.html").as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          f"--user-data-dir={tmp_path / 'profile-2'}", "--dump-dom",
                          (tmp_path / "c.html").as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert "mistake:forgot-input-channels (3)" in dom.stdout
