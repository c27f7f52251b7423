"""Render the addon's README.rst from its ``readme/`` fragments, as the OCA does.

Usage: ``python3 setup/render_readme.py`` (rewrites the file) or ``--check`` (exit 1 when stale).
"""

import argparse
import ast
import sys
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parent.parent / "l10n_fr_chorus_connect"
SECTIONS = [
    ("DESCRIPTION", None),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("VENDOR_API", "Token vendor API"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("CREDITS", "Credits"),
    ("CONTRIBUTORS", "Contributors"),
]


def render(addon_dir: Path = ADDON_DIR) -> str:
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))
    title = manifest["name"]
    badge_licence = manifest["license"].replace("-", "--")  # shields.io escapes dashes by doubling them
    lines = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        f".. |license| image:: https://img.shields.io/badge/licence-{badge_licence}-blue.png",
        "",
        f"|license| version {manifest['version']}",
        "",
    ]
    present = [
        (name, heading) for name, heading in SECTIONS if (addon_dir / "readme" / f"{name}.rst").exists()
    ]
    for name, heading in present:
        body = (addon_dir / "readme" / f"{name}.rst").read_text(encoding="utf-8").strip()
        if heading:
            lines += [heading, "=" * len(heading), ""]
        elif any(h for _, h in present):
            body += "\n\n**Table of contents**\n\n.. contents::\n   :local:"
        lines += [body, ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when README.rst is not up to date")
    args = parser.parse_args(argv)
    target = ADDON_DIR / "README.rst"
    text = render()
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is stale: run python3 setup/render_readme.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
