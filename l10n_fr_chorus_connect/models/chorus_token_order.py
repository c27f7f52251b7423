# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A pack ordered from the token vendor, and the redemption of its signed voucher.

Order (POST), payment link, then GET until a voucher comes back (button or cron); a pasted
voucher goes through the same check. A voucher is credited only when its Ed25519 signature
matches the vendor key trusted for the company's environment and its content belongs to
this company; each voucher id is credited once (ledger unique index + wallet row lock).
"""

import datetime
import json
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.token_vendor import TokenVendorClient, VendorError, VendorUnreachableError
from ..chorus.vouchers import InvalidVoucher, verify_voucher

_logger = logging.getLogger(__name__)

ORDER_STATES = [
    ("draft", "Draft"),
    ("pending", "Waiting for payment"),
    ("paid", "Paid"),
    ("credited", "Credited"),
    ("failed", "Failed"),
]
CRON_BATCH_SIZE = 20
# An order still unpaid after this long is abandoned: the cron stops asking the vendor about it.
ORDER_EXPIRY = datetime.timedelta(days=30)


class VoucherRefusedError(Exception):
    """A voucher that must not be credited; ``message`` is translated for the user."""

    def __init__(self, message, detail=""):
        super().__init__(message)
        self.message = message
        self.detail = detail


class ChorusTokenOrder(models.Model):
    _name = "chorus.token.order"
    _description = "Chorus Pro Token Order"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Vendor Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Order id given by the token vendor.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    pack_id = fields.Many2one("chorus.token.pack", readonly=True, ondelete="set null")
    pack_code = fields.Char(readonly=True)
    tokens = fields.Integer(readonly=True)
    currency_id = fields.Many2one(
        "res.currency", readonly=True, default=lambda self: self.env.ref("base.EUR")
    )
    amount = fields.Monetary(string="Price (tax excl.)", readonly=True)
    payment_url = fields.Char(string="Payment Link", readonly=True, copy=False)
    state = fields.Selection(ORDER_STATES, required=True, default="draft", readonly=True, tracking=True)
    voucher_id = fields.Char(readonly=True, copy=False)
    voucher = fields.Text(string="Signed Voucher", readonly=True, copy=False)
    last_check_at = fields.Datetime(string="Last Check", readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", string="Ordered by", readonly=True, default=lambda self: self.env.user
    )
    ledger_ids = fields.One2many("chorus.token.ledger", "order_id", string="Ledger Entries", readonly=True)

    _vendor_order_uniq = models.UniqueIndex(
        "(name) WHERE name IS NOT NULL", "This vendor order is already recorded."
    )

    @api.depends("name", "pack_id")
    def _compute_display_name(self):
        for order in self:
            order.display_name = order.name or self.env._("Token order %(id)s", id=order.id or "")

    # ------------------------------------------------------------------
    # Ordering
    # ------------------------------------------------------------------
    def _vendor(self, company):
        return TokenVendorClient(company._chorus_vendor_url())

    @api.model
    def _place(self, company, pack):
        """Create the order at the vendor; on any vendor failure nothing is recorded nor credited."""
        vendor = self._vendor(company)
        try:
            answer = vendor.create_order(
                company_ref=company._chorus_vendor_company_ref(),
                pack_code=pack.code,
                tokens=pack.tokens,
                amount=f"{pack.amount:.2f}",
                currency=pack.currency_id.name,
            )
        except VendorError as error:
            _logger.warning("Chorus Pro token order of company %s failed: %s", company.id, error.message)
            raise UserError(self._vendor_error_message(error)) from error
        return self.create(
            {
                "name": answer["order_id"],
                "company_id": company.id,
                "pack_id": pack.id,
                "pack_code": pack.code,
                "tokens": pack.tokens,
                "amount": pack.amount,
                "currency_id": pack.currency_id.id,
                "payment_url": answer["payment_url"],
                "state": "pending",
            }
        )

    def _vendor_error_message(self, error):
        if isinstance(error, VendorUnreachableError):
            return self.env._(
                "The token vendor cannot be reached (%(error)s). Nothing was ordered nor charged: try again "
                "in a few minutes.",
                error=error.message,
            )
        return self.env._(
            "The token vendor refused the order: %(error)s. Nothing was charged.", error=error.message
        )

    def _payment_action(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.payment_url, "target": "new"}

    def action_pay(self):
        self._check_manager()
        return self._payment_action()

    def _check_manager(self):
        if not self.env.user.has_group("l10n_fr_chorus_connect.group_chorus_manager"):
            raise UserError(self.env._("Only Chorus Pro administrators may buy tokens."))

    # ------------------------------------------------------------------
    # Payment check and redemption
    # ------------------------------------------------------------------
    def action_check_payment(self):
        """« Vérifier le paiement »: ask the vendor, credit the voucher if the order is paid."""
        self._check_manager()
        self.ensure_one()
        order = self.sudo()
        try:
            result = order._check_payment()
        except VendorError as error:
            raise UserError(self._vendor_error_message(error)) from error
        return self._notification(*result)

    def _check_payment(self):
        """Returns ``(kind, message)``; raises VendorError when the vendor cannot be read."""
        self.ensure_one()
        if self.state not in ("pending", "paid"):
            return "info", self._state_message()
        self.last_check_at = fields.Datetime.now()
        answer = self._vendor(self.company_id).order_status(self.name)
        voucher = answer.get("voucher")
        if not voucher:
            return "info", self.env._(
                "Order %(order)s is not paid yet: pay it with the payment link, then check again.",
                order=self.name,
            )
        if self.state == "pending":
            self.state = "paid"
        kind, message = self.company_id._chorus_wallet()._redeem(voucher, order=self)
        if kind == "danger":
            # The vendor's own answer does not verify: asking again will not change it.
            self.state = "failed"
        return kind, message

    def _state_message(self):
        if self.state == "credited":
            return self.env._("Order %(order)s is already credited.", order=self.name)
        return self.env._("Order %(order)s cannot be checked in its state.", order=self.name)

    @api.model
    def _cron_check_pending_orders(self, batch_size=CRON_BATCH_SIZE):
        expired = self.search(
            [("state", "=", "pending"), ("create_date", "<", fields.Datetime.now() - ORDER_EXPIRY)]
        )
        for order in expired:
            order.state = "failed"
            order.message_post(body=self.env._("Not paid within 30 days: the order is abandoned."))
        domain = [("state", "in", ("pending", "paid"))]
        orders = self.search(domain, limit=batch_size, order="last_check_at ASC NULLS FIRST, id")
        cron = self.env["ir.cron"]
        cron._commit_progress(
            remaining=len(orders) if len(orders) < batch_size else self.search_count(domain)
        )
        for order_id in orders.ids:
            order = self.browse(order_id)
            try:
                order._check_payment()
            except (VendorError, UserError) as error:
                self.env.cr.rollback()
                _logger.info("Chorus Pro token order %s not checked: %s", order_id, error)
                self.browse(order_id).last_check_at = fields.Datetime.now()
            if not cron._commit_progress(1):
                break

    def _notification(self, kind, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Chorus Pro tokens"),
                "message": message,
                "type": kind,
                "sticky": kind != "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }


class ChorusTokenWallet(models.Model):
    _inherit = "chorus.token.wallet"

    def _redeem(self, voucher, order=None):
        """Verify ``voucher`` (dict or JSON text) and credit it once. Returns ``(kind, message)``.

        A forged, tampered, foreign or replayed voucher is refused, logged, and noted in the chatter
        of the order (or of the wallet); nothing is credited.
        """
        self.ensure_one()
        try:
            payload = self._verified_payload(voucher, order)
        except VoucherRefusedError as refusal:
            self._log_refusal(refusal, order)
            return "danger", refusal.message
        order = order or self.env["chorus.token.order"].sudo().search(
            [("company_id", "=", self.company_id.id), ("name", "=", payload["order_id"])], limit=1
        )
        credited = self._credit_voucher(payload, order)
        if not credited:
            refusal = VoucherRefusedError(
                self.env._(
                    "Voucher %(voucher)s was already credited: it is not credited twice.",
                    voucher=payload["voucher_id"],
                ),
                "replayed",
            )
            self._log_refusal(refusal, order)
            return "warning", refusal.message
        if order:
            order.write(
                {
                    "state": "credited",
                    "voucher_id": payload["voucher_id"],
                    "voucher": json.dumps(voucher if isinstance(voucher, dict) else json.loads(voucher)),
                }
            )
            order.message_post(
                body=self.env._(
                    "%(count)s tokens credited (voucher %(voucher)s).",
                    count=payload["tokens"],
                    voucher=payload["voucher_id"],
                )
            )
        return "success", self.env._(
            "%(count)s Chorus Pro tokens credited. New balance: %(balance)s.",
            count=payload["tokens"],
            balance=credited.balance_after,
        )

    def _verified_payload(self, voucher, order):
        company = self.company_id
        try:
            payload = verify_voucher(company._chorus_vendor_key(), voucher)
        except InvalidVoucher as error:
            raise VoucherRefusedError(self._voucher_refusal(voucher), str(error)) from error
        if payload["environment"] != company._chorus_vendor_environment():
            raise VoucherRefusedError(
                self.env._(
                    "This voucher was issued for the %(environment)s environment, not for this company's.",
                    environment=payload["environment"],
                ),
                "environment",
            )
        if payload["company_ref"] != company._chorus_vendor_company_ref():
            raise VoucherRefusedError(
                self.env._("This voucher was bought for another company or database."), "company"
            )
        if order and payload["order_id"] != order.name:
            raise VoucherRefusedError(
                self.env._(
                    "This voucher belongs to order %(other)s, not to %(order)s.",
                    other=payload["order_id"],
                    order=order.name,
                ),
                "order",
            )
        return payload

    def _log_refusal(self, refusal, order):
        _logger.warning(
            "Chorus Pro token voucher refused for company %s (order %s): %s",
            self.company_id.id,
            order.name if order else "-",
            refusal.detail or refusal.message,
        )
        target = order or self
        target.sudo().message_post(
            body=Markup("<p>%s</p><p class='text-muted'>%s</p>") % (refusal.message, refusal.detail or ""),
        )
