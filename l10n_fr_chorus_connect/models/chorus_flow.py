# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A deposit on Chorus Pro (``deposer/flux``) and its integration report.

Exactly once. One flow is one deposit attempt; its ``attempt_key`` is
unique, and the attempt is committed (flow ``sending`` + tokens held) before the
HTTP call, the answer committed right after it. Every step runs on a cursor of its
own (``registry.cursor()``): the caller's transaction only reads, so Odoo retrying
it after a serialization failure cannot send the file twice, and the attempt
survives a rollback of the caller. An attempt whose outcome is not known (timeout
after sending, crash between the answer and the commit) is reconciled by searching
the invoice in Chorus Pro before anything else is sent for that invoice.

Batch shape: one flow per invoice. Chorus Pro accepts a tar.gz of several
Factur-X, but then one bad invoice or one unknown outcome concerns the whole lot;
per invoice, "was it received?" has one answer found by number, a rejection
concerns one invoice, and a token is held and charged per flow. The extra HTTP
call per invoice is small next to rendering its PDF.
"""

import datetime
import logging
import random
import time
import uuid

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus import catalogue
from ..chorus.errors import (
    AccessDeniedError,
    AuthenticationError,
    BusinessError,
    ChorusError,
    NotFoundError,
    TransportError,
)
from .chorus_access import check_chorus_access
from .chorus_invoice_status import _next_step, _status_label
from .res_company import CHORUS_ENVIRONMENTS

_logger = logging.getLogger(__name__)

FLOW_STATES = [
    ("sending", "Sending"),
    ("unknown", "Outcome unknown"),
    ("deposited", "Received"),
    ("integrated", "Integrated"),
    ("partially_integrated", "Partially integrated"),
    ("rejected", "Flow rejected"),
    ("failed", "Not received"),
]
PENDING_STATES = ("sending", "unknown")
OPEN_STATES = ("sending", "unknown", "deposited")
# A move whose current flow is in one of these states cannot be deposited again.
HOLDING_STATES = ("sending", "unknown", "deposited", "integrated", "partially_integrated")

FLOW_INTEGRATED = "IN_INTEGRE"
FLOW_PARTIAL = "IN_INTEGRE_PARTIEL"
FLOW_REJECTED = "IN_REJETE"

DEPOSIT_TIMEOUT_PARAM = "l10n_fr_chorus_connect.deposit_timeout"
# A flow in "sending" younger than this is assumed to be in the hands of its sender.
SENDING_TIMEOUT = datetime.timedelta(minutes=2)
CRON_BATCH_SIZE = 50
# An integrated flow sometimes leaves out a rejected invoice: listed neither in listeErreurDP nor by
# rechercher/fournisseur (issue 8). Chorus makes the invoices of an integrated flow searchable at
# once (OCA maps them right after IN_INTEGRE); one still missing after this wait was not received.
# A day keeps a slow index from causing a second deposit (which Chorus would refuse as a duplicate).
OMITTED_WAIT = datetime.timedelta(hours=24)
OMITTED_CHECK_DELAY = datetime.timedelta(hours=1)
POLL_CRON = "l10n_fr_chorus_connect.ir_cron_chorus_poll_flows"
# Our bookkeeping on posted invoices is not a user's modification of the invoice.
SYSTEM_WRITE = {"skip_is_manually_modified": True}
# Deposits of one company meet on its wallet row; under REPEATABLE READ the later ones fail with a
# serialization error and must start over. Odoo replays a request 5 times, too few for a batch of
# users clicking at once, so the phases before the HTTP call (idempotent) are retried here.
PREPARE_ATTEMPTS = 30
PG_RETRYABLE = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable, pg_errors.DeadlockDetected)


def _poll_delay(age, errors=0):
    """Young flows are polled every few minutes, old ones rarely; transport errors back off more."""
    if age < datetime.timedelta(hours=1):
        delay = datetime.timedelta(minutes=5)
    elif age < datetime.timedelta(days=1):
        delay = datetime.timedelta(minutes=30)
    else:
        delay = datetime.timedelta(hours=6)
    if errors:
        delay = max(delay, datetime.timedelta(minutes=5 * 2 ** min(errors, 6)))
    return delay


def _refusal_kind(error):
    """Why a deposit was refused, as a key that stays the same from one attempt to the next (the
    messages carry addresses and times): the automatic deposit tells each problem once."""
    if isinstance(error, TransportError):
        return "unreachable"
    if isinstance(error, AuthenticationError):
        return f"authentication:{error.party}"
    if isinstance(error, BusinessError):
        return f"business:{error.code}"
    return type(error).__name__


class ChorusFlow(models.Model):
    _name = "chorus.flow"
    _description = "Chorus Pro Deposit"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True
    # The environment banner (sandbox, qualification), on this screen too.
    environment_banner = fields.Html(related="company_id.chorus_environment_banner")

    name = fields.Char(
        string="Flow Number",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="numeroFluxDepot given by Chorus Pro once it received the file.",
    )
    attempt_key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: uuid.uuid4().hex,
        help="Identifies this deposit attempt whatever happens to the HTTP call.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        FLOW_STATES, required=True, default="sending", readonly=True, index=True, tracking=True
    )
    chorus_state = fields.Char(string="Chorus Pro Flow State", readonly=True, help="etatCourantDepotFlux")
    chorus_state_label = fields.Char(string="Flow State", compute="_compute_chorus_state_label")
    syntax = fields.Char(readonly=True, default="IN_DP_E2_CII_FACTURX")
    filename = fields.Char(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="Deposited File", readonly=True, copy=False)
    facturx_verdict = fields.Text(string="Factur-X Check", readonly=True, copy=False)
    move_ids = fields.Many2many(
        "account.move",
        "chorus_flow_account_move_rel",
        "flow_id",
        "move_id",
        string="Invoices",
        readonly=True,
        check_company=True,
    )
    move_count = fields.Integer(compute="_compute_move_count")
    error_message = fields.Text(string="Errors", readonly=True)
    sent_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    deposit_date = fields.Date(readonly=True, help="dateDepot answered by Chorus Pro.")
    state_at = fields.Datetime(string="State Date", readonly=True, help="dateHeureEtatCourantFlux")
    last_poll_at = fields.Datetime(string="Last Check", readonly=True)
    next_poll_at = fields.Datetime(string="Next Check", readonly=True)
    poll_count = fields.Integer(readonly=True)
    error_count = fields.Integer(
        readonly=True, help="Consecutive transport errors: the next check waits longer."
    )
    token_held = fields.Integer(
        readonly=True, help="Tokens held for this deposit and neither charged nor released yet."
    )
    token_charged = fields.Integer(readonly=True)
    environment = fields.Selection(
        CHORUS_ENVIRONMENTS, readonly=True, help="The wallet of this environment pays its tokens."
    )

    _attempt_key_uniq = models.Constraint("unique(attempt_key)", "A deposit attempt is recorded once.")
    _name_company_uniq = models.UniqueIndex(
        "(company_id, name) WHERE name IS NOT NULL", "This Chorus Pro flow is already recorded."
    )
    _poll_idx = models.Index("(next_poll_at) WHERE next_poll_at IS NOT NULL")

    @api.depends("chorus_state")
    @api.depends_context("lang")
    def _compute_chorus_state_label(self):
        for flow in self:
            status = catalogue.flow_state(flow.chorus_state) if flow.chorus_state else None
            flow.chorus_state_label = _status_label(self.env, status) if status else False

    @api.depends("move_ids")
    def _compute_move_count(self):
        for flow in self:
            flow.move_count = len(flow.move_ids)

    @api.depends("name", "attempt_key")
    def _compute_display_name(self):
        for flow in self:
            flow.display_name = flow.name or self.env._("Deposit %(key)s", key=(flow.attempt_key or "")[:8])

    def action_open_moves(self):
        self.ensure_one()
        check_chorus_access(self, "read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "name": self.env._("Invoices"),
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }

    def action_refresh(self):
        # Chorus users read flows; the poll writes them as the system.
        check_chorus_access(self, "read")
        for flow in self.sudo().with_context(**SYSTEM_WRITE):
            flow._poll()
        return True

    # ------------------------------------------------------------------
    # Deposit (each phase on its own cursor)
    # ------------------------------------------------------------------
    @api.model
    def _deposit_move(self, move_id):
        """Deposit one invoice exactly once. Returns ``{"outcome", "message", "flow_id"}``.

        Outcomes: ``deposited``, ``unknown`` (sent, no answer: reconciled later), ``refused``
        (Chorus refused, nothing charged), ``busy`` (being deposited or checked), ``already``,
        ``invalid`` (pre-flight or Factur-X problems, nothing touched), ``no_tokens``.
        """
        with self.env.registry.cursor() as cr:
            # Flows and the wallet are technical records: the caller checked the user's right to deposit.
            env = self.env(cr=cr, su=True, context=dict(self.env.context, **SYSTEM_WRITE))
            result = env["chorus.flow"]._deposit_move_on_cursor(move_id)
            cr.commit()  # pylint: disable=invalid-commit  # the answer of Chorus Pro must not be lost
        self.env.invalidate_all()
        return result

    @api.model
    def _deposit_move_on_cursor(self, move_id):
        outcome, flow, document = self._prepare_deposit(move_id)
        if outcome:
            return outcome
        return flow._send(document)

    @api.model
    def _prepare_deposit(self, move_id):
        """Phases 0 and 1, started over on a serialization failure: nothing was sent yet."""
        attempt = 1
        while True:
            try:
                outcome = self._settle_pending_attempt(move_id)
                if outcome:
                    return outcome, None, None
                return self._record_attempt(move_id)
            except PG_RETRYABLE:
                if attempt == PREPARE_ATTEMPTS:
                    raise
                self.env.cr.rollback()
                self.env.invalidate_all()
                time.sleep(random.uniform(0.01, 0.05) * attempt)
                attempt += 1

    @api.model
    def _settle_pending_attempt(self, move_id):
        """Phase 0: an earlier attempt of unknown outcome is settled before anything new is sent.

        Returns an outcome when the invoice cannot go further now, else None.
        """
        move = self.env["account.move"].browse(move_id).try_lock_for_update()
        if not move:
            return self._outcome("busy", self._busy_message(move_id))
        pending = move.chorus_flow_id.filtered(lambda flow: flow.state in PENDING_STATES)
        if not pending:
            return None
        if pending._in_flight() or not pending.try_lock_for_update():
            # A double click, or another user: the first sender is still waiting for Chorus Pro.
            return self._outcome("busy", self._busy_message(move_id), pending)
        try:
            pending._reconcile()
        except ChorusError as error:
            self.env.cr.rollback()
            message = self.env._(
                "%(invoice)s was sent to Chorus Pro without a clear answer, and Chorus Pro cannot be reached "
                "to check it (%(error)s). Try again later.",
                invoice=move.display_name,
                error=error.message,
            )
            return self._outcome("busy", message, pending)
        self.env.cr.commit()  # pylint: disable=invalid-commit  # the reconciled outcome is final
        if pending.state in PENDING_STATES:
            message = self.env._(
                "%(invoice)s was sent to Chorus Pro without a clear answer; "
                "it is being checked with Chorus Pro. "
                "Refresh it in a few minutes: it will be either confirmed or ready to be deposited again.",
                invoice=move.display_name,
            )
            return self._outcome("busy", message, pending)
        return None

    @api.model
    def _record_attempt(self, move_id):
        """Phase 1: checks, file, attempt and held token, committed before the HTTP call.

        Returns ``(outcome, flow, document)``: an outcome when nothing is to be sent.
        """
        move = self.env["account.move"].browse(move_id).try_lock_for_update()
        if not move:
            return self._outcome("busy", self._busy_message(move_id)), None, None
        blocker = move._chorus_deposit_blocker(check_tokens=False)
        if blocker:
            outcome = "already" if move.chorus_flow_id else "invalid"
            return self._outcome(outcome, blocker, move.chorus_flow_id), None, None
        # The Factur-X is exported and checked once, by _build_document, on the file that is sent.
        problems = move._chorus_preflight(facturx=False)
        if problems:
            return self._outcome("invalid", move._chorus_problems_text(problems)), None, None
        try:
            move.company_id._chorus_client()  # no connection possible: nothing recorded, nothing held
            document = self.env["chorus.facturx"]._build_document(move)
            flow = self._create_attempt(move, document)
            move.company_id._chorus_wallet()._hold(1)
        except UserError as error:
            self.env.cr.rollback()
            outcome = "no_tokens" if move._chorus_tokens_available() < 1 else "invalid"
            return self._outcome(outcome, error.args[0]), None, None
        # The attempt and its held token must exist before the HTTP call: whatever happens to the call,
        # the next deposit of this invoice finds the attempt and settles it first.
        self.env.cr.commit()  # pylint: disable=invalid-commit
        return None, flow, document

    def _send(self, document):
        """Phase 2: the call. Phase 3: its answer, committed at once by the caller."""
        self.ensure_one()
        client = self.company_id._chorus_client()
        timeout = self.env["ir.config_parameter"].sudo().get_param(DEPOSIT_TIMEOUT_PARAM)
        if timeout:
            client.timeout = float(timeout)
        try:
            receipt = client.deposit_flow(document["pdf"], document["filename"], syntax=self.syntax)
        except TransportError as error:
            self._lock_flow(self)
            if error.outcome_unknown:
                self._mark_unknown(error)
                return self._outcome("unknown", self._unknown_message(error), self)
            self._mark_refused(error)
            return self._outcome("refused", self._refused_message(error), self, _refusal_kind(error))
        except (AuthenticationError, AccessDeniedError, BusinessError) as error:
            self._lock_flow(self)
            self._mark_refused(error)
            return self._outcome("refused", self._refused_message(error), self, _refusal_kind(error))
        self._lock_flow(self)
        if self.state in PENDING_STATES:
            self._mark_deposited(receipt.flow_number, receipt.deposit_date)
            # Chorus Pro integrates a flow within seconds or minutes: look soon rather than at the next run.
            self.env.ref(POLL_CRON).sudo()._trigger(fields.Datetime.now() + datetime.timedelta(minutes=1))
        message = self.env._(
            "%(invoice)s was deposited on Chorus Pro (flow %(flow)s).",
            invoice=", ".join(self.move_ids.mapped("display_name")),
            flow=self.name,
        )
        return self._outcome("deposited", message, self)

    def _in_flight(self):
        """The attempt is young enough for its sender to still be waiting for the answer."""
        self.ensure_one()
        return (
            self.state == "sending"
            and fields.Datetime.now() - (self.sent_at or self.create_date) < SENDING_TIMEOUT
        )

    def _busy_message(self, move_id):
        move = self.env["account.move"].browse(move_id)
        return self.env._("%(invoice)s is already being deposited on Chorus Pro.", invoice=move.display_name)

    @api.model
    def _outcome(self, outcome, message, flow=None, problem=None):
        """``problem``: why a refused deposit was refused, as a stable key (see ``_refusal_kind``)."""
        result = {"outcome": outcome, "message": message, "flow_id": flow.id if flow else False}
        if problem:
            result["problem"] = problem
        return result

    def _lock_flow(self, flow):
        """Wait for the flow row: the cron may be reconciling it at this very moment."""
        self.env.cr.execute("SELECT id FROM chorus_flow WHERE id = %s FOR UPDATE", [flow.id])
        flow.invalidate_recordset()

    @api.model
    def _create_attempt(self, move, document):
        # Its « created » line in the company's language, as its tracked states (a cron has no lang).
        in_company_lang = self.with_context(lang=move.company_id.partner_id.lang or self.env.lang)
        flow = in_company_lang.create(
            {
                "company_id": move.company_id.id,
                "move_ids": [fields.Command.set(move.ids)],
                "filename": document["filename"],
                "facturx_verdict": document.get("verdict"),
                "token_held": 1,
                "environment": move.company_id.chorus_environment,
                "sent_at": fields.Datetime.now(),
                "next_poll_at": fields.Datetime.now() + SENDING_TIMEOUT,
            }
        )
        flow.attachment_id = self.env["ir.attachment"].create(
            {
                "name": document["filename"],
                "raw": document["pdf"],
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": flow.id,
            }
        )
        move.write(
            {
                "chorus_flow_id": flow.id,
                "chorus_deposit_queued": False,
                "chorus_rejection_reason": False,
                "chorus_invoice_id": 0,
                "chorus_status": False,
                "chorus_status_at": False,
                "chorus_status_final": False,
            }
        )
        return flow.with_env(self.env)

    # ------------------------------------------------------------------
    # Outcomes (caller holds the flow row lock)
    # ------------------------------------------------------------------
    def _mark_deposited(self, flow_number, deposit_date=None):
        self.ensure_one()
        now = fields.Datetime.now()
        self.write(
            {
                "name": flow_number,
                "state": "deposited",
                "deposit_date": deposit_date or fields.Date.context_today(self),
                "error_message": False,
                "next_poll_at": now,
                "error_count": 0,
            }
        )
        self._settle_tokens()
        for move in self.move_ids:
            move.message_post(
                body=move._chorus_lang_env().env._(
                    "Deposited on Chorus Pro: flow %(flow)s. Its integration will be checked automatically.",
                    flow=flow_number,
                )
            )

    def _settle_tokens(self):
        if self.token_held:
            self.company_id._chorus_wallet(self.environment)._settle(self.token_held, self.move_ids, self)
            self.write({"token_charged": self.token_charged + len(self.move_ids), "token_held": 0})

    def _release_tokens(self):
        if self.token_held:
            self.company_id._chorus_wallet(self.environment)._release(self.token_held)
            self.token_held = 0

    def _mark_unknown(self, error):
        self.ensure_one()
        if self.state not in PENDING_STATES:
            return
        self.write(
            {
                "state": "unknown",
                "error_message": error.message,
                "next_poll_at": fields.Datetime.now(),
            }
        )

    def _mark_refused(self, error):
        self.ensure_one()
        if self.state not in PENDING_STATES:
            return
        self.write({"state": "failed", "error_message": error.message, "next_poll_at": False})
        self._release_tokens()
        in_their_lang = self.with_env(self.move_ids._chorus_lang_env().env)
        self._detach_moves(self.move_ids, in_their_lang._refused_message(error), post=False)

    def _mark_not_received(self):
        self.ensure_one()
        message = self.move_ids._chorus_lang_env().env._(
            "Chorus Pro has no trace of this deposit: it was not received. "
            "The invoice can be deposited again."
        )
        self.write({"state": "failed", "error_message": message, "next_poll_at": False})
        self._release_tokens()
        self._detach_moves(self.move_ids, message)

    def _detach_moves(self, moves, reason, post=True):
        """The invoices leave this flow: fixed, they may be deposited again."""
        current = moves.filtered(lambda move: move.chorus_flow_id == self)
        current.write({"chorus_flow_id": False, "chorus_rejection_reason": reason})
        if post:
            for move in moves:
                move.message_post(body=reason)

    def _refused_message(self, error):
        if isinstance(error, AuthenticationError):
            if error.party == AuthenticationError.PISTE:
                cause = self.env._(
                    "PISTE refused the application credentials (client id or secret): check them in Settings."
                )
            else:
                cause = self.env._(
                    "Chorus Pro refused the technical account (login or password): check it in Settings; "
                    "the password must be changed every 14 months on the Chorus Pro portal."
                )
        elif isinstance(error, AccessDeniedError):
            cause = self.env._(
                "The PISTE application is not allowed to use the Factures API: subscribe it on PISTE."
            )
        elif isinstance(error, BusinessError):
            cause = self.env._("Chorus Pro refused the file: %(label)s", label=error.label or error.message)
        else:
            cause = self.env._("Chorus Pro could not be reached: %(error)s", error=error.message)
        return self.env._("The invoice was not deposited, no token was used. %(cause)s", cause=cause)

    def _unknown_message(self, error):
        return self.env._(
            "Chorus Pro did not answer in time (%(error)s). The file may have been received: "
            "Odoo checks it with Chorus Pro before any new deposit, and the token stays reserved until then.",
            error=error.message,
        )

    # ------------------------------------------------------------------
    # Reconciliation of attempts without an answer
    # ------------------------------------------------------------------
    def _reconcile_grace(self):
        """How long an attempt without an answer may still turn up in Chorus Pro (company setting)."""
        self.ensure_one()
        return datetime.timedelta(minutes=self.company_id.chorus_unknown_outcome_grace)

    def _reconcile(self, client=None):
        """Find in Chorus Pro what became of attempts in ``sending``/``unknown``.

        Found by invoice number (deposited since the attempt, in a flow no other record
        knows): deposited, token charged. Not found once Chorus had time to integrate
        it: not received, token released. Otherwise unchanged, checked again later.
        """
        now = fields.Datetime.now()
        for flow in self.filtered(lambda flow: flow.state in PENDING_STATES):
            grace = flow._reconcile_grace()
            client = client or flow.company_id._chorus_client()
            sent_at = flow.sent_at or flow.create_date
            found = {}
            for move in flow.move_ids:
                items = client.search_issued_invoices(
                    invoice_number=move.name, deposited_from=sent_at.date() - datetime.timedelta(days=1)
                )
                candidates = [item for item in items if item.number == move.name and item.flow_number]
                # A flow another record already owns is an earlier deposit of the same number, not this one.
                known = set(
                    self.search(
                        [
                            ("company_id", "=", flow.company_id.id),
                            ("name", "in", [item.flow_number for item in candidates]),
                        ]
                    ).mapped("name")
                )
                for item in candidates:
                    if item.flow_number not in known:
                        found[move] = item
            flow.write({"last_poll_at": now, "poll_count": flow.poll_count + 1})
            if found:
                item = next(iter(found.values()))
                flow._mark_deposited(item.flow_number, item.deposit_date)
                for move, item in found.items():
                    move._chorus_set_issued(item)
                flow.write({"state": "integrated", "chorus_state": FLOW_INTEGRATED})
            elif now - sent_at >= grace:
                flow._mark_not_received()
            else:
                flow.next_poll_at = now + min(grace, datetime.timedelta(minutes=5))

    # ------------------------------------------------------------------
    # Integration report (consulterCRDetaille)
    # ------------------------------------------------------------------
    def _poll(self, client=None):
        """Bring the flow up to date: reconcile, or read its report and map its invoices."""
        self.ensure_one()
        client = client or self.company_id._chorus_client()
        if self.state in PENDING_STATES:
            self._reconcile(client)
            return
        if self.state in ("integrated", "partially_integrated"):
            # Only its own invoices still unknown in Chorus Pro: a rejected one has left the flow already.
            self._map_invoices(
                client,
                self.move_ids.filtered(
                    lambda move: move.chorus_flow_id == self and not move.chorus_invoice_id
                ),
            )
            return
        if self.state != "deposited":
            return
        now = fields.Datetime.now()
        age = now - (self.sent_at or self.create_date)
        try:
            report = client.flow_report(self.name)
        except NotFoundError:
            # Chorus Pro may list a flow a few moments after acknowledging it.
            self.write(
                {
                    "last_poll_at": now,
                    "poll_count": self.poll_count + 1,
                    "next_poll_at": now + _poll_delay(age),
                }
            )
            return
        values = {
            "chorus_state": report.state,
            "state_at": report.state_at,
            "last_poll_at": now,
            "poll_count": self.poll_count + 1,
            "error_count": 0,
        }
        errors = [f"{error.code} {error.message}".strip() for error in report.technical_errors]
        errors += [f"{error.invoice_number}: {error.message}" for error in report.invoice_errors]
        if report.message and not errors:
            errors.append(report.message)
        values["error_message"] = "\n".join(errors) or False
        status = catalogue.flow_state(report.state)
        if status.outcome == catalogue.FAILURE:
            values.update(state="rejected", next_poll_at=False)
            self.write(values)
            self._reject_moves(self.move_ids, report)
        elif status.outcome == catalogue.SUCCESS:
            rejected_numbers = {error.invoice_number for error in report.invoice_errors}
            rejected = self.move_ids.filtered(lambda move: move.name in rejected_numbers)
            values.update(
                state="partially_integrated" if rejected or report.state == FLOW_PARTIAL else "integrated",
                next_poll_at=False,
            )
            self.write(values)
            if rejected:
                self._reject_moves(rejected, report)
            self._map_invoices(client, self.move_ids - rejected)
        else:
            # Still moving, or Chorus Pro will process it again by itself.
            values["next_poll_at"] = now + _poll_delay(age)
            self.write(values)

    def _map_invoices(self, client, moves):
        """Give the invoices of an integrated flow their Chorus Pro id. One Chorus leaves out now and
        then (neither integrated nor in the error list): after OMITTED_WAIT it was not received."""
        self.ensure_one()
        by_number = {}
        if moves:
            by_number = {item.number: item for item in client.search_issued_invoices(flow_number=self.name)}
        for move in moves.filtered(lambda move: move.name in by_number):
            move._chorus_record_issued(client, by_number[move.name])
        missing = moves.filtered(lambda move: move.name not in by_number)
        now = fields.Datetime.now()
        if not missing:
            self.next_poll_at = False
        elif now - (self.state_at or self.last_poll_at or now) >= OMITTED_WAIT:
            self._mark_omitted(missing)
            self.next_poll_at = False
        else:
            self.next_poll_at = now + OMITTED_CHECK_DELAY

    def _mark_omitted(self, moves):
        """Integrated flow, invoice nowhere in Chorus Pro: not received, freed, token given back."""
        for move in moves:
            env = move._chorus_lang_env().env  # read by the customer's accountant, not the cron's user
            message = env._(
                "Chorus Pro integrated flow %(flow)s but lists this invoice neither as integrated nor as "
                "rejected, %(hours)s hours later: it was not received. Deposit it again; the token was "
                "given back.",
                flow=self.name,
                hours=int(OMITTED_WAIT.total_seconds() // 3600),
            )
            self._detach_moves(move, message)
            move._chorus_schedule_activity(
                env._("invoice missing from the integrated flow"),
                env._("Deposit the invoice again."),
                message,
            )
        self.company_id._chorus_wallet(self.environment)._credit_back(
            moves, self, self.env._("Not integrated by Chorus Pro in flow %(flow)s", flow=self.name)
        )

    def _reject_moves(self, moves, report):
        """Invoices Chorus Pro did not integrate: detached, reason in the chatter and in an activity
        with the next step, token given back."""
        by_number = {error.invoice_number: error.message for error in report.invoice_errors}
        flow_reasons = "; ".join(error.message for error in report.technical_errors)
        state = catalogue.flow_state(report.state)
        for move in moves:
            env = move._chorus_lang_env().env  # read by the customer's accountant, not the cron's user
            reason = by_number.get(move.name) or flow_reasons or env._("no reason given")
            if move.name in by_number or report.state == FLOW_REJECTED:
                message = env._(
                    "Chorus Pro rejected this invoice (flow %(flow)s): %(reason)s. "
                    "Fix it, then deposit it again; the token was given back.",
                    flow=self.name,
                    reason=reason.rstrip(" ."),  # the sentence brings its own full stop
                )
                step = catalogue.flow_state(FLOW_REJECTED)
            else:
                message = env._(
                    "Chorus Pro did not integrate this invoice: its flow %(flow)s ended in the state "
                    "%(state)s (%(reason)s). It can be deposited again; the token was given back.",
                    flow=self.name,
                    state=report.state,
                    reason=reason.rstrip(" ."),  # the sentence brings its own full stop
                )
                step = state
            self._detach_moves(move, message)
            move._chorus_schedule_activity(_status_label(env, step), _next_step(env, step), reason)
        self.company_id._chorus_wallet(self.environment)._credit_back(
            moves, self, self.env._("Not integrated by Chorus Pro in flow %(flow)s", flow=self.name)
        )

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_poll_flows(self, batch_size=CRON_BATCH_SIZE):
        self = self.with_context(**SYSTEM_WRITE)  # noqa: PLW0642
        now = fields.Datetime.now()
        domain = [
            "|",
            "&",
            ("state", "in", OPEN_STATES),
            "|",
            ("next_poll_at", "=", False),
            ("next_poll_at", "<=", now),
            "&",
            ("state", "in", ("integrated", "partially_integrated")),
            ("next_poll_at", "<=", now),
        ]
        flows = self.search(domain, limit=batch_size, order="next_poll_at, id")
        remaining = len(flows) if len(flows) < batch_size else self.search_count(domain)
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=remaining)
        clients = {}
        for flow_id in flows.ids:
            flow = self.browse(flow_id).try_lock_for_update().filtered_domain(domain)
            if not flow:
                cron._commit_progress(1)
                continue
            company = flow.company_id
            try:
                if company not in clients:
                    clients[company] = company._chorus_client()
                # The tracked state changes are written in the chatter in the company's language.
                flow.with_context(lang=company.partner_id.lang or self.env.lang)._poll(clients[company])
            except Exception as error:
                self.env.cr.rollback()
                flow = self.browse(flow_id)
                _logger.warning("Chorus Pro flow %s not checked: %s", flow.display_name, error)
                errors = flow.error_count + 1
                age = fields.Datetime.now() - (flow.sent_at or flow.create_date)
                flow.write(
                    {"error_count": errors, "next_poll_at": fields.Datetime.now() + _poll_delay(age, errors)}
                )
            if not cron._commit_progress(1):
                break
