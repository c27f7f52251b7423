# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which payment date says whether a public buyer paid late."""

from odoo import fields, models

PAYMENT_REFERENCES = [
    ("chorus", "Chorus Pro « Mise en paiement »"),
    ("odoo", "Payment recorded in Odoo"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    chorus_late_payment_reference = fields.Selection(
        PAYMENT_REFERENCES,
        string="Payment Date for Late Interest",
        default="chorus",
        required=True,
        help="The date compared with the legal deadline: the day Chorus Pro reports the payment "
        "(MISE_EN_PAIEMENT), or the date of the payment reconciled with the invoice in Odoo.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chorus_late_payment_reference = fields.Selection(
        related="company_id.chorus_late_payment_reference", readonly=False
    )
