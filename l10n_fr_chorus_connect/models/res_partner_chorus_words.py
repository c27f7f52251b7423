# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The directory's answer on the partner, in whole sentences (no « 1 services »)."""

from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _chorus_structure_summary(self, structure, requirement, count):
        if not count:
            return self.env._(
                "%(structure)s: %(requirement)s, no service.",
                structure=structure.display_name,
                requirement=requirement,
            )
        if count == 1:
            return self.env._(
                "%(structure)s: %(requirement)s, 1 service.",
                structure=structure.display_name,
                requirement=requirement,
            )
        return self.env._(
            "%(structure)s: %(requirement)s, %(count)s services.",
            structure=structure.display_name,
            requirement=requirement,
            count=count,
        )
