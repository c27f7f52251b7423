# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One token wallet per company.

The balance is never stored: it is the SUM of the ledger, read in SQL, so it cannot drift
from the entries that justify it. What is stored on the wallet row is ``held`` (tokens
reserved by deposits whose answer is not recorded yet) and the low-balance flag.

Every operation takes the wallet row with ``SELECT ... FOR UPDATE`` (waiting, not
SKIP LOCKED) and ends by updating that row, even when only the ledger changes. Odoo runs
transactions in REPEATABLE READ: a transaction that locks the row after another one
changed it gets a serialization failure and is replayed by Odoo with a fresh snapshot
(``odoo.service.model.retrying``). So the SUM read under the lock always includes every
committed entry, and two deposits can never both take the last token.
"""

import datetime
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .chorus_token_ledger import APPEND_CONTEXT_KEY

_logger = logging.getLogger(__name__)

WELCOME_GRANT = 50
GRANT_PARAM = "l10n_fr_chorus_connect.welcome_grant_company_%s"
CARRY_PARAM = "l10n_fr_chorus_connect.carried_balance_company_%s"


class ChorusTokenWallet(models.Model):
    _name = "chorus.token.wallet"
    _description = "Chorus Pro Token Wallet"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
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

    _company_uniq = models.Constraint("unique(company_id)", "A company has one token wallet.")
    _held_positive = models.Constraint("CHECK(held >= 0)", "Reserved tokens cannot be negative.")

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
    def _ensure_for_companies(self, companies):
        """The wallets of ``companies``, created with the welcome grant when missing."""
        wallets = self.sudo().search([("company_id", "in", companies.ids)])
        missing = companies - wallets.company_id
        if missing:
            created = self.sudo().create([{"company_id": company.id} for company in missing])
            for wallet in created:
                wallet._grant_welcome()
                wallet._carry_over()
            wallets |= created
        return wallets

    def _grant_welcome(self):
        """+50 once per company, ever: a system parameter remembers it across uninstall and reinstall."""
        self.ensure_one()
        params = self.env["ir.config_parameter"].sudo()
        key = GRANT_PARAM % self.company_id.id
        if params.get_param(key):
            return False
        self._append(
            [
                {
                    "kind": "grant",
                    "quantity": WELCOME_GRANT,
                    "reason": self.with_context(lang=self.company_id.partner_id.lang or self.env.lang).env._(
                        "Welcome grant: %(count)s free transmissions", count=WELCOME_GRANT
                    ),
                }
            ]
        )
        params.set_param(key, fields.Datetime.to_string(fields.Datetime.now()))
        return True

    def _carry_over(self):
        """Give back the balance an earlier uninstallation saved (see hooks.uninstall_hook)."""
        self.ensure_one()
        params = self.env["ir.config_parameter"].sudo()
        key = CARRY_PARAM % self.company_id.id
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
        """Add ledger entries (dicts) under the lock; returns them. The only way to write the ledger."""
        self.ensure_one()
        self._lock()
        balance = self._ledger_sums().get(self.id, 0)
        values = []
        for entry in entries:
            balance += entry["quantity"]
            values.append(
                {
                    **entry,
                    "wallet_id": self.id,
                    "company_id": self.company_id.id,
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
        ledger = self.env["chorus.token.ledger"].sudo()
        if ledger.search_count([("voucher_id", "=", payload["voucher_id"])]):
            return ledger
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
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_chorus_connect.action_chorus_token_ledger"
        )
        action["domain"] = [("wallet_id", "=", self.id)]
        return action
