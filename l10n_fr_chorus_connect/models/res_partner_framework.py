# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..chorus import frameworks


class ResPartner(models.Model):
    _inherit = "res.partner"

    chorus_framework = fields.Selection(
        frameworks.selection(),
        string="Billing Framework (Chorus Pro)",
        default=frameworks.DEFAULT,
        help="How invoices to this public body are usually deposited on Chorus Pro: as the supplier (A1), "
        "already paid (A2), as a subcontractor (A9) or co-contractor (A12) of a public market, or as "
        "works draft statements (A4, A7, A8…) that go to the project manager first. Each invoice can "
        "change it.",
    )
