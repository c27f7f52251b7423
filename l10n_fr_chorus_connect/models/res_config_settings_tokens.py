# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.token_vendor import VendorError
from .chorus_access import GROUP_MANAGER, check_chorus_access


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chorus_token_balance = fields.Integer(string="Token Balance", compute="_compute_chorus_tokens")
    chorus_token_held = fields.Integer(string="Reserved Tokens", compute="_compute_chorus_tokens")
    chorus_token_month_consumption = fields.Integer(
        string="Used this Month", compute="_compute_chorus_tokens"
    )
    chorus_token_low_threshold = fields.Integer(
        related="company_id.chorus_token_low_threshold", readonly=False
    )

    @api.depends("company_id")
    def _compute_chorus_tokens(self):
        for settings in self:
            wallet = settings.company_id._chorus_wallet()
            settings.chorus_token_balance = wallet.balance
            settings.chorus_token_held = wallet.held
            settings.chorus_token_month_consumption = wallet.month_consumption

    def action_chorus_token_ledger(self):
        check_chorus_access(self, "read")
        return self.company_id._chorus_wallet().action_open_ledger()

    def action_chorus_token_packs(self):
        check_chorus_access(self, group=GROUP_MANAGER)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_chorus_connect.action_chorus_token_pack_buy"
        )

    def action_chorus_token_orders(self):
        check_chorus_access(self, "read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_chorus_connect.action_chorus_token_order"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action

    def action_chorus_token_voucher(self):
        check_chorus_access(self, group=GROUP_MANAGER)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_chorus_connect.action_chorus_token_voucher"
        )

    def action_chorus_token_correction(self):
        check_chorus_access(self, group=GROUP_MANAGER)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_chorus_connect.action_chorus_token_correction"
        )

    def action_chorus_token_refresh(self):
        """« Vérifier les paiements »: the company's pending orders, then the vendor's refunds."""
        check_chorus_access(self, group=GROUP_MANAGER)
        company = self.company_id.sudo()
        orders = (
            self.env["chorus.token.order"]
            .sudo()
            .search([("company_id", "=", company.id), ("state", "in", ("pending", "paid"))], order="id")
        )
        messages, corrections = [], []
        try:
            for order in orders:
                messages.append(order._check_payment())
            # A refund taken back must be said here too, or the balance shown below looks wrong.
            self.env["chorus.token.wallet"]._poll_corrections(company, corrections)
        except VendorError as error:
            raise UserError(orders._vendor_error_message(error)) from error
        wallet = company._chorus_wallet()
        wallet.invalidate_recordset()
        messages += [("warning", message) for message in corrections]
        kinds = {kind for kind, _message in messages}
        kind = "warning" if "warning" in kinds else "success" if "success" in kinds else "info"
        summary = " ".join(message for _kind, message in messages) or self.env._("No payment to check.")
        balance = self.env._("Balance: %(balance)s tokens.", balance=wallet.balance)
        return orders._notification(kind, f"{summary} {balance}")
