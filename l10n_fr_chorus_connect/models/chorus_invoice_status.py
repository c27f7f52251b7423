# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The lifecycle of deposited invoices: every status Chorus Pro reports, and the cron that follows them.

One run per company reads the invoices whose status changed since the last run with ONE
paginated ``rechercher/fournisseur`` (``periodeDateHeureEtatCourantDu``) and records at once the
current status and date it answers for every invoice that moved (2,000 moved invoices: 2 calls).
The histories of those invoices are then read at a bounded rate, HISTORY_BUDGET a run, the
cron coming back within minutes while some are left; an invoice a user refreshes gets its
history at once. Invoices at a final status are no longer followed.
"""

import datetime
import logging

from markupsafe import Markup

from odoo import api, fields, models

from ..chorus import catalogue
from ..chorus.errors import RateLimitedError, TransportError

_logger = logging.getLogger(__name__)

LAST_RUN_PARAM = "l10n_fr_chorus_connect.lifecycle_last_run.%s"
RETRY_AT_PARAM = "l10n_fr_chorus_connect.lifecycle_retry_at.%s"
# Chorus Pro timestamps and ours are not the same clock: read a little before the last run.
CHANGED_SINCE_MARGIN = datetime.timedelta(minutes=10)
TRACKED_FLOW_STATES = ("integrated", "partially_integrated", "deposited")
# Hélios may report MANDATEE after MISE_EN_PAIEMENT (reference §4.1): an invoice at a final status
# stays in the changed-since search (one call per company, whatever its size) for a while longer.
FINAL_STATUS_WATCH = datetime.timedelta(days=30)
# Fewer, larger pages: a run reads every invoice changed since the last one in a few calls.
SEARCH_PAGE_SIZE = 1000
# Histories read per company and run: with the search, a run stays under 40 calls however many
# invoices moved; the rest is read by the next runs, triggered HISTORY_RETRY_DELAY later.
HISTORY_BUDGET = 30
HISTORY_RETRY_DELAY = datetime.timedelta(minutes=5)
RECORD_BATCH = 500
TRACK_CRON = "l10n_fr_chorus_connect.ir_cron_chorus_track_lifecycles"


class ChorusInvoiceStatus(models.Model):
    _name = "chorus.invoice.status"
    _description = "Chorus Pro Invoice Status"
    _order = "date desc, entry_id desc, id desc"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    entry_id = fields.Integer(string="Chorus Pro Entry", help="histoStatutId", required=True)
    code = fields.Char(required=True)
    label = fields.Char(string="Status", compute="_compute_label")
    color = fields.Char(compute="_compute_label")
    date = fields.Datetime()
    comment = fields.Text(string="Buyer Comment")
    author = fields.Char()

    _move_entry_uniq = models.Constraint(
        "unique(move_id, entry_id)", "A status of the Chorus Pro history is recorded once."
    )

    @api.depends("code")
    @api.depends_context("lang")
    def _compute_label(self):
        for line in self:
            status = catalogue.invoice_status(line.code)
            line.label = _status_label(self.env, status)
            line.color = status.color

    # ------------------------------------------------------------------
    # History of one invoice
    # ------------------------------------------------------------------
    @api.model
    def _apply_history(self, move, history):
        """Record the entries of ``history`` (``consulter/historique``) ``move`` does not have yet,
        its current status, and what the salesperson must do."""
        move.ensure_one()
        known = set(move.chorus_status_ids.mapped("entry_id"))
        entries = sorted(
            history.entries, key=lambda entry: (entry.at or fields.Datetime.now(), entry.entry_id)
        )
        new = [entry for entry in entries if entry.entry_id not in known]
        if new:
            self.create(
                [
                    {
                        "move_id": move.id,
                        "entry_id": entry.entry_id,
                        "code": entry.status,
                        "date": entry.at,
                        "comment": entry.comment or False,
                        "author": entry.author or False,
                    }
                    for entry in new
                ]
            )
        current = history.current_status or (entries[-1].status if entries else move.chorus_status)
        latest = entries[-1] if entries else None
        # Recorded from the search already: its activity exists and its date (to the second) stays.
        recorded = move.chorus_history_pending and current == move.chorus_status
        values = {
            "chorus_checked_at": fields.Datetime.now(),
            "chorus_history_pending": False,
            "chorus_status_final": move._chorus_is_final_status(current),
        }
        changed = current and current != move.chorus_status
        if current:
            values["chorus_status"] = move._chorus_status_value(current)
        if latest and not recorded:
            values["chorus_status_at"] = latest.at
        move.write(values)
        for entry in new:
            self._post_status(move, entry)
        last = new[-1] if new and new[-1].status == current else None
        if current in catalogue.SUPPLIER_ACTION_STATUSES and not recorded and (changed or last):
            move._chorus_schedule_action(current, last.comment if last else "")

    @api.model
    def _post_status(self, move, entry):
        env = move._chorus_lang_env().env  # read by the customer's accountant, not the cron's user
        status = catalogue.invoice_status(entry.status)
        body = Markup("%s <strong>%s</strong>") % (env._("Chorus Pro status:"), _status_label(env, status))
        if entry.comment:
            body += Markup("<br/>%s %s") % (env._("Buyer's comment:"), entry.comment)
        move.message_post(body=body)

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _tracked_moves_domain(self, company=None):
        domain = [
            ("chorus_flow_id.state", "in", TRACKED_FLOW_STATES),
            "|",
            ("chorus_status_final", "=", False),
            ("chorus_status_at", ">=", fields.Datetime.now() - FINAL_STATUS_WATCH),
        ]
        return [*domain, ("company_id", "=", company.id)] if company else domain

    @api.model
    def _cron_track_lifecycles(self):
        self = self.with_context(skip_is_manually_modified=True)  # noqa: PLW0642 - bookkeeping, not an edit
        companies = self.env["account.move"].search(self._tracked_moves_domain()).company_id
        params = self.env["ir.config_parameter"].sudo()
        now = fields.Datetime.now()
        for company in companies:
            retry_at = params.get_param(RETRY_AT_PARAM % company.id)
            if retry_at and fields.Datetime.to_datetime(retry_at) > now:
                continue
            try:
                done = self.with_company(company)._track_company(company)
            except Exception as error:
                self.env.cr.rollback()
                _logger.warning("Chorus Pro lifecycles of %s not read: %s", company.name, error)
                delay = getattr(error, "retry_after", None) or 600
                params.set_param(
                    RETRY_AT_PARAM % company.id,
                    fields.Datetime.to_string(fields.Datetime.now() + datetime.timedelta(seconds=delay)),
                )
                self.env["ir.cron"]._commit_progress()
                continue
            params.set_param(RETRY_AT_PARAM % company.id, "")
            if not done:
                break

    @api.model
    def _track_company(self, company, client=None):
        """One run for one company. Returns False when the cron ran out of time (re-triggered)."""
        params = self.env["ir.config_parameter"].sudo()
        moves_model = self.env["account.move"]
        cron = self.env["ir.cron"]
        tracked = moves_model.search(self._tracked_moves_domain(company))
        if not tracked:
            return True
        client = client or company._chorus_client()
        client.page_size = max(client.page_size, SEARCH_PAGE_SIZE)
        started = fields.Datetime.now()
        last_run = params.get_param(LAST_RUN_PARAM % company.id)
        if last_run:
            since = fields.Datetime.to_datetime(last_run) - CHANGED_SINCE_MARGIN
        else:
            first = min(flow.sent_at or flow.create_date for flow in tracked.chorus_flow_id)
            since = first - datetime.timedelta(days=1)
        changed = client.search_issued_invoices(changed_since=since)
        by_id = {item.chorus_id: item for item in changed}
        by_number = {item.number: item for item in changed}
        moved = []
        for move in tracked:
            item = by_id.get(move.chorus_invoice_id) if move.chorus_invoice_id else by_number.get(move.name)
            if item and move._chorus_status_moved(item):
                moved.append((move.id, item))
        cron._commit_progress(remaining=len(moved))
        for start in range(0, len(moved), RECORD_BATCH):
            batch = dict(moved[start : start + RECORD_BATCH])
            moves_model.browse(list(batch)).try_lock_for_update()._chorus_record_current(batch)
            if not cron._commit_progress(len(batch)):
                return False
        params.set_param(LAST_RUN_PARAM % company.id, fields.Datetime.to_string(started))
        cron._commit_progress()
        if not self._fill_histories(company, client):
            self.env.ref(TRACK_CRON).sudo()._trigger(fields.Datetime.now() + HISTORY_RETRY_DELAY)
        return True

    @api.model
    def _fill_histories(self, company, client, budget=None):
        """Read the histories of up to ``budget`` invoices whose current status is recorded without
        them, latest changes first. True when none is left."""
        moves_model = self.env["account.move"]
        domain = [("company_id", "=", company.id), ("chorus_history_pending", "=", True)]
        cron = self.env["ir.cron"]
        limit = budget or HISTORY_BUDGET
        for move_id in moves_model.search(domain, limit=limit, order="chorus_status_at desc, id").ids:
            move = moves_model.browse(move_id).try_lock_for_update()
            if not move:
                continue
            try:
                move._chorus_refresh_lifecycle(client)
            except RateLimitedError:
                self.env.cr.rollback()
                raise
            except TransportError as error:
                self.env.cr.rollback()
                _logger.info("Chorus Pro history of %s not read: %s", move_id, error)
            except Exception as error:
                self.env.cr.rollback()
                _logger.warning("Chorus Pro history of %s not read: %s", move_id, error)
            cron._commit_progress()
        return not moves_model.search_count(domain, limit=1)


def _status_label(env, status):
    """The status's label in the user's language: the catalogue's English, translated by the .po."""
    return env._(status.label_en) if status.known else status.label_en


def _next_step(env, status):
    return env._(status.next_step_en) if status.next_step_en else ""
