# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Chorus Pro's and the schema's technical answers, said in the accountant's words."""

import re

from odoo import models

# lxml's XML Schema messages, as factur-x passes them on.
ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([\w-]+)'")
EXPECTED = re.compile(r"Expected is(?: one of)? \(\s*([^)]*)\)")
LOCAL_NAME = re.compile(r"(?:\{[^}]*\})?([\w-]+)")


class AccountMove(models.Model):
    _inherit = "account.move"

    def _chorus_explain_xsd(self, error):
        """A schema error of the Factur-X in words; other messages (Odoo's own checks) unchanged."""
        element = ELEMENT.search(error or "")
        if not element:
            return error
        name = element.group(1)
        expected = EXPECTED.search(error)
        expected_names = (
            ", ".join(LOCAL_NAME.findall(expected.group(1).replace(",", " "))) if expected else ""
        )
        if "Missing child element" in error:
            return self.env._(
                "the element %(element)s lacks %(expected)s in the generated XML.",
                element=name,
                expected=expected_names or "?",
            )
        if "not expected" in error:
            return self.env._(
                "the element %(element)s is not allowed at this place of the generated XML "
                "(expected: %(expected)s).",
                element=name,
                expected=expected_names or "?",
            )
        if "is not a valid value" in error or "facet" in error:
            return self.env._(
                "the value of %(element)s does not have the format the standard requires "
                "(empty, too long or wrongly written).",
                element=name,
            )
        return self.env._(
            "the element %(element)s does not follow the Factur-X schema.",
            element=name,
        )
