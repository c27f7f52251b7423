# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One token wallet per company and Chorus Pro environment (sandbox, qualification, production).

Tokens of one environment never pay for another: a deposit holds and settles on the wallet of the
company's current environment, a voucher credits the wallet of the environment it was issued for
(sandbox vouchers, signed with a key anyone can derive, only ever reach the sandbox wallet). The
welcome grant is a production grant; the sandbox wallet starts with its own free sandbox tokens and
is refilled for free by the sandbox vendor (« Acheter », then « Payer »: no real payment).

The balance is never stored: it is the SUM of the ledger, read in SQL, so it cannot drift
from the entries that justify it. What is stored on the wallet row is ``held`` (tokens
reserved by deposits whose answer is not recorded yet) and the low-balance flag.

Every operation takes the wallet row with ``SELECT ... FOR UPDATE`` (waiting, not
SKIP LOCKED) once, and ends by updating that row, even when only the ledger changes. Odoo runs
transactions in REPEATABLE READ: a transaction that locks the row after another one
changed it gets a serialization failure and is replayed by Odoo with a fresh snapshot
(``odoo.service.model.retrying``). So the SUM read under the lock always includes every
committed entry, and two deposits can never both take the last token.
"""

import datetime
import json
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.token_vendor import VendorError, VendorRefusedError
from ..chorus.vouchers import REFUND, InvalidVoucher, verify_trusted_voucher
from .chorus_access import check_chorus_access
from .chorus_token_ledger import APPEND_CONTEXT_KEY
from .res_company import CHORUS_ENVIRONMENTS

_logger = logging.getLogger(__name__)

# Free tokens a new wallet starts with, per environment: the welcome grant is a production grant.
GRANTS = {"production": 50, "sandbox": 50}
GRANT_PARAM = "l10n_fr_chorus_connect.welcome_grant_company_%s"
CARRY_PARAM = "l10n_fr_chorus_connect.carried_balance_company_%s"


def wallet_param(template, company_id, environment):
    """System parameter of one wallet; production keeps the name it had before environments."""
    key = template % company_id
    return key if environment == "production" else f"{key}_{environment}"


class VoucherRefusedError(Exception):
    """A voucher that must not be credited; ``message`` is translated for the user."""

    def __init__(self, message, detail=""):
        super().__init__(message)
        self.message = message
        self.detail = detail


class ChorusTokenWallet(models.Model):
    _name = "chorus.token.wallet"
    _description = "Chorus Pro Token Wallet"
    _inherit = ["mail.thread", "mail.activity.mixin"]

    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    environment = fields.Selection(
        CHORUS_ENVIRONMENTS,
        required=True,
        readonly=True,
        default="production",
        help="The Chorus Pro environment whose deposits this wallet pays for.",
    )
    held = fields.Integer(
        default=0,
        required=True,
        readonly=True,
        help="Tokens reserved by deposits waiting for Chorus Pro's answer.",
    )
    balance = fields.Integer(compute="_compute_balance", help="Sum of the ledger.")
    available = fields.Integer(compute="_compute_balance", help="Balance minus the reserved tokens.")
    month_consumption = fields.Integer(
        string="Used this Month",
        compute="_compute_month_consumption",
        help="Tokens used by transmissions this month, minus those given back.",
    )
    low_balance_alerted = fields.Boolean(readonly=True, help="Administrators were told the balance is low.")
    ledger_ids = fields.One2many("chorus.token.ledger", "wallet_id", readonly=True)

    _company_uniq = models.Constraint(
        "unique(company_id, environment)", "A company has one token wallet per environment."
    )
    _held_positive = models.Constraint("CHECK(held >= 0)", "Reserved tokens cannot be negative.")

    @api.depends("company_id", "environment")
    def _compute_display_name(self):
        labels = dict(self._fields["environment"]._description_selection(self.env))
        for wallet in self:
            wallet.display_name = f"{wallet.company_id.name} ({labels.get(wallet.environment, '')})"

    @api.depends("held", "ledger_ids.quantity")
    def _compute_balance(self):
        sums = self._ledger_sums()
        for wallet in self:
            wallet.balance = sums.get(wallet.id, 0)
            wallet.available = wallet.balance - wallet.held

    def _ledger_sums(self):
        if not self.ids:
            return {}
        self.env["chorus.token.ledger"].flush_model(["wallet_id", "quantity"])
        self.env.cr.execute(
            "SELECT wallet_id, SUM(quantity) FROM chorus_token_ledger"
            " WHERE wallet_id IN %s GROUP BY wallet_id",
            [tuple(self.ids)],
        )
        return dict(self.env.cr.fetchall())

    @api.depends("ledger_ids.quantity")
    def _compute_month_consumption(self):
        start = fields.Datetime.to_datetime(fields.Date.context_today(self).replace(day=1))
        usage = {wallet.id: 0 for wallet in self}
        if self.ids:
            self.env["chorus.token.ledger"].flush_model(["wallet_id", "quantity", "kind", "date"])
            self.env.cr.execute(
                "SELECT wallet_id, -SUM(quantity) FROM chorus_token_ledger"
                " WHERE wallet_id IN %s AND kind IN ('debit', 'credit_back') AND date >= %s"
                " GROUP BY wallet_id",
                [tuple(self.ids), start],
            )
            usage.update(self.env.cr.fetchall())
        for wallet in self:
            wallet.month_consumption = usage[wallet.id]

    # ------------------------------------------------------------------
    # Creation and welcome grant
    # ------------------------------------------------------------------
    @api.model
    def _ensure_for_companies(self, companies, environment=None):
        """The wallets of ``companies`` for ``environment`` (default: each company's current one),
        created when missing with their grant and the balance an uninstallation saved."""
        wanted = {(company.id, environment or company.chorus_environment) for company in companies}
        wallets = (
            self.sudo()
            .search([("company_id", "in", companies.ids)])
            .filtered(lambda wallet: (wallet.company_id.id, wallet.environment) in wanted)
        )
        missing = wanted - {(wallet.company_id.id, wallet.environment) for wallet in wallets}
        if missing:
            created = self.sudo().create(
                [{"company_id": company_id, "environment": env} for company_id, env in sorted(missing)]
            )
            for wallet in created:
                wallet._lock()
                wallet._grant_welcome()
                wallet._carry_over()
            wallets |= created
        return wallets

    def _grant_welcome(self):
        """The free tokens of a new wallet, once per company and environment, ever: a system parameter
        remembers them across uninstall and reinstall. Production: the welcome grant; sandbox: tokens
        for trying the simulator; qualification: none."""
        self.ensure_one()
        quantity = GRANTS.get(self.environment)
        params = self.env["ir.config_parameter"].sudo()
        key = wallet_param(GRANT_PARAM, self.company_id.id, self.environment)
        if not quantity or params.get_param(key):
            return False
        env = self.with_context(lang=self.company_id.partner_id.lang or self.env.lang).env
        if self.environment == "sandbox":
            reason = env._(
                "Sandbox tokens: %(count)s free deposits on the simulator, refilled for free", count=quantity
            )
        else:
            reason = env._("Welcome grant: %(count)s free transmissions", count=quantity)
        self._append([{"kind": "grant", "quantity": quantity, "reason": reason}])
        params.set_param(key, fields.Datetime.to_string(fields.Datetime.now()))
        return True

    def _carry_over(self):
        """Give back the balance an earlier uninstallation saved (see hooks.uninstall_hook)."""
        self.ensure_one()
        params = self.env["ir.config_parameter"].sudo()
        key = wallet_param(CARRY_PARAM, self.company_id.id, self.environment)
        saved = params.get_param(key)
        if not saved:
            return False
        params.set_param(key, False)
        tokens = int(saved)
        if tokens > 0:
            self._append(
                [
                    {
                        "kind": "correction",
                        "quantity": tokens,
                        "reason": self.env._("Balance carried over from the previous installation"),
                    }
                ]
            )
        return True

    # ------------------------------------------------------------------
    # Lock and append
    # ------------------------------------------------------------------
    def _lock(self):
        """Wait for the wallet row; afterwards the ledger SUM of this transaction is the truth."""
        self.ensure_one()
        self.flush_recordset()
        self.env.cr.execute("SELECT held FROM chorus_token_wallet WHERE id = %s FOR UPDATE", [self.id])
        self.invalidate_recordset(["held", "balance", "available", "month_consumption"])
        return self

    def _touch(self, held_delta=0):
        """Change ``held`` and mark the row changed: concurrent lockers must start over."""
        self.env.cr.execute(
            "UPDATE chorus_token_wallet SET held = COALESCE(held, 0) + %s,"
            " write_date = now() AT TIME ZONE 'UTC', write_uid = %s WHERE id = %s",
            [held_delta, self.env.uid, self.id],
        )
        self.invalidate_recordset(["held", "balance", "available", "write_date", "write_uid"])

    def _append(self, entries):
        """Add ledger entries (dicts); returns them. The only way to write the ledger.

        The caller holds the row lock (``_lock``) taken once by the operation.
        """
        self.ensure_one()
        balance = self._ledger_sums().get(self.id, 0)
        values = []
        for entry in entries:
            balance += entry["quantity"]
            values.append(
                {
                    **entry,
                    "wallet_id": self.id,
                    "company_id": self.company_id.id,
                    "environment": self.environment,
                    "balance_after": balance,
                }
            )
        records = (
            self.env["chorus.token.ledger"].sudo().with_context(**{APPEND_CONTEXT_KEY: True}).create(values)
        )
        records.flush_recordset()
        self._touch()
        return records

    # ------------------------------------------------------------------
    # Hooks of the deposit (team contract)
    # ------------------------------------------------------------------
    def _hold(self, count):
        """Reserve ``count`` tokens for a deposit about to be sent; UserError when there are not enough."""
        self.ensure_one()
        self._lock()
        available = self._ledger_sums().get(self.id, 0) - self.held
        if available < count:
            raise UserError(self._insufficient_message(available, count))
        self._touch(count)
        return True

    def _insufficient_message(self, available, count):
        return self.env._(
            "Not enough Chorus Pro tokens: %(available)s available, %(count)s needed. An administrator can "
            "buy a pack in Settings > Invoicing > Chorus Pro tokens (« Buy »).",
            available=max(available, 0),
            count=count,
        )

    def _settle(self, held_count, charged_moves, flow):
        """Chorus Pro accepted the deposit: release the reservation, −1 per charged invoice."""
        self.ensure_one()
        self._lock()
        already = set()
        if flow and charged_moves:
            already = set(
                self.env["chorus.token.ledger"]
                .sudo()
                .search(
                    [
                        ("flow_id", "=", flow.id),
                        ("kind", "=", "debit"),
                        ("move_id", "in", charged_moves.ids),
                    ]
                )
                .move_id.ids
            )
        entries = [
            {
                "kind": "debit",
                "quantity": -1,
                "move_id": move.id,
                "flow_id": flow.id if flow else False,
                "flow_reference": flow.name if flow else False,
            }
            for move in charged_moves
            if move.id not in already
        ]
        if already:
            _logger.warning(
                "Chorus Pro tokens: deposit %s already charged for invoices %s", flow.id, sorted(already)
            )
        before = self._ledger_sums().get(self.id, 0)
        records = self._append(entries) if entries else self.env["chorus.token.ledger"]
        self._release_held(held_count)
        after = before + sum(records.mapped("quantity"))
        if after < 0:
            _logger.error(
                "Chorus Pro tokens: wallet %s went below zero (%s) settling deposit %s",
                self.id,
                after,
                flow.id if flow else None,
            )
        self._check_low_balance(before, after)
        return records

    def _release(self, held_count):
        """The deposit was not accepted: give the reserved tokens back, nothing is charged."""
        self.ensure_one()
        self._lock()
        self._release_held(held_count)
        return True

    def _release_held(self, held_count):
        if held_count > self.held:
            _logger.error(
                "Chorus Pro tokens: wallet %s releases %s tokens but holds %s", self.id, held_count, self.held
            )
            held_count = self.held
        self._touch(-held_count)

    def _credit_back(self, moves, flow, reason=None):
        """+1 per invoice of ``flow`` Chorus Pro rejected at integration (never delivered to the buyer).

        Only invoices charged in this flow and not given back yet are credited: calling it twice
        gives nothing more.
        """
        self.ensure_one()
        self._lock()
        ledger = self.env["chorus.token.ledger"].sudo()
        debited = set(
            ledger.search(
                [
                    ("flow_id", "=", flow.id),
                    ("kind", "=", "debit"),
                    ("move_id", "in", moves.ids),
                ]
            ).move_id.ids
        )
        returned = set(
            ledger.search(
                [
                    ("flow_id", "=", flow.id),
                    ("kind", "=", "credit_back"),
                    ("move_id", "in", moves.ids),
                ]
            ).move_id.ids
        )
        reason = reason or self.env._("Rejected at integration of flow %(flow)s", flow=flow.name)
        entries = [
            {
                "kind": "credit_back",
                "quantity": 1,
                "move_id": move.id,
                "flow_id": flow.id,
                "flow_reference": flow.name,
                "reason": reason,
            }
            for move in moves
            if move.id in debited and move.id not in returned
        ]
        if not entries:
            return self.env["chorus.token.ledger"]
        before = self._ledger_sums().get(self.id, 0)
        records = self._append(entries)
        self._check_low_balance(before, before + len(records))
        return records

    # ------------------------------------------------------------------
    # Purchases and corrections
    # ------------------------------------------------------------------
    def _credit_voucher(self, payload, order):
        """+N for a verified voucher, once: returns the entry, or an empty recordset if already credited."""
        self.ensure_one()
        self._lock()
        if self._voucher_used(payload["voucher_id"]):
            return self.env["chorus.token.ledger"]
        before = self._ledger_sums().get(self.id, 0)
        records = self._append(
            [
                {
                    "kind": "purchase",
                    "quantity": payload["tokens"],
                    "voucher_id": payload["voucher_id"],
                    "order_id": order.id if order else False,
                    "reason": self.env._(
                        "Pack %(pack)s, vendor order %(order)s",
                        pack=payload["pack_code"],
                        order=payload["order_id"],
                    ),
                }
            ]
        )
        self._check_low_balance(before, before + payload["tokens"])
        return records

    def _correct(self, quantity, reason):
        """A compensating entry decided by an administrator; never goes below the reserved tokens."""
        self.ensure_one()
        if not quantity:
            raise UserError(self.env._("A correction moves at least one token."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the balance is corrected."))
        self._lock()
        before = self._ledger_sums().get(self.id, 0)
        if before + quantity < self.held:
            raise UserError(
                self.env._(
                    "This correction would leave %(balance)s tokens while %(held)s are reserved by deposits "
                    "in progress.",
                    balance=before + quantity,
                    held=self.held,
                )
            )
        records = self._append([{"kind": "correction", "quantity": quantity, "reason": reason.strip()}])
        self._check_low_balance(before, before + quantity)
        return records

    # ------------------------------------------------------------------
    # Vouchers
    # ------------------------------------------------------------------
    def _redeem(self, voucher, order=None):
        """Verify ``voucher`` (dict or JSON text), redeem it at the vendor, credit it once.
        Returns ``(kind, message)``; raises VendorError when the vendor cannot be reached.

        A forged, tampered, foreign, revoked or replayed voucher is refused, logged, and noted in the
        chatter of the order (or of the wallet); nothing is credited. A refund voucher is applied as
        a correction (see :meth:`_apply_refund_voucher`).
        """
        self.ensure_one()
        try:
            payload = self._verified_payload(voucher, order)
        except VoucherRefusedError as refusal:
            self._log_refusal(refusal, order)
            return "danger", refusal.message
        if payload["kind"] == REFUND:
            return self._apply_refund_voucher(payload)
        order = order or self._order_of(payload)
        if self._voucher_used(payload["voucher_id"]):
            return self._refuse_replay(payload, order)
        try:
            self.company_id._chorus_vendor_call(
                self.environment, lambda vendor: vendor.redeem(payload["voucher_id"])
            )
        except VendorRefusedError as error:
            if error.code not in ("revoked", "unknown_voucher", "unknown_order", "not_your_order"):
                raise
            refusal = VoucherRefusedError(
                self.env._(
                    "The token vendor refused voucher %(voucher)s: %(reason)s Nothing is credited.",
                    voucher=payload["voucher_id"],
                    reason=self.env["chorus.token.order"]._vendor_error_message(error),
                ),
                error.code,
            )
            self._log_refusal(refusal, order)
            return "danger", refusal.message
        credited = self._credit_voucher(payload, order)
        if not credited:
            return self._refuse_replay(payload, order)
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

    def _order_of(self, payload):
        """The company's order the voucher names (empty when this database holds no such order)."""
        return (
            self.env["chorus.token.order"]
            .sudo()
            .search([("company_id", "=", self.company_id.id), ("name", "=", payload["order_id"])], limit=1)
        )

    def _voucher_used(self, voucher_id):
        return bool(self.env["chorus.token.ledger"].sudo().search_count([("voucher_id", "=", voucher_id)]))

    def _refuse_replay(self, payload, order):
        refusal = VoucherRefusedError(
            self.env._(
                "Voucher %(voucher)s was already credited: it is not credited twice.",
                voucher=payload["voucher_id"],
            ),
            "replayed",
        )
        self._log_refusal(refusal, order)
        return "warning", refusal.message

    def _apply_refund_voucher(self, payload):
        """The vendor refunded an order after its tokens were credited: take them back, once.

        The balance may go below zero: deposits are then blocked until a purchase."""
        self.ensure_one()
        self._lock()
        if self._voucher_used(payload["voucher_id"]):
            return "info", self.env._(
                "Correction %(voucher)s was already applied.", voucher=payload["voucher_id"]
            )
        order = self._order_of(payload)
        before = self._ledger_sums().get(self.id, 0)
        reason = self.env._(
            "Order %(order)s refunded by the vendor: %(count)s tokens taken back",
            order=payload["order_id"],
            count=-payload["tokens"],
        )
        entry = self._append(
            [
                {
                    "kind": "correction",
                    "quantity": payload["tokens"],
                    "voucher_id": payload["voucher_id"],
                    "order_id": order.id or False,
                    "reason": reason,
                }
            ]
        )
        self._check_low_balance(before, entry.balance_after)
        message = self.env._(
            "%(reason)s (correction voucher %(voucher)s). New balance: %(balance)s.",
            reason=reason,
            voucher=payload["voucher_id"],
            balance=entry.balance_after,
        )
        self.message_post(body=message)
        if order:
            order.message_post(body=message)
        return "warning", message

    @api.model
    def _poll_corrections(self, company, messages=None):
        """Apply the vendor's new correction vouchers for ``company``'s current environment, once each.
        Returns the number applied (their messages appended to ``messages`` when given); raises
        VendorError when the vendor cannot be read."""
        company = company.sudo()
        account = company._chorus_vendor_account(company._chorus_vendor_url())
        if not account:
            return 0
        client = company._chorus_vendor_client(company.chorus_environment, register=False)
        applied = 0
        for voucher in client.corrections(account.last_correction or ""):
            payload = voucher.get("payload") if isinstance(voucher, dict) else None
            if not isinstance(payload, dict) or payload.get("kind") != REFUND:
                # Only refunds travel this way: anything else is not applied, and not asked again.
                _logger.warning("Chorus Pro token correction of company %s ignored: not a refund", company.id)
            else:
                environment = payload.get("environment")
                wallet = company._chorus_wallet(
                    environment if environment in dict(CHORUS_ENVIRONMENTS) else None
                )
                kind, message = wallet._redeem(voucher)
                applied += kind == "warning"
                if kind == "warning" and messages is not None:
                    messages.append(message)
            if isinstance(payload, dict) and payload.get("voucher_id"):
                account.last_correction = payload["voucher_id"]
        return applied

    @api.model
    def _cron_apply_vendor_corrections(self):
        companies = self.env["chorus.token.vendor.account"].sudo().search([]).company_id
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(companies))
        for company_id in companies.ids:
            company = self.env["res.company"].browse(company_id)
            # Written in the company's wallet and orders in the company's language (a cron has none).
            company = company.with_context(lang=company.partner_id.lang or self.env.lang)
            try:
                self.with_env(company.env)._poll_corrections(company)
            except (VendorError, UserError) as error:
                self.env.cr.rollback()
                _logger.info("Chorus Pro token corrections of company %s not read: %s", company_id, error)
            if not cron._commit_progress(1):
                break

    def _voucher_refusal(self, voucher):
        """Why a voucher that does not verify is refused: unreadable, or not signed by the vendor."""
        try:
            parsed = json.loads(voucher) if isinstance(voucher, str) else voucher
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or set(parsed) != {"payload", "signature"}:
            return self.env._(
                "This voucher cannot be read: paste the whole voucher, as the token vendor gave it "
                "(a text that starts with { and ends with })."
            )
        return self.env._(
            "This voucher is refused: its signature is not the token vendor's (forged or modified)."
        )

    def _verified_payload(self, voucher, order):
        company = self.company_id
        try:
            payload = verify_trusted_voucher(voucher, self.environment)
        except InvalidVoucher as error:
            raise VoucherRefusedError(self._invalid_voucher_message(voucher, error), str(error)) from error
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

    def _invalid_voucher_message(self, voucher, error):
        if error.reason == "unknown_key":
            return self.env._(
                "This voucher is signed with a vendor key this version of the Chorus Pro connector does "
                "not know: update the connector, then enter the voucher again."
            )
        if error.reason == "untrusted_environment":
            return self.env._(
                "This voucher is signed with a key that is not trusted for the %(environment)s environment "
                "(sandbox vouchers only credit the sandbox).",
                environment=self.environment,
            )
        if error.reason == "environment":
            return self.env._("This voucher was issued for another environment than this wallet's.")
        return self._voucher_refusal(voucher)

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

    # ------------------------------------------------------------------
    # Low balance
    # ------------------------------------------------------------------
    def _check_low_balance(self, before, after):
        """Alert the Chorus administrators once when the balance goes down to the threshold."""
        threshold = self.company_id.chorus_token_low_threshold
        if after > threshold:
            if self.low_balance_alerted:
                self.env.cr.execute(
                    "UPDATE chorus_token_wallet SET low_balance_alerted = false WHERE id = %s", [self.id]
                )
                self.invalidate_recordset(["low_balance_alerted"])
            return False
        if before <= threshold or self.low_balance_alerted:
            return False
        self.env.cr.execute(
            "UPDATE chorus_token_wallet SET low_balance_alerted = true WHERE id = %s", [self.id]
        )
        self.invalidate_recordset(["low_balance_alerted"])
        self._alert_low_balance(after)
        return True

    def _chorus_managers(self):
        managers = (
            self.env.ref("l10n_fr_chorus_connect.group_chorus_manager")
            .sudo()
            .all_user_ids.filtered(
                lambda user: not user.share and user.active and self.company_id in user.company_ids
            )
        )
        return managers

    def _alert_low_balance(self, balance):
        summary = self.env._("Chorus Pro tokens running low: %(count)s left", count=balance)
        body = Markup("<p>%s</p>") % self.env._(
            "%(company)s has %(count)s Chorus Pro tokens left (alert threshold: %(threshold)s). Buy a pack "
            "in Settings > Invoicing > Chorus Pro tokens so that deposits are not blocked.",
            company=self.company_id.name,
            count=balance,
            threshold=self.company_id.chorus_token_low_threshold,
        )
        managers = self._chorus_managers()
        self.sudo().message_post(
            body=body,
            subject=summary,
            partner_ids=managers.partner_id.ids,
            message_type="notification",
            subtype_xmlid="mail.mt_comment",
        )
        for user in managers:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self) + datetime.timedelta(days=1),
                summary=summary,
                note=body,
                user_id=user.id,
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_ledger(self):
        self.ensure_one()
        check_chorus_access(self, "read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_chorus_connect.action_chorus_token_ledger"
        )
        action["domain"] = [("wallet_id", "=", self.id)]
        return action
