# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A pack ordered from the token vendor, and the redemption of its signed voucher.

Order (POST), payment link, then GET until a voucher comes back (button or cron); a pasted
voucher goes through the same check. A voucher is credited only when its Ed25519 signature
matches the vendor key trusted for the company's environment and its content belongs to
this company; each voucher id is credited once (ledger unique index + wallet row lock).
"""

import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.token_vendor import TokenVendorClient, VendorError, VendorUnreachableError
from .chorus_notification import chorus_notification
from .res_company import CHORUS_ENVIRONMENTS

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
    environment = fields.Selection(
        CHORUS_ENVIRONMENTS,
        required=True,
        readonly=True,
        default="production",
        help="The environment the company was in when ordering: its tokens go to that wallet only.",
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
    @api.model
    def _vendor(self, company, environment):
        return TokenVendorClient(
            company._chorus_vendor_url(environment), session=company._chorus_vendor_session(environment)
        )

    @api.model
    def _place(self, company, pack):
        """Create the order at the vendor; on any vendor failure nothing is recorded nor credited."""
        environment = company.chorus_environment
        vendor = self._vendor(company, environment)
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
                "environment": environment,
                "pack_id": pack.id,
                "pack_code": pack.code,
                "tokens": pack.tokens,
                "amount": pack.amount,
                "currency_id": pack.currency_id.id,
                "payment_url": company._chorus_vendor_payment_link(answer["order_id"], answer["payment_url"]),
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

    def _order_screen_action(self):
        """« Acheter » opens the order in Odoo (a pop-up would be blocked once the order exists):
        the order's form, its link to the vendor's payment page and « Vérifier le paiement »."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

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
        answer = self._vendor(self.company_id, self.environment).order_status(self.name)
        voucher = answer.get("voucher")
        if not voucher:
            return "info", self.env._(
                "Order %(order)s is not paid yet: pay it with the payment link, then check again.",
                order=self.name,
            )
        if self.state == "pending":
            self.state = "paid"
        kind, message = self.company_id._chorus_wallet(self.environment)._redeem(voucher, order=self)
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
        return chorus_notification(self.env, message, kind, title=self.env._("Chorus Pro tokens"))
