# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chorus_sale_missing_engagement = fields.Selection(
        related="company_id.chorus_sale_missing_engagement", readonly=False
    )
