from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from .sale_order import wait_lock


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_chorus_vendor_refund(self):
        """« Rembourser »: pay back a token order and take its tokens back.

        The voucher is revoked while the customer has not redeemed it; once redeemed, a negative
        correction voucher is issued (served by /vendor/v2/corrections). The money goes back through
        the payment provider when it supports refunds, else the refund is only recorded here.
        """
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(self.env._("Only sales administrators can refund a token order."))
        for order in self:
            wait_lock(order)
            order.invalidate_recordset()
            # Paid while neither the post-processing cron nor a customer read has signed the
            # voucher yet: sign it now, so the refund revokes it instead of calling the order unpaid.
            order.sudo()._chorus_vendor_sync_payment()
            order.invalidate_recordset(["chorus_vendor_voucher_ids"])
            voucher = order._chorus_vendor_purchase_voucher()
            if order.chorus_vendor_refunded:
                raise UserError(self.env._("The order %(order)s is already refunded.", order=order.name))
            if not voucher:
                raise UserError(
                    self.env._("The order %(order)s is not paid: cancel it instead.", order=order.name)
                )
            # Vouchers are read-only for every user: only this action changes them.
            voucher = voucher.sudo()
            wait_lock(voucher)
            voucher.invalidate_recordset()
            if voucher.state == "issued":
                voucher.state = "revoked"
                tokens_note = self.env._("the voucher %(voucher)s is revoked", voucher=voucher.voucher_ref)
            else:
                correction = self.env["chorus.vendor.voucher"].sudo()._issue(order, "refund", -voucher.tokens)
                tokens_note = self.env._(
                    "the voucher was already redeemed: correction voucher %(voucher)s issued",
                    voucher=correction.voucher_ref,
                )
            order.chorus_vendor_refunded = True
            money_note = order._chorus_vendor_refund_money()
            order._chorus_vendor_credit_note()
            order.message_post(
                body=Markup("%s<br/>%s<br/>%s") % (self.env._("Refunded."), money_note, tokens_note)
            )
        return True

    def _chorus_vendor_credit_note(self):
        """The credit note cancelling the token invoice (queued for Chorus Pro for a public buyer)."""
        invoices = self.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        if not invoices:
            return
        credit_notes = invoices.sudo()._reverse_moves(
            [{"ref": self.env._("Refund of %(order)s", order=self.name)} for _invoice in invoices]
        )
        credit_notes.action_post()
        public = credit_notes.filtered("chorus_is_public")
        if public:
            public.with_context(skip_is_manually_modified=True).write({"chorus_deposit_queued": True})

    def _chorus_vendor_refund_money(self):
        self.ensure_one()
        # The sales manager was checked by the caller; payments are the accountants' records.
        paid = self.sudo().transaction_ids.filtered(
            lambda tx: tx.state == "done" and tx.operation != "refund"
        )[:1]
        if paid and paid.provider_id.support_refund != "none" and paid.refunds_count == 0:
            paid.action_refund(amount_to_refund=paid.amount)
            return self.env._(
                "Refund of %(amount)s requested from %(provider)s.",
                amount=f"{paid.amount:.2f} {paid.currency_id.name}",
                provider=paid.provider_id.name,
            )
        return self.env._(
            "Refund recorded on %(date)s: pay it back outside Odoo (the payment provider cannot).",
            date=fields.Date.today(),
        )
