"""Safe Markdown rendering of knowledge items: normal Markdown renders, every injection stays text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from warmteregio.network.markdown import render_markdown, samenvatting

NORMAL = """# Warmtenet Sliedrecht

Een **praktijkverhaal** over *participatie* met `code` en ~~oude~~ plannen.

## Aanpak

- bewonersavond
- enquête

1. verkennen
2. besluiten

> Citaat van een bewoner.

Meer: [Programma](https://www.example.nl/programma), [intern](/kennis/12), [mail](mailto:info@example.nl),
[anker](#aanpak) en <https://www.example.nl/auto>.

| Buurt | Woningen |
|-------|---------:|
| BU05050101 | 420 |

```python
print("<b>hallo</b>")
```
"""


def test_normal_markdown_renders() -> None:
    html = render_markdown(NORMAL)
    assert isinstance(html, Markup)
    assert "<h3>Warmtenet Sliedrecht</h3>" in html and "<h4>Aanpak</h4>" in html
    assert "<h1>" not in html and "<h2>" not in html
    assert "<strong>praktijkverhaal</strong>" in html and "<em>participatie</em>" in html
    assert "<code>code</code>" in html and "<s>oude</s>" in html
    assert "<ul>\n<li>bewonersavond</li>" in html and "<ol>\n<li>verkennen</li>" in html
    assert "<blockquote>" in html
    assert '<a href="https://www.example.nl/programma" rel="nofollow noopener">Programma</a>' in html
    assert '<a href="/kennis/12">intern</a>' in html
    assert '<a href="mailto:info@example.nl">mail</a>' in html
    assert '<a href="#aanpak">anker</a>' in html
    assert '<a href="https://www.example.nl/auto" rel="nofollow noopener">' in html
    assert "<table>" in html and "<th>Buurt</th>" in html and '<td style="text-align:right">420</td>' in html
    assert '<pre><code class="language-python">print(&quot;&lt;b&gt;hallo&lt;/b&gt;&quot;)' in html
    assert "<b>" not in html


def test_deep_headings_stop_at_h6() -> None:
    html = render_markdown("#### vier\n\n###### zes")
    assert "<h6>vier</h6>" in html and "<h6>zes</h6>" in html


INJECTIONS = [
    "<script>alert(1)</script>",
    "Tekst <script>alert(document.cookie)</script> midden in een alinea",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klik</a>',
    '<div onclick="alert(1)">\nblok\n</div>',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](\x01javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
    "![plaatje](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.nl/a.png)',
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("text", INJECTIONS)
def test_injections_are_neutralised(text: str) -> None:
    """What a browser would parse: only harmless tags and attributes, links only to safe addresses."""
    for tag, attrs in _tags(render_markdown(text)):
        assert tag in {"p", "a", "br"}, tag
        assert set(attrs) <= {"href", "rel", "class", "title"}, attrs
        href = attrs.get("href")
        if href is not None:
            assert re.match(r"(https?:|mailto:|/|#)", href), href


def test_text_of_refused_links_stays_visible() -> None:
    html = render_markdown("[x](javascript:alert(1)) en <script>")
    assert html == "<p>[x](javascript:alert(1)) en &lt;script&gt;</p>\n"


def test_images_become_links() -> None:
    html = render_markdown("![Foto van de zaal](https://example.nl/zaal.jpg)")
    assert "<img" not in html
    assert html == (
        '<p><a href="https://example.nl/zaal.jpg" rel="nofollow noopener" class="md-afbeelding">Foto van de zaal</a>'
        "</p>\n"
    )


def test_control_characters_and_empty_input() -> None:
    assert render_markdown(None) == Markup("")
    assert render_markdown("  \n ") == Markup("")
    assert render_markdown("a\x00b\x1bc\x85d\r\ne") == "<p>abcd\ne</p>\n"


def test_samenvatting() -> None:
    assert samenvatting(None) == ""
    assert samenvatting("# Kop\n\nDit is **vet** en een [link](https://x.nl).\n\n```\ncode\n```") == (
        "Kop Dit is vet en een link."
    )
    assert samenvatting("<script>alert(1)</script>") == "<script>alert(1)</script>"  # plain text, escaped later
    long = "woord " * 100
    short = samenvatting(long, max_len=50)
    assert len(short) <= 50 and short.endswith("woord…")
    assert samenvatting("a" * 300, max_len=20) == "a" * 19 + "…"
