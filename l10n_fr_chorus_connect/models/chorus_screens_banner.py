# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The environment banner (sandbox, qualification) on every Chorus Pro screen, as the README promises."""

from odoo import api, fields, models


class ChorusFlow(models.Model):
    _inherit = "chorus.flow"

    environment_banner = fields.Html(related="company_id.chorus_environment_banner")


class ResPartner(models.Model):
    _inherit = "res.partner"

    chorus_environment_banner = fields.Html(compute="_compute_chorus_environment_banner")

    @api.depends_context("company")
    def _compute_chorus_environment_banner(self):
        # A contact is shared between companies: the banner of the company the user works in.
        banner = self.env.company.chorus_environment_banner
        for partner in self:
            partner.chorus_environment_banner = banner
