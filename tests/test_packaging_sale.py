"""The Sales bridge's contracts: README rendered from its fragments, manifest sane, French complete."""

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ADDON = REPO / "l10n_fr_chorus_connect_sale"

sys.path.insert(0, str(REPO / "setup"))
from render_readme import render  # noqa: E402
from translations import assert_french_complete_with_placeholders  # noqa: E402


def manifest():
    return ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))


def test_readme_is_rendered_from_its_fragments():
    assert (ADDON / "README.rst").read_text(encoding="utf-8") == render(ADDON), (
        "l10n_fr_chorus_connect_sale/README.rst is stale: render it with setup/render_readme.render()"
    )


def test_manifest_is_an_auto_installed_bridge_of_sale_and_the_main_addon():
    values = manifest()
    assert values["auto_install"] is True
    assert set(values["depends"]) == {"sale", "l10n_fr_chorus_connect"}
    assert values["version"].startswith("19.0.")
    for path in values["data"]:
        assert (ADDON / path).is_file(), f"{path} is listed in the manifest but missing"


def test_packaging_dir_points_at_the_addon():
    link = REPO / "setup" / "l10n_fr_chorus_connect_sale" / "odoo" / "addons" / "l10n_fr_chorus_connect_sale"
    assert link.resolve() == ADDON


def test_french_translation_is_complete_and_keeps_placeholders():
    pytest.importorskip("polib")
    assert_french_complete_with_placeholders(ADDON)
