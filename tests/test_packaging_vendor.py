"""The token vendor's contracts: README rendered from its fragments, manifest sane, French complete."""

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ADDON = REPO / "chorus_token_vendor"

sys.path.insert(0, str(REPO / "setup"))
from render_readme import render  # noqa: E402
from translations import assert_french_complete_with_placeholders  # noqa: E402


def manifest():
    return ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))


def test_readme_is_rendered_from_its_fragments():
    assert (ADDON / "README.rst").read_text(encoding="utf-8") == render(ADDON), (
        "chorus_token_vendor/README.rst is stale: render it with setup/render_readme.render()"
    )


def test_manifest_is_a_separate_publisher_addon():
    values = manifest()
    assert not values.get("auto_install"), "the vendor is installed on the publisher's Odoo only"
    assert values["license"] == "AGPL-3"
    assert values["version"].startswith("19.0.")
    assert "l10n_fr_chorus_connect" in values["depends"]
    assert "cryptography" in values["external_dependencies"]["python"]
    for path in values["data"]:
        assert (ADDON / path).is_file(), f"{path} is listed in the manifest but missing"
    for fragment in ("DESCRIPTION", "INSTALL", "CONFIGURE", "USAGE"):
        assert (ADDON / "readme" / f"{fragment}.rst").is_file(), fragment


def test_every_model_has_access_rules():
    rules = (ADDON / "security" / "ir.model.access.csv").read_text(encoding="utf-8")
    for model in ("chorus_vendor_customer", "chorus_vendor_voucher", "chorus_vendor_api_log"):
        assert f"model_{model}," in rules, model


def test_packaging_dir_points_at_the_addon():
    link = REPO / "setup" / "chorus_token_vendor" / "odoo" / "addons" / "chorus_token_vendor"
    assert link.resolve() == ADDON


def test_french_translation_is_complete_and_keeps_placeholders():
    pytest.importorskip("polib")
    assert_french_complete_with_placeholders(ADDON)
