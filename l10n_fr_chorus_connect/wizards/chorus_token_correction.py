# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.res_company import CHORUS_ENVIRONMENTS


class ChorusTokenCorrection(models.TransientModel):
    """The only way to change a balance by hand: a compensating ledger entry with its reason."""

    _name = "chorus.token.correction"
    _description = "Chorus Pro Token Balance Correction"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    environment = fields.Selection(
        CHORUS_ENVIRONMENTS,
        required=True,
        default=lambda self: self.env.company.chorus_environment,
        help="Each environment has its own balance: the correction moves this one only.",
    )
    quantity = fields.Integer(required=True, help="Tokens to add (positive) or to remove (negative).")
    reason = fields.Char(required=True)
    wallet_balance = fields.Integer(string="Current Balance", compute="_compute_wallet_balance")

    @api.depends("company_id", "environment")
    def _compute_wallet_balance(self):
        for wizard in self:
            wizard.wallet_balance = (
                wizard.company_id._chorus_wallet(wizard.environment).balance
                if wizard.company_id and wizard.environment
                else 0
            )

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("l10n_fr_chorus_connect.group_chorus_manager"):
            raise UserError(self.env._("Only Chorus Pro administrators may correct the token balance."))
        if self.company_id not in self.env.user.company_ids:
            raise UserError(self.env._("You cannot correct the tokens of a company you do not belong to."))
        wallet = self.company_id._chorus_wallet(self.environment)
        wallet._correct(self.quantity, self.reason)
        return wallet.action_open_ledger()
