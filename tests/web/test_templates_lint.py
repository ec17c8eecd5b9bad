"""Static checks on the Jinja templates and page scripts (NL Design System conventions, ECOSYSTEM_NOTES A1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "warmteregio" / "web"
TEMPLATES = sorted((WEB / "templates").rglob("*.html"))
SCRIPTS = sorted((WEB / "static" / "js").glob("*.js"))
CSS = WEB / "static" / "css" / "warmteregio.css"

TAG = re.compile(r"<(?P<name>[a-zA-Z][a-zA-Z0-9]*)\b(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
CLASS_ATTR = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def tags(text: str, name: str) -> list[str]:
    return [m.group("attrs") for m in TAG.finditer(text) if m.group("name").lower() == name]


def classes(attrs: str) -> list[str]:
    """The literal class names of a tag; Jinja statements are dropped, expressions become one placeholder."""
    match = CLASS_ATTR.search(attrs)
    value = (match.group(1) or match.group(2) or "") if match else ""
    value = re.sub(r"{%.*?%}", " ", value)
    return re.sub(r"{{.*?}}", "{{}}", value).split()


def test_templates_exist() -> None:
    names = {p.name for p in TEMPLATES}
    assert {"base.html", "home.html", "regio.html", "buurt.html", "login.html", "fout.html"} <= names


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_button_has_a_utrecht_class(path: Path) -> None:
    for attrs in tags(path.read_text(encoding="utf-8"), "button"):
        assert any(c.startswith("utrecht-") for c in classes(attrs)), f"{path.name}: <button{attrs}>"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_buttons_made_by_scripts_have_a_utrecht_class(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if 'createElement("button")' in text:
        assert re.search(r'className = "[^"]*\butrecht-[a-z-]+', text), path.name


def test_body_has_exactly_one_theme_class() -> None:
    bodies = []
    for path in TEMPLATES:
        bodies += [(path.name, attrs) for attrs in tags(path.read_text(encoding="utf-8"), "body")]
    assert bodies, "no <body> in any template"
    for name, attrs in bodies:
        body_classes = classes(attrs)
        themes = [c for c in body_classes if c.endswith("-theme")]
        assert len(themes) == 1, f"{name}: body classes {body_classes}"
        assert "utrecht-document" in body_classes


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_common_elements_use_nl_design_system_classes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = {
        "h1": "utrecht-heading-1",
        "h2": "utrecht-heading-2",
        "h3": "utrecht-heading-3",
        "p": None,  # utrecht-paragraph, or a form-field error message
        "table": "utrecht-table",
        "input": "utrecht-",
        "select": "utrecht-select",
        "label": "utrecht-form-label",
    }
    for name, prefix in expected.items():
        for attrs in tags(text, name):
            if name == "input" and re.search(r'type="hidden"', attrs):
                continue
            found = classes(attrs)
            if name == "p":
                assert any(c in ("utrecht-paragraph", "utrecht-form-field-error-message") for c in found), (
                    f"{path.name}: <p{attrs}>"
                )
            else:
                assert any(c.startswith(prefix) for c in found), f"{path.name}: <{name}{attrs}>"
    for attrs in tags(text, "a"):
        found = classes(attrs)
        assert any(c.startswith(("utrecht-", "wr-")) for c in found), f"{path.name}: <a{attrs}>"


def test_own_blocks_are_prefixed_and_own_their_tokens() -> None:
    css = CSS.read_text(encoding="utf-8")
    for selector_class in re.findall(r"\.([a-zA-Z][\w-]*)", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        assert selector_class.startswith(("wr-", "utrecht-", "voorbeeld-theme", "leaflet-")), selector_class
    for token in re.findall(r"(--[\w-]+)\s*:", css):
        assert token.startswith(("--wr-", "--basis-", "--utrecht-")), token
    own_tokens = set(re.findall(r"(--wr-[\w-]+)\s*:", css))
    for used in re.findall(r"var\((--wr-[\w-]+)", css):
        assert used in own_tokens, f"{used} is used but not defined"
    for path in TEMPLATES:
        for attrs in TAG.finditer(path.read_text(encoding="utf-8")):
            for c in classes(attrs.group("attrs")):
                if "{{}}" in c:
                    continue
                assert c.startswith(("wr-", "utrecht-", "voorbeeld-theme")), f"{path.name}: class {c}"
                assert c.count("__") <= 1, f"{path.name}: BEM allows one __ per class: {c}"


def test_html_lang_follows_the_language() -> None:
    base = (WEB / "templates" / "base.html").read_text(encoding="utf-8")
    assert '<html lang="{{ lang }}">' in base
    assert 'href="#inhoud"' in base and 'id="inhoud"' in base  # skip link target
    assert 'href="/toegankelijkheid"' in base
