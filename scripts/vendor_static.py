"""Copy the pinned browser assets from ``node_modules`` into ``src/warmteregio/web/static/vendor``.

The build step for the front end is::

    npm ci                                   # installs exactly what package-lock.json pins
    uv run python scripts/vendor_static.py   # copies only the files the pages load

Nothing is bundled or minified here and nothing runs at request time: the web app serves the copied
files from ``/static/vendor/`` so that no page loads anything from another host. The script writes
``static/vendor/VERSIONS`` (package, version, licence; one line each) and copies each package's licence
file next to its assets. It refuses to run when an installed version differs from the pin in
``package.json``, so a stale ``node_modules`` cannot slip through.

Why htmx 2.x and not 4.x: htmx 4 (August 2026) is a rewrite on top of ``fetch()`` with different
defaults: attribute inheritance must be declared explicitly, error responses (4xx/5xx) are swapped into
the page unless configured otherwise, and ``hx-delete`` stops sending form values. Our templates are
written against the 2.x behaviour, and the 2.x line is still maintained, so we pin 2.0.x and move to 4
deliberately in a separate change once its extensions and documentation have settled.

Axe-core (a dev dependency) is not copied: the browser tests inject it straight from ``node_modules``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "warmteregio" / "web" / "static" / "vendor"


@dataclass(frozen=True)
class Asset:
    """Files of one npm package to copy: ``files`` maps a path inside the package to a path under vendor/."""

    package: str
    files: dict[str, str]
    licence_files: tuple[str, ...] = ("LICENSE", "LICENSE.md", "LICENSE.txt")


ASSETS: tuple[Asset, ...] = (
    Asset(
        "@utrecht/component-library-css",
        {"dist/index.css": "utrecht/index.css"},
    ),
    Asset(
        "@nl-design-system-unstable/voorbeeld-design-tokens",
        {"dist/theme.css": "voorbeeld-design-tokens/theme.css"},
    ),
    Asset(
        "leaflet",
        {
            "dist/leaflet.js": "leaflet/leaflet.js",
            "dist/leaflet.css": "leaflet/leaflet.css",
            "dist/images/layers.png": "leaflet/images/layers.png",
            "dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
            "dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
            "dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
        },
    ),
    Asset("proj4", {"dist/proj4.js": "proj4/proj4.js"}),
    Asset("proj4leaflet", {"src/proj4leaflet.js": "proj4leaflet/proj4leaflet.js"}),
    Asset("htmx.org", {"dist/htmx.min.js": "htmx/htmx.min.js"}),
)


class VendorError(RuntimeError):
    pass


def pinned_versions(root: Path) -> dict[str, str]:
    manifest = json.loads((root / "package.json").read_text(encoding="utf-8"))
    pins: dict[str, str] = {}
    for section in ("dependencies", "devDependencies"):
        pins.update(manifest.get(section, {}))
    return pins


def package_meta(node_modules: Path, package: str) -> dict:
    path = node_modules / package / "package.json"
    if not path.is_file():
        raise VendorError(f"{package} is not installed in {node_modules}; run `npm ci` first")
    return json.loads(path.read_text(encoding="utf-8"))


def vendor(root: Path = ROOT, node_modules: Path | None = None, target: Path | None = None) -> list[str]:
    """Copy all assets; returns the VERSIONS lines. Raises :class:`VendorError` on a missing or unpinned file."""
    node_modules = node_modules or root / "node_modules"
    target = target or VENDOR
    pins = pinned_versions(root)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    lines = []
    for asset in ASSETS:
        meta = package_meta(node_modules, asset.package)
        version = meta["version"]
        pin = pins.get(asset.package)
        if pin != version:
            raise VendorError(
                f"{asset.package}: installed {version}, package.json pins {pin!r}; run `npm ci` (exact pins only)"
            )
        for source, dest in asset.files.items():
            src = node_modules / asset.package / source
            if not src.is_file():
                raise VendorError(f"{asset.package}@{version} has no {source}")
            out = target / dest
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out)
        first_dir = target / next(iter(asset.files.values())).split("/", 1)[0]
        for name in asset.licence_files:
            licence = node_modules / asset.package / name
            if licence.is_file():
                shutil.copy2(licence, first_dir / "LICENSE")
                break
        lines.append(f"{asset.package} {version} {meta.get('license', 'UNKNOWN')}")
    (target / "VERSIONS").write_text(
        "# package version licence (copied by scripts/vendor_static.py from node_modules)\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node-modules", type=Path, default=NODE_MODULES)
    parser.add_argument("--target", type=Path, default=VENDOR)
    args = parser.parse_args(argv)
    try:
        lines = vendor(ROOT, args.node_modules, args.target)
    except VendorError as exc:
        print(f"vendor_static: {exc}", file=sys.stderr)
        return 1
    for line in lines:
        print(f"vendored {line}")
    print(f"-> {args.target.relative_to(ROOT) if args.target.is_relative_to(ROOT) else args.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
