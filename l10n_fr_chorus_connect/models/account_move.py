# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Chorus Pro on the invoice: the panel (what is missing, deposit, tracker) and the lifecycle it shows."""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus import catalogue
from ..chorus.errors import ChorusError
from .chorus_access import GROUP_MANAGER, check_chorus_access
from .chorus_flow import HOLDING_STATES, OPEN_STATES, PENDING_STATES
from .chorus_invoice_status import _next_step, _status_label
from .chorus_notification import chorus_notification

_logger = logging.getLogger(__name__)

ACTIVITY_TYPE = "l10n_fr_chorus_connect.mail_activity_type_chorus_action"
# The catalogue says which statuses ask the supplier to act (an activity, "to fix") and which mean paid.
ACTIVITY_STATUSES = catalogue.SUPPLIER_ACTION_STATUSES
TO_FIX_STATUSES = ACTIVITY_STATUSES
PAID_STATUSES = catalogue.PAID_STATUSES
DEPOSIT_STATES = [
    ("to_deposit", "To deposit"),
    ("in_progress", "Being deposited"),
    ("deposited", "Deposited"),
    ("to_fix", "Rejected or suspended"),
    ("paid", "Payment ordered (Chorus)"),
]
DEPOSIT_QUEUE_CRON = "l10n_fr_chorus_connect.ir_cron_chorus_deposit_queue"


class AccountMove(models.Model):
    _inherit = "account.move"

    chorus_is_public = fields.Boolean(
        related="commercial_partner_id.chorus_is_public", store=True, string="Public Customer"
    )
    chorus_flow_id = fields.Many2one(
        "chorus.flow",
        string="Chorus Pro Deposit",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The deposit this invoice currently belongs to. Emptied when Chorus Pro rejects the invoice.",
    )
    chorus_flow_ids = fields.Many2many(
        "chorus.flow",
        "chorus_flow_account_move_rel",
        "move_id",
        "flow_id",
        string="Chorus Pro Deposits",
        readonly=True,
        copy=False,
    )
    chorus_flow_state = fields.Selection(related="chorus_flow_id.state", string="Deposit State")
    chorus_flow_state_label = fields.Char(related="chorus_flow_id.chorus_state_label", string="Flow State")
    chorus_invoice_id = fields.Integer(
        string="Chorus Pro Invoice ID",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="identifiantFactureCPP",
    )
    chorus_status = fields.Selection(
        # A static list: its labels are translated like any selection (French labels of the catalogue).
        selection=catalogue.invoice_selection(),
        string="Chorus Pro Status",
        readonly=True,
        copy=False,
        index=True,
    )
    chorus_status_label = fields.Char(
        string="Chorus Pro Status Label", compute="_compute_chorus_status_label"
    )
    chorus_status_color = fields.Char(compute="_compute_chorus_status_label")
    chorus_status_at = fields.Datetime(string="Status Date", readonly=True, copy=False)
    chorus_checked_at = fields.Datetime(string="Last Update", readonly=True, copy=False)
    chorus_status_final = fields.Boolean(readonly=True, copy=False)
    chorus_history_pending = fields.Boolean(
        readonly=True,
        copy=False,
        help="The current status is recorded from the changed-since search; its history is read later.",
    )
    chorus_status_ids = fields.One2many(
        "chorus.invoice.status", "move_id", string="Chorus Pro History", readonly=True
    )
    chorus_rejection_reason = fields.Text(string="Chorus Pro Rejection", readonly=True, copy=False)
    chorus_deposit_queued = fields.Boolean(string="Queued for Chorus Pro", readonly=True, copy=False)
    chorus_deposit_state = fields.Selection(
        DEPOSIT_STATES,
        string="Chorus Pro",
        compute="_compute_chorus_deposit_state",
        store=True,
        index=True,
    )
    # Panel (not stored)
    chorus_panel_visible = fields.Boolean(compute="_compute_chorus_panel")
    chorus_can_deposit = fields.Boolean(compute="_compute_chorus_panel")
    chorus_deposit_blocker = fields.Char(compute="_compute_chorus_panel")
    chorus_preflight_html = fields.Html(compute="_compute_chorus_panel", sanitize=False)
    chorus_no_tokens = fields.Boolean(compute="_compute_chorus_panel")
    chorus_wallet_available = fields.Integer(string="Tokens Available", compute="_compute_chorus_panel")
    chorus_company_banner = fields.Html(related="company_id.chorus_environment_banner")

    @api.depends("chorus_status")
    @api.depends_context("lang")
    def _compute_chorus_status_label(self):
        for move in self:
            status = catalogue.invoice_status(move.chorus_status) if move.chorus_status else None
            move.chorus_status_label = _status_label(self.env, status) if status else False
            move.chorus_status_color = status.color if status else False

    @api.depends(
        "state",
        "move_type",
        "chorus_is_public",
        "chorus_flow_id.state",
        "chorus_status",
        "chorus_rejection_reason",
    )
    def _compute_chorus_deposit_state(self):
        for move in self:
            if (
                move.move_type not in ("out_invoice", "out_refund")
                or not move.chorus_is_public
                or move.state != "posted"
            ):
                move.chorus_deposit_state = False
            elif move.chorus_status in PAID_STATUSES:
                move.chorus_deposit_state = "paid"
            elif move.chorus_status in TO_FIX_STATUSES or (
                move.chorus_rejection_reason and not move.chorus_flow_id
            ):
                move.chorus_deposit_state = "to_fix"
            elif move.chorus_flow_id.state in PENDING_STATES:
                move.chorus_deposit_state = "in_progress"
            elif move.chorus_flow_id:
                move.chorus_deposit_state = "deposited"
            else:
                move.chorus_deposit_state = "to_deposit"

    @api.depends_context("uid")
    @api.depends("state", "move_type", "chorus_is_public", "chorus_flow_id.state", "partner_id")
    def _compute_chorus_panel(self):
        for move in self:
            visible = move.move_type in ("out_invoice", "out_refund") and move.chorus_is_public
            move.chorus_panel_visible = visible
            move.chorus_wallet_available = move._chorus_tokens_available() if visible else 0
            move.chorus_no_tokens = visible and move.chorus_wallet_available < 1
            blocker = move._chorus_deposit_blocker() if visible else False
            problems = []
            if visible and move.state == "posted" and not move.chorus_flow_id:
                problems = move._chorus_preflight(include_warnings=True, facturx=False)
            move.chorus_preflight_html = move._chorus_problems_html(problems) if problems else False
            if any(problem["blocking"] for problem in problems) and not blocker:
                blocker = self.env._("Fix the points above before depositing.")
            move.chorus_deposit_blocker = blocker or False
            move.chorus_can_deposit = visible and not blocker

    # ------------------------------------------------------------------
    # Helpers shared with the flow
    # ------------------------------------------------------------------
    def button_draft(self):
        # EXTENDS 'account': Odoo and Chorus Pro must keep telling the same invoice.
        self._chorus_check_not_on_chorus()
        return super().button_draft()

    def button_cancel(self):
        # EXTENDS 'account'
        self._chorus_check_not_on_chorus()
        return super().button_cancel()

    def _chorus_check_not_on_chorus(self):
        on_chorus = self.filtered(lambda move: move.chorus_flow_id.state in HOLDING_STATES)
        if on_chorus:
            raise UserError(
                self.env._(
                    "%(invoice)s is on Chorus Pro (flow %(flow)s): it can be neither reset to draft nor "
                    "cancelled, or Odoo and Chorus Pro would disagree on it. Issue a credit note, deposit "
                    "it, then a new invoice if needed.",
                    invoice=on_chorus[0].display_name,
                    flow=on_chorus[0].chorus_flow_id.name or on_chorus[0].chorus_flow_id.display_name,
                )
            )

    def _chorus_tokens_available(self):
        self.ensure_one()
        try:
            return self.company_id.sudo()._chorus_wallet().available
        except (AttributeError, KeyError):
            return 0

    def _chorus_deposit_blocker(self, check_tokens=True):
        """Why this document cannot be deposited now (translated), or an empty string."""
        self.ensure_one()
        flow_state = self.chorus_flow_id.state
        reasons = (
            (
                self.move_type not in ("out_invoice", "out_refund") or not self.chorus_is_public,
                lambda: self.env._(
                    "Only customer invoices and credit notes of public customers go to Chorus Pro."
                ),
            ),
            (self.state == "draft", lambda: self.env._("Confirm the invoice before depositing it.")),
            (self.state != "posted", lambda: self.env._("A cancelled invoice is not deposited.")),
            (
                flow_state in PENDING_STATES,
                lambda: self.env._("The invoice is being deposited; its outcome is checked with Chorus Pro."),
            ),
            (
                flow_state in HOLDING_STATES,
                lambda: self.env._(
                    "The invoice is already deposited on Chorus Pro (flow %(flow)s).",
                    flow=self.chorus_flow_id.name,
                ),
            ),
            (
                check_tokens and self._chorus_tokens_available() < 1,
                self._chorus_no_token_message,
            ),
        )
        return next((reason() for blocked, reason in reasons if blocked), "")

    def _chorus_problems_text(self, problems):
        lines = [self.env._("%(invoice)s cannot be deposited on Chorus Pro:", invoice=self.display_name)]
        lines += [f"- {problem['message']} {problem.get('fix') or ''}".rstrip() for problem in problems]
        return "\n".join(lines)

    def _chorus_problems_html(self, problems):
        warning = Markup('<span class="badge text-bg-warning me-1">%s</span>') % self.env._("Warning")
        items = Markup("").join(
            Markup("<li>%s<strong>%s</strong> %s</li>")
            % ("" if problem["blocking"] else warning, problem["message"], problem.get("fix") or "")
            for problem in problems
        )
        return Markup('<ul class="mb-0">%s</ul>') % items

    # ------------------------------------------------------------------
    # Buttons and actions
    # ------------------------------------------------------------------
    def action_chorus_deposit(self):
        """« Déposer la facture »: deposit now, one flow per invoice."""
        check_chorus_access(self)
        results = [self.env["chorus.flow"].sudo()._deposit_move(move.id) for move in self]
        failed = [result for result in results if result["outcome"] not in ("deposited", "unknown")]
        if len(self) == 1 and failed:
            raise UserError(failed[0]["message"])
        return self._chorus_notify(results)

    def action_chorus_deposit_batch(self):
        """« Déposer sur Chorus Pro » from the list: queued, deposited by a cron in batches."""
        check_chorus_access(self)
        if len(self) == 1:
            return self.action_chorus_deposit()
        ready, blocked, skipped, short = self._chorus_batch_plan()
        ready.with_context(skip_is_manually_modified=True).write({"chorus_deposit_queued": True})
        if ready:
            self.env.ref(DEPOSIT_QUEUE_CRON).sudo()._trigger()
        message = self._chorus_batch_message(ready, blocked, skipped, short)
        return chorus_notification(self.env, message, "info" if not (blocked or short) else "warning")

    def action_chorus_refresh(self):
        """« Actualiser »: the flow and the lifecycle of these invoices, now."""
        check_chorus_access(self)
        self.sudo().with_context(skip_is_manually_modified=True)._chorus_refresh()
        return True

    def action_chorus_buy_tokens(self):
        check_chorus_access(self, "read")
        return self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_chorus_connect.action_chorus_token_pack_buy"
        )

    def _chorus_notify(self, results):
        kinds = {result["outcome"] for result in results}
        kind = (
            "success"
            if kinds == {"deposited"}
            else "warning"
            if "deposited" in kinds or "unknown" in kinds
            else "danger"
        )
        return chorus_notification(self.env, "\n".join(result["message"] for result in results), kind)

    # ------------------------------------------------------------------
    # Queue (batch deposits)
    # ------------------------------------------------------------------
    @api.model
    def _cron_chorus_deposit_queue(self, batch_size=20):
        self = self.with_context(skip_is_manually_modified=True)  # noqa: PLW0642 - bookkeeping, not an edit
        domain = [("chorus_deposit_queued", "=", True), ("state", "=", "posted")]
        moves = self.search(domain, limit=batch_size, order="id")
        remaining = len(moves) if len(moves) < batch_size else self.search_count(domain)
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=remaining)
        for move_id in moves.ids:
            result = self.browse(move_id)._chorus_lang_env().env["chorus.flow"]._deposit_move(move_id)
            if result["outcome"] not in ("deposited", "unknown"):
                move = self.browse(move_id)
                move.write({"chorus_deposit_queued": False})
                move.message_post(body=result["message"])
            if not cron._commit_progress(1):
                break

    def _chorus_deposit_now(self):
        """Deposit these invoices one by one (benchmarks, scripts). Returns the outcomes."""
        return [self.env["chorus.flow"]._deposit_move(move_id) for move_id in self.ids]

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------
    def _chorus_refresh(self):
        clients = {}  # one client (and PISTE token) per company, not per invoice

        def client_of(company):
            if company not in clients:
                clients[company] = company._chorus_client()
            return clients[company]

        issued = {}  # one search per flow, not per invoice of a lot

        def issued_in(flow, client):
            if flow not in issued:
                issued[flow] = {}
                for item in client.search_issued_invoices(flow_number=flow.name):
                    issued[flow].setdefault(item.number, item)
            return issued[flow]

        try:
            for flow in self.chorus_flow_id.filtered(
                lambda flow: flow.state in OPEN_STATES or flow.next_poll_at
            ):
                flow._poll(client_of(flow.company_id))
            for move in self.filtered(
                lambda move: move.chorus_flow_id.state in ("integrated", "partially_integrated")
                and (not move.chorus_status_final or move.chorus_history_pending)
            ):
                client = client_of(move.company_id)
                if not move.chorus_invoice_id:
                    item = issued_in(move.chorus_flow_id, client).get(move.name)
                    if not item:
                        continue
                    move._chorus_set_issued(item)
                move._chorus_refresh_lifecycle(client)
        except ChorusError as error:
            raise UserError(
                self.env._("Chorus Pro could not be reached: %(error)s", error=error.message)
            ) from error

    def _chorus_set_issued(self, item):
        """The invoice is known in Chorus Pro (``rechercher/fournisseur`` item)."""
        self.ensure_one()
        values = {"chorus_invoice_id": item.chorus_id, "chorus_checked_at": fields.Datetime.now()}
        if not self.chorus_status and item.status:
            values["chorus_status"] = self._chorus_status_value(item.status)
            values["chorus_status_at"] = item.status_at
        self.write(values)

    def _chorus_status_value(self, code):
        known = {value for value, _label in catalogue.invoice_selection()}
        return code if code in known else "TECHNIQUE_INCONNU"

    def _chorus_status_moved(self, item):
        self.ensure_one()
        if not self.chorus_invoice_id or not self.chorus_status or item.status != self.chorus_status:
            return True
        # Odoo stores datetimes to the second, Chorus answers with milliseconds.
        status_at = item.status_at and item.status_at.replace(microsecond=0)
        return bool(status_at and (not self.chorus_status_at or status_at > self.chorus_status_at))

    def _chorus_record_current(self, items):
        """The current status and date the changed-since search answers, recorded at once for these
        invoices (``items``: move id -> ``rechercher/fournisseur`` item); their histories are read
        later. Invoices at the same status and date are written together: a batch paid at once is
        a handful of writes, not one per invoice."""
        not_reported = {}
        groups = defaultdict(list)
        for move in self:
            item = items[move.id]
            siret = move._chorus_recipient_siret()
            if siret not in not_reported:
                not_reported[siret] = bool(move._chorus_buyer_structure().payment_status_not_reported)
            final = catalogue.is_final(item.status, payment_status_not_reported=not_reported[siret])
            groups[(item.status, item.status_at, final)].append(move.id)
            if item.chorus_id and item.chorus_id != move.chorus_invoice_id:
                move.chorus_invoice_id = item.chorus_id
        now = fields.Datetime.now()
        for (status, status_at, final), move_ids in groups.items():
            self.browse(move_ids).write(
                {
                    "chorus_status": self._chorus_status_value(status),
                    "chorus_status_at": status_at,
                    "chorus_checked_at": now,
                    "chorus_status_final": final,
                    "chorus_history_pending": True,
                }
            )
        for move in self.filtered(lambda move: items[move.id].status in ACTIVITY_STATUSES):
            move._chorus_schedule_action(items[move.id].status, items[move.id].status_comment)

    def _chorus_refresh_lifecycle(self, client, item=None):
        """Read the history of this invoice and record what is new."""
        self.ensure_one()
        if item and not self.chorus_invoice_id:
            self._chorus_set_issued(item)
        history = client.invoice_history(self.chorus_invoice_id)
        self.env["chorus.invoice.status"]._apply_history(self, history)
        if item and item.status == self.chorus_status and item.status_at:
            # The search's timestamp (to the second) is what the next run compares with.
            self.chorus_status_at = item.status_at

    def _chorus_schedule_action(self, code, comment):
        self = self._chorus_lang_env()  # noqa: PLW0642 - written for the customer's accountant
        status = catalogue.invoice_status(code)
        if comment:
            comment = Markup("%s %s") % (self.env._("Buyer's comment:"), comment)
        self._chorus_schedule_activity(_status_label(self.env, status), _next_step(self.env, status), comment)

    def _chorus_schedule_activity(self, label, next_step, reason):
        """An activity for whom the company chose: what Chorus Pro says (``label``), the next step, why."""
        self = self._chorus_lang_env()  # noqa: PLW0642 - written for the customer's accountant
        note = Markup("<p>%s</p>") % next_step
        if reason:
            note += Markup("<p>%s</p>") % reason
        user = self._chorus_activity_user()
        self.activity_schedule(
            ACTIVITY_TYPE,
            summary=self.env._("Chorus Pro: %(status)s", status=label),
            note=note,
            user_id=user.id,
        )

    def _chorus_administrators(self):
        """The people who may buy tokens for the company of these invoices (real users only)."""
        company = self.company_id[:1] or self.env.company
        return (
            self.env.ref(GROUP_MANAGER)
            .sudo()
            .all_user_ids.filtered(
                lambda user: user.active and not user.share and company in user.company_ids
            )
        )

    def _chorus_who_buys_tokens(self):
        """Where to buy tokens for the current user, or whom to ask."""
        if self.env.user.has_group(GROUP_MANAGER):
            return self.env._("Buy a pack in Invoicing > Chorus Pro > Token packs.")
        names = ", ".join(self._chorus_administrators().sorted("name").mapped("name"))
        if not names:
            return self.env._("Ask your administrator to give someone the Chorus Pro Administrator role.")
        return self.env._("Ask a Chorus Pro administrator to buy a pack: %(names)s.", names=names)

    def _chorus_no_token_message(self):
        return self.env._("No Chorus Pro token left.") + " " + self._chorus_who_buys_tokens()
