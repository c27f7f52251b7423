# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError


class ChorusTokenVoucher(models.TransientModel):
    """« Saisir un bon »: credit a voucher the vendor sent by other means (same checks as a paid order)."""

    _name = "chorus.token.voucher"
    _description = "Chorus Pro Token Voucher Entry"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    voucher = fields.Text(
        required=True, help='The voucher as the vendor gave it: {"payload": {...}, "signature": "..."}'
    )

    def action_redeem(self):
        self.ensure_one()
        self.env["chorus.token.order"]._check_manager()
        if self.company_id not in self.env.user.company_ids:
            raise UserError(self.env._("You cannot credit tokens to a company you do not belong to."))
        kind, message = self.company_id._chorus_wallet()._redeem(self.voucher.strip())
        return self.env["chorus.token.order"]._notification(kind, message)
