# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A pack ordered from the token vendor (contract v2), and the redemption of its signed voucher.

« Acheter » registers the company on first contact, orders (POST) and opens the order with the
link to the vendor's payment page; then GET until a voucher comes back (button or cron), redeem
it at the vendor, credit it.
A voucher is credited only when its Ed25519 signature matches a vendor key trusted for the
wallet's environment (``chorus.vouchers.TRUSTED_VENDOR_KEYS``), its content belongs to this
company, and the vendor accepted its redemption; each voucher id is credited once (ledger unique
index + wallet row lock). Refunds after redemption come back as correction vouchers.
"""

import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.token_vendor import VendorError, VendorUnreachableError, new_request_id
from .chorus_access import GROUP_MANAGER, check_chorus_access
from .chorus_notification import chorus_notification
from .chorus_token_vendor_errors import vendor_error_message
from .res_company import CHORUS_ENVIRONMENTS

_logger = logging.getLogger(__name__)

ORDER_STATES = [
    ("draft", "Draft"),
    ("ordering", "Being ordered"),
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
    amount_tax = fields.Monetary(string="VAT", readonly=True)
    amount_total = fields.Monetary(string="Price (tax incl.)", readonly=True)
    vendor_status = fields.Char(readonly=True, help="Status of the order at the vendor.")
    invoice = fields.Char(string="Vendor Invoice", readonly=True, copy=False)
    payment_url = fields.Char(string="Payment Link", readonly=True, copy=False)
    state = fields.Selection(ORDER_STATES, required=True, default="draft", readonly=True, tracking=True)
    voucher_id = fields.Char(readonly=True, copy=False)
    voucher = fields.Text(string="Signed Voucher", readonly=True, copy=False)
    last_check_at = fields.Datetime(string="Last Check", readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", string="Ordered by", readonly=True, default=lambda self: self.env.user
    )
    ledger_ids = fields.One2many("chorus.token.ledger", "order_id", string="Ledger Entries", readonly=True)
    request_id = fields.Char(
        string="Request ID",
        readonly=True,
        copy=False,
        default=lambda self: new_request_id(),
        help="Idempotency key sent with the order: posted again, the vendor answers the same order.",
    )

    _vendor_order_uniq = models.UniqueIndex(
        "(name) WHERE name IS NOT NULL", "This vendor order is already recorded."
    )
    _request_uniq = models.UniqueIndex("(request_id) WHERE request_id IS NOT NULL")

    @api.depends("name", "pack_id")
    def _compute_display_name(self):
        for order in self:
            order.display_name = order.name or self.env._("Token order %(id)s", id=order.id or "")

    # ------------------------------------------------------------------
    # Ordering
    # ------------------------------------------------------------------
    @api.model
    def _place(self, company, pack):
        """Record the order, then create it at the vendor and open it with its payment link.

        The order is recorded first (« Being ordered ») with a random ``request_id``, the vendor's
        idempotency key (contract v2 §3): when the answer is lost (timeout, dropped connection), the
        vendor may hold the order, so it is kept and posted again with the same key by « Check the
        payment » or the cron — the same order comes back, never a second one. On a refusal nothing
        was created at the vendor: the record is removed, and the answer is a notification, not an
        error (the registration made on first contact must be kept: rolled back, the vendor would
        refuse the next one).
        """
        order = self.create(
            {
                "company_id": company.id,
                "environment": company.chorus_environment,
                "pack_id": pack.id,
                "pack_code": pack.code,
                "tokens": pack.tokens,
                "state": "ordering",
            }
        )
        try:
            order._post_order()
        except VendorError as error:
            _logger.warning(
                "Chorus Pro token order of company %s failed: %s (%s)", company.id, error.message, error.code
            )
            if not error.outcome_unknown:
                order.unlink()
                return self._notification("danger", vendor_error_message(self.env, error))
            message = self.env._(
                "The vendor did not answer: the order will be checked automatically; nothing is charged "
                "until you pay."
            )
            order.message_post(
                body=self.env._("%(message)s (%(error)s)", message=message, error=error.message)
            )
            notification = self._notification("warning", message)
            notification["params"]["next"] = order._order_screen_action()
            return notification
        return order._order_screen_action()

    def _post_order(self):
        """POST the order with its ``request_id`` and record the vendor's answer; raises VendorError."""
        self.ensure_one()
        answer = self.company_id._chorus_vendor_call(
            self.environment,
            lambda vendor: vendor.create_order(
                pack_code=self.pack_code, environment=self.environment, request_id=self.request_id
            ),
        )
        self.write(
            {
                "name": answer["order_id"],
                "pack_code": answer.get("pack_code") or self.pack_code,
                "tokens": answer.get("tokens") or self.tokens,
                "amount": answer.get("amount_untaxed") or 0.0,
                "amount_tax": answer.get("amount_tax") or 0.0,
                "amount_total": answer.get("amount_total") or 0.0,
                "vendor_status": answer.get("status"),
                "payment_url": self.company_id._chorus_vendor_payment_link(
                    answer["order_id"], answer["payment_url"]
                ),
                "state": "pending",
            }
        )
        self.message_post(
            body=self.env._(
                "Order %(order)s placed: %(tokens)s tokens, %(total)s %(currency)s tax included. Pay it on "
                "the vendor's page, then « Check the payment ».",
                order=self.name,
                tokens=self.tokens,
                total=f"{self.amount_total:.2f}",
                currency=self.currency_id.name,
            )
        )

    def _vendor_error_message(self, error):
        return vendor_error_message(self.env, error, nothing_charged=False)

    def _order_screen_action(self):
        """« Acheter » opens the order in Odoo: a tab opened by the browser after the order call would
        be blocked as a pop-up. Its banner links to the vendor's payment page (a new tab, opened by the
        user's own click), and « Vérifier le paiement » credits once paid (the cron does too)."""
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
        check_chorus_access(self, "read", group=GROUP_MANAGER)
        return self._payment_action()

    def _check_manager(self):
        if not self.env.user.has_group("l10n_fr_chorus_connect.group_chorus_manager"):
            raise UserError(self.env._("Only Chorus Pro administrators may buy tokens."))

    # ------------------------------------------------------------------
    # Payment check and redemption
    # ------------------------------------------------------------------
    def action_check_payment(self):
        """« Vérifier le paiement »: ask the vendor, credit the voucher if the order is paid."""
        # Company as well as group: a method called over JSON-RPC gets ids no record rule filtered.
        check_chorus_access(self, "read", group=GROUP_MANAGER)
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
        if self.state not in ("ordering", "pending", "paid"):
            return "info", self._state_message()
        self.last_check_at = fields.Datetime.now()
        if self.state == "ordering":
            return self._learn_order()
        company = self.company_id
        answer = company._chorus_vendor_call(self.environment, lambda vendor: vendor.order_status(self.name))
        self.write({"vendor_status": answer.get("status"), "invoice": answer.get("invoice") or False})
        voucher = answer.get("voucher")
        if answer.get("status") == "refunded":
            # Paid, then refunded before its voucher was redeemed: the money goes back, no token comes.
            self.state = "failed"
            message = self.env._(
                "Order %(order)s was refunded by the vendor before its tokens were credited: nothing is "
                "credited.",
                order=self.name,
            )
            self.message_post(body=message)
            return "warning", message
        if answer.get("status") == "cancelled":
            self.state = "failed"
            self.message_post(body=self.env._("The vendor cancelled this order: nothing is credited."))
            return "warning", self.env._("Order %(order)s was cancelled by the vendor.", order=self.name)
        if not voucher:
            return "info", self.env._(
                "Order %(order)s is not paid yet: pay it with the payment link, then check again.",
                order=self.name,
            )
        if self.state == "pending":
            self.state = "paid"
        kind, message = company._chorus_wallet(self.environment)._redeem(voucher, order=self)
        if kind == "danger":
            # The vendor's own answer does not verify, or it was revoked: asking again will not change it.
            self.state = "failed"
        return kind, message

    def _learn_order(self):
        """The vendor's answer to the order was lost: post it again with the same ``request_id``,
        the vendor answers the order it created (or creates it now, if it never got it)."""
        try:
            self._post_order()
        except VendorError as error:
            if isinstance(error, VendorUnreachableError) or error.code == "rate_limited":
                raise  # asked again later, with the same key
            # Refused: the vendor holds no order for this key (e.g. the pack is not sold any more).
            self.state = "failed"
            message = self._vendor_error_message(error)
            self.message_post(body=message)
            return "warning", message
        return "info", self.env._(
            "Order %(order)s is placed: pay it with the payment link, then check again.", order=self.name
        )

    def _state_message(self):
        if self.state == "credited":
            return self.env._("Order %(order)s is already credited.", order=self.name)
        return self.env._("Order %(order)s cannot be checked in its state.", order=self.name)

    @api.model
    def _cron_check_pending_orders(self, batch_size=CRON_BATCH_SIZE):
        expired = self.search(
            [
                ("state", "in", ("ordering", "pending")),
                ("create_date", "<", fields.Datetime.now() - ORDER_EXPIRY),
            ]
        )
        for order in expired:
            in_lang = order._in_company_lang()
            in_lang.state = "failed"
            in_lang.message_post(body=in_lang.env._("Not paid within 30 days: the order is abandoned."))
        domain = [("state", "in", ("ordering", "pending", "paid"))]
        orders = self.search(domain, limit=batch_size, order="last_check_at ASC NULLS FIRST, id")
        cron = self.env["ir.cron"]
        cron._commit_progress(
            remaining=len(orders) if len(orders) < batch_size else self.search_count(domain)
        )
        for order_id in orders.ids:
            order = self.browse(order_id)._in_company_lang()
            try:
                order._check_payment()
            except (VendorError, UserError) as error:
                self.env.cr.rollback()
                _logger.info("Chorus Pro token order %s not checked: %s", order_id, error)
                self.browse(order_id).last_check_at = fields.Datetime.now()
            if not cron._commit_progress(1):
                break

    def _in_company_lang(self):
        """This order as the cron reads it to its company: in the company's language (a cron has none)."""
        return self.with_context(lang=self.company_id.partner_id.lang or self.env.lang)

    def _notification(self, kind, message):
        return chorus_notification(self.env, message, kind, title=self.env._("Chorus Pro tokens"))
