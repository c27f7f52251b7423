"""The repository's own contracts: README rendered from its fragments, manifest sane, requirements bounded."""

import ast
import re
import subprocess
import sys
from pathlib import Path

from translations import assert_french_complete_with_placeholders

REPO = Path(__file__).resolve().parent.parent
ADDON = REPO / "l10n_fr_chorus_connect"


def test_addon_readme_is_rendered_from_its_fragments():
    result = subprocess.run(
        [sys.executable, str(REPO / "setup" / "render_readme.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_manifest_declares_an_installable_odoo_19_addon():
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))
    assert re.fullmatch(r"19\.0\.\d+\.\d+\.\d+", manifest["version"])
    assert manifest["installable"]
    assert {"account", "l10n_fr_account", "account_edi_ubl_cii", "l10n_fr_facturx_chorus_pro"} <= set(
        manifest["depends"]
    )
    for path in manifest["data"] + manifest.get("demo", []):
        assert (ADDON / path).is_file(), f"{path} is listed in the manifest but missing"


def test_every_requirement_is_a_bounded_range():
    lines = [
        line.strip()
        for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines
    for line in lines:
        assert ">=" in line and "<" in line.replace("<=", ""), f"{line} is not a bounded range"


def test_pure_package_never_imports_odoo():
    for path in (ADDON / "chorus").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+odoo\b", source, re.M), f"{path} imports odoo"


def test_requirements_accept_the_versions_odoo_19_pins():
    from packaging.requirements import Requirement

    odoo_pins = {  # Odoo 19 requirements.txt, Python 3.11 and 3.12 lines
        "python-stdnum": ["1.19"],
        "requests": ["2.31.0"],
        "lxml": ["4.9.3", "5.2.1"],
        "werkzeug": ["2.2.2", "3.0.1"],
        "cryptography": ["3.4.8", "42.0.8"],
    }
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        requirement = Requirement(line)
        for version in odoo_pins.get(requirement.name.lower(), []):
            assert requirement.specifier.contains(version), f"{line} would replace Odoo's {version}"


def test_requirements_cover_what_odoo_auto_installs_with_our_dependencies():
    """account_edi_ubl_cii auto-installs account_peppol, whose phonenumbers Odoo does not list."""
    from packaging.requirements import Requirement

    requirements = {
        Requirement(line).name.lower(): Requirement(line)
        for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert "phonenumbers" in requirements
    for version in ("8.12.57", "9.0.43"):  # Debian 12 / Ubuntu 24.04 package, PyPI
        assert requirements["phonenumbers"].specifier.contains(version)


def test_french_translation_is_complete_and_keeps_placeholders():
    assert_french_complete_with_placeholders(ADDON)


def test_every_french_term_is_in_the_template():
    """Odoo reads fr.po merged with the .pot: a term absent from the .pot is dropped as obsolete."""
    import polib

    template = {entry.msgid for entry in polib.pofile(str(ADDON / "i18n" / "l10n_fr_chorus_connect.pot"))}
    french = [entry.msgid for entry in polib.pofile(str(ADDON / "i18n" / "fr.po")) if entry.msgid]
    orphans = [msgid for msgid in french if msgid not in template]
    assert not orphans, f"{len(orphans)} French terms not in the .pot (re-export it), e.g. {orphans[:3]}"
