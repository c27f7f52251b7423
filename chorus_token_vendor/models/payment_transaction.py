from odoo import SUPERUSER_ID, models

from odoo.addons.l10n_fr_chorus_connect.models.account_move import DEPOSIT_QUEUE_CRON


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        # EXTENDS 'sale': once the order is confirmed and invoiced, sign the token voucher.
        result = super()._post_process()
        self.filtered(lambda tx: tx.state == "done").sale_order_ids._chorus_vendor_after_payment()
        return result

    def _send_invoice(self):
        # EXTENDS 'sale': token invoices go by e-mail; a public buyer's one also joins the Chorus
        # Pro deposit queue (its cron deposits on its own cursors, never inside a payment callback).
        vendor = self.filtered(lambda tx: tx.sale_order_ids.chorus_vendor_customer_id)
        result = super(PaymentTransaction, self - vendor)._send_invoice()
        for vendor_tx in vendor.with_user(SUPERUSER_ID):
            tx = vendor_tx.with_company(vendor_tx.company_id).with_context(company_id=vendor_tx.company_id.id)
            invoices = tx.invoice_ids.filtered(lambda move: not move.is_move_sent and move.state == "posted")
            if not invoices:
                continue
            invoices.is_move_sent = True
            public = invoices.filtered("chorus_is_public")
            if public:
                public.with_context(skip_is_manually_modified=True).write({"chorus_deposit_queued": True})
                self.env.ref(DEPOSIT_QUEUE_CRON).sudo()._trigger()
            tx.env["account.move.send"]._generate_and_send_invoices(
                invoices, allow_raising=False, allow_fallback_pdf=True, sending_methods=["email"]
            )
        return result
