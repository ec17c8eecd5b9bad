"""The safe Markdown subset of the programme texts: paragraphs, bullets, bold; no HTML ever passes through."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from warmteregio.programme.tekst import blokken, platte_tekst, render_tekst, runs


def test_paragraphs_bullets_and_bold() -> None:
    html = render_tekst("Eerste **alinea**\nmet een tweede regel.\n\n- een\n- **twee**\n\nSlot.")
    assert isinstance(html, Markup)
    assert html == Markup(
        "<p>Eerste <strong>alinea</strong><br>met een tweede regel.</p>\n"
        "<ul><li>een</li><li><strong>twee</strong></li></ul>\n<p>Slot.</p>"
    )


def test_bullets_directly_after_a_paragraph_and_crlf() -> None:
    html = render_tekst("Intro:\r\n- a\r\n- b\r\nNa de lijst")
    assert html == Markup("<p>Intro:</p>\n<ul><li>a</li><li>b</li></ul>\n<p>Na de lijst</p>")


def test_empty_and_whitespace() -> None:
    assert render_tekst(None) == Markup("")
    assert render_tekst("   \n\n  ") == Markup("")
    assert blokken("") == []


def test_unmatched_and_empty_bold_markers_stay_text() -> None:
    assert render_tekst("a ** b") == Markup("<p>a ** b</p>")
    assert render_tekst("****") == Markup("<p>****</p>")
    assert runs("x **y** z **w") == (("x ", False), ("y", True), (" z **w", False))


@pytest.mark.parametrize(
    "evil",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '**<a href="javascript:alert(1)" onclick="x()">klik</a>**',
        "- <svg onload=alert(1)>",
        "<p onmouseover='x'>hoi</p>",
        "&lt;script&gt; al ge-escaped",
    ],
)
def test_no_html_passes(evil: str) -> None:
    html = str(render_tekst(evil))
    assert "<script" not in html and "<img" not in html and "<svg" not in html and "<a " not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html), html  # no element with an on* attribute
    tags = set(re.findall(r"</?([a-z]+)", html))
    assert tags <= {"p", "ul", "li", "strong", "br"}
    if evil.startswith("&lt;"):
        assert "&amp;lt;script&amp;gt;" in html  # escaped once more: shown literally, never decoded


def test_control_characters_are_removed() -> None:
    assert render_tekst("a\x00b\x1bc\td") == Markup("<p>abc\td</p>")


def test_plain_text() -> None:
    assert platte_tekst("**Vet** en\n\n- een\n- twee") == "Vet en\n\n- een\n- twee"
