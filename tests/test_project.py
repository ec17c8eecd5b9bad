"""Project hygiene: publiccode.yml, licence, version, README commands and CI agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

import warmteregio

ROOT = Path(__file__).resolve().parents[1]


def test_publiccode_has_mandatory_keys_and_agrees_with_package():
    data = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    for key in ("publiccodeYmlVersion", "name", "url", "platforms", "developmentStatus", "softwareType",
                "description", "legal", "maintenance", "localisation"):
        assert key in data, key
    for lang in ("nl", "en"):
        desc = data["description"][lang]
        assert desc["shortDescription"] and len(desc["shortDescription"]) <= 150
        assert desc["longDescription"] and desc["features"]
    assert data["legal"]["license"] == "EUPL-1.2"
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["softwareVersion"] == pyproject["project"]["version"] == warmteregio.__version__
    major = int(data["softwareVersion"].split(".")[0])
    assert data["developmentStatus"] in (("development", "beta") if major < 1 else ("stable",))
    assert set(data["localisation"]["availableLanguages"]) >= {"nl", "en"}


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme and "make run" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert "make test" in commands


def test_secrets_stay_out_of_the_repository():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and "var/" in ignored


def test_changelog_mentions_current_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"\[{re.escape(warmteregio.__version__)}\]", changelog)
