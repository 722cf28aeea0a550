"""Checks of a page's HTML shared by the tests: the Nu Html Checker (vnu.jar, the W3C validator's engine),
the order of headings and the meta description.

vnu.jar comes from the npm registry (`npm install --prefix var/tools vnu-jar`, which `.ci/run` does) and
runs on the machine's Java, offline. Without it the tests that need it are skipped, unless REQUIRE_BROWSER=1
(CI), where they fail.
"""

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

JAR = Path(__file__).resolve().parents[1] / "var/tools/node_modules/vnu-jar/build/dist/vnu.jar"


def vnu_jar() -> Path:
    jar = Path(os.environ.get("VNU_JAR", JAR))
    if jar.exists() and shutil.which("java"):
        return jar
    message = f"the Nu Html Checker is not installed ({jar}; npm install --prefix var/tools vnu-jar; Java)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def html_errors(jar: Path, files: list[Path]) -> str:
    """The checker's errors for these files (empty when there are none), in one run of Java."""
    result = subprocess.run(
        [shutil.which("java"), "-jar", str(jar), "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.stderr.strip() if result.returncode or result.stderr.strip() else ""


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.description: str | None = None

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))
        elif tag == "meta" and dict(attrs).get("name") == "description":
            self.description = dict(attrs).get("content") or ""


def outline_problems(html: str) -> list[str]:
    """What is wrong with the page's outline: not exactly one h1, a heading level skipped on the way down, no
    meta description (or an empty one)."""
    outline = _Outline()
    outline.feed(html)
    problems = []
    if outline.headings.count(1) != 1:
        problems.append(f"{outline.headings.count(1)} h1 (one expected)")
    for before, after in zip(outline.headings, outline.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"h{before} followed by h{after}")
    if not (outline.description or "").strip():
        problems.append("no meta description")
    return problems
