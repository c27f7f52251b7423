# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    chorus_sale_missing_engagement = fields.Selection(
        [("block", "Block the confirmation"), ("warn", "Confirm and warn")],
        string="Missing Engagement at Confirmation",
        default="block",
        required=True,
        help="When a public buyer requires an engagement number and the order has none: refuse to confirm "
        "the order, or confirm it and leave a message and an activity for the salesperson.",
    )
