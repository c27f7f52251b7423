# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Chorus Pro as a sending method of Odoo's Send wizard, on the panel's exactly-once deposit.

Single invoice: the wizard deposits at once, through ``chorus.flow._deposit_move`` like the
panel's button. Several invoices: Odoo's sending cron processes them, but it holds the row
lock of every invoice of its batch until it commits at the end, while the deposit locks the
invoice and commits its attempt on a cursor of its own before the HTTP call; so in the cron
the invoices are handed to the Chorus Pro deposit queue, whose cron deposits each one on its
own cursors.
"""

from odoo import api, models

from .account_move import DEPOSIT_QUEUE_CRON
from .chorus_access import check_chorus_access

CHORUS = "chorus"
# Outcomes after which the invoice is (or is being) on Chorus Pro: the sending succeeded.
SENT_OUTCOMES = ("deposited", "unknown", "already")


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_sending_methods(self, move) -> set:
        # EXTENDS 'account': a public customer's invoices go to Chorus Pro, not by email, unless
        # the customer asks for another method.
        methods = super()._get_default_sending_methods(move)
        if self._is_applicable_to_move(CHORUS, move):
            if not move.commercial_partner_id.with_company(move.company_id).invoice_sending_method:
                methods.discard("email")
            # Chorus Pro is the public buyer's channel: the same invoice is not sent again over Peppol.
            methods.discard("peppol")
            methods.add(CHORUS)
        return methods

    @api.model
    def _is_applicable_to_company(self, method, company):
        # EXTENDS 'account'
        if method == CHORUS:
            return company.country_code in company._get_france_country_codes()
        return super()._is_applicable_to_company(method, company)

    @api.model
    def _is_applicable_to_move(self, method, move, **move_data):
        # EXTENDS 'account'
        if method == CHORUS:
            return bool(
                move.move_type in ("out_invoice", "out_refund")
                and move.commercial_partner_id.chorus_is_public
                and self._is_applicable_to_company(method, move.company_id)
            )
        return super()._is_applicable_to_move(method, move, **move_data)

    def _check_sending_data(self, moves, **custom_settings):
        # EXTENDS 'account': the deposit runs as superuser, the user's rights are checked first.
        result = super()._check_sending_data(moves, **custom_settings)
        methods = custom_settings.get("sending_methods")
        chorus_moves = moves.filtered(
            lambda move: self._is_applicable_to_move(CHORUS, move)
            and CHORUS in (methods if methods is not None else self._get_default_sending_methods(move))
        )
        if chorus_moves:
            check_chorus_access(chorus_moves)
        return result

    @api.model
    def _generate_and_send_invoices(self, moves, from_cron=False, **kwargs):
        # EXTENDS 'account': the Chorus Pro hook needs to know whether the cron holds the invoices.
        return super(
            AccountMoveSend, self.with_context(chorus_send_from_cron=from_cron)
        )._generate_and_send_invoices(moves, from_cron=from_cron, **kwargs)

    def _call_web_service_after_invoice_pdf_render(self, invoices_data):
        # EXTENDS 'account'
        super()._call_web_service_after_invoice_pdf_render(invoices_data)
        to_deposit = [
            (move, move_data)
            for move, move_data in invoices_data.items()
            if CHORUS in move_data["sending_methods"]
            and not move_data.get("error")
            and self._is_applicable_to_move(CHORUS, move, **move_data)
        ]
        if not to_deposit:
            return
        if self.env.context.get("chorus_send_from_cron"):
            moves = self.env["account.move"].browse([move.id for move, _data in to_deposit])
            moves.sudo().with_context(skip_is_manually_modified=True).write({"chorus_deposit_queued": True})
            self.env.ref(DEPOSIT_QUEUE_CRON).sudo()._trigger()
            return
        for move, move_data in to_deposit:
            result = self.env["chorus.flow"].sudo()._deposit_move(move.id)
            if result["outcome"] not in SENT_OUTCOMES:
                move_data["error"] = {
                    "error_title": self.env._("The invoice was not deposited on Chorus Pro:"),
                    "errors": [result["message"]],
                    "retry": result["outcome"] == "busy",
                }
