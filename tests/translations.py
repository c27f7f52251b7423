"""The French translation checks every addon's packaging test runs on its own ``i18n/`` directory."""

import re

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdr]|%[sdr]|\{[a-z_0-9]*\}")


def assert_french_complete_with_placeholders(addon_dir):
    """Every term of the .pot has a French msgstr, and each msgstr keeps its msgid's placeholders."""
    import polib

    template = polib.pofile(str(addon_dir / "i18n" / f"{addon_dir.name}.pot"))
    french = {entry.msgid: entry.msgstr for entry in polib.pofile(str(addon_dir / "i18n" / "fr.po"))}
    missing = [entry.msgid for entry in template if entry.msgid and not french.get(entry.msgid)]
    assert not missing, f"{len(missing)} terms without French translation, e.g. {missing[:5]}"
    for msgid, msgstr in french.items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
