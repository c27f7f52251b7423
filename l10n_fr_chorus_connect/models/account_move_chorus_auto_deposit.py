# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Automatic deposit: posting an invoice of an opted-in public customer queues it for Chorus Pro.

Queueing is a consequence of posting, done as the system whoever posts (a user without Chorus
Pro rights, a batch, an automatic posting): posting never calls Chorus Pro and never fails
because of it. The deposit queue's cron (the one the list's batch deposit and the Send wizard's
cron use) deposits each invoice through the exactly-once ``chorus.flow._deposit_move``, as the
cron's user in the invoice's company. What stops an automatic deposit (pre-flight problem, no
token, a refusal of Chorus Pro) becomes one activity per problem for the salesperson; the invoice
stays queued and is tried again later, so that a fixed problem lets it go on.
"""

import datetime
import hashlib
import logging

from markupsafe import Markup

from odoo import api, fields, models

from .account_move import ACTIVITY_TYPE, DEPOSIT_QUEUE_CRON
from .chorus_flow import HOLDING_STATES, SYSTEM_WRITE

_logger = logging.getLogger(__name__)

AUTO_DEPOSIT_CHOICES = [
    ("company", "As the company's default"),
    ("always", "Automatically when posted"),
    ("never", "By hand"),
]
# Cheap problems (pre-flight, tokens, an attempt still being checked) are looked at again by the
# next hourly run; refusals, which cost a Factur-X and a call each, wait longer each time.
RECHECK_DELAY = datetime.timedelta(minutes=50)
MAX_RETRY_DELAY = datetime.timedelta(days=1)
QUEUE_BATCH_SIZE = 20
# Chorus Pro could not be reached: retried without an activity (a Chorus Pro outage is no task).
UNREACHABLE = "unreachable"


class ResCompany(models.Model):
    _inherit = "res.company"

    chorus_auto_deposit = fields.Boolean(
        string="Deposit Automatically on Chorus Pro",
        help="Invoices and credit notes of public customers are deposited on Chorus Pro as soon as "
        "they are posted, unless the customer says otherwise.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chorus_auto_deposit = fields.Boolean(related="company_id.chorus_auto_deposit", readonly=False)


class ResPartner(models.Model):
    _inherit = "res.partner"

    chorus_auto_deposit = fields.Selection(
        AUTO_DEPOSIT_CHOICES,
        string="Chorus Pro Deposit",
        default="company",
        help="Whether this public customer's invoices are deposited on Chorus Pro as soon as they are "
        "posted, or by hand. Company default: Settings > Chorus Pro.",
    )

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "chorus_auto_deposit"]


class ChorusFlow(models.Model):
    _inherit = "chorus.flow"

    def _mark_deposited(self, flow_number, deposit_date=None):
        # EXTENDS: deposited by any path (the queue, the panel, the Send wizard, a reconciliation),
        # the activity about its automatic deposit is done.
        result = super()._mark_deposited(flow_number, deposit_date)
        for move in self.move_ids.filtered("chorus_deposit_activity_id"):
            move._chorus_auto_deposit_done(
                move._chorus_lang_env().env._("Deposited on Chorus Pro: flow %(flow)s.", flow=flow_number)
            )
        return result


class AccountMove(models.Model):
    _inherit = "account.move"

    chorus_deposit_retry_at = fields.Datetime(
        string="Next Deposit Attempt",
        readonly=True,
        copy=False,
        help="A queued invoice that could not be deposited is tried again from this time on.",
    )
    chorus_deposit_problem = fields.Char(
        string="Automatic Deposit Problem Key",
        readonly=True,
        copy=False,
        help="Technical: the problem the last activity told about; the same problem is told once.",
    )
    chorus_deposit_problem_message = fields.Text(
        string="Automatic Deposit Problem", readonly=True, copy=False
    )
    chorus_deposit_activity_id = fields.Many2one(
        "mail.activity", string="Automatic Deposit Activity", readonly=True, copy=False, ondelete="set null"
    )
    chorus_auto_deposit_note = fields.Char(
        string="Automatic Deposit", compute="_compute_chorus_auto_deposit_note"
    )
    chorus_auto_deposit_waiting = fields.Boolean(
        string="Automatic Deposit Waiting", compute="_compute_chorus_auto_deposit_note"
    )

    @api.depends_context("uid")
    @api.depends(
        "state",
        "partner_id",
        "chorus_deposit_queued",
        "chorus_deposit_problem_message",
        "chorus_flow_id.state",
    )
    def _compute_chorus_auto_deposit_note(self):
        for move in self:
            note, waiting = False, False
            if (
                move.chorus_panel_visible
                and move.chorus_flow_id.state not in HOLDING_STATES
                and move._chorus_deposits_automatically()
                and move._chorus_company_deposits_automatically()
            ):
                if move.state == "draft":
                    note = self.env._("Will be deposited automatically once confirmed.")
                elif move.state == "posted" and move.chorus_deposit_queued:
                    if move.chorus_deposit_blocker:
                        waiting = True
                        note = self.env._(
                            "Will be deposited automatically once this is solved: %(reason)s "
                            "Odoo checks again every hour.",
                            reason=move.chorus_deposit_blocker,
                        )
                    elif move.chorus_deposit_problem_message:
                        waiting = True
                        note = self.env._(
                            "Will be deposited automatically; the last attempt failed: %(reason)s",
                            reason=move.chorus_deposit_problem_message,
                        )
                    else:
                        note = self.env._("Will be deposited automatically.")
            move.chorus_auto_deposit_note = note
            move.chorus_auto_deposit_waiting = waiting

    # ------------------------------------------------------------------
    # Posting queues
    # ------------------------------------------------------------------
    def _post(self, soft=True):
        # EXTENDS 'account'
        posted = super()._post(soft=soft)
        posted._chorus_queue_automatic_deposits()
        return posted

    def _chorus_deposits_automatically(self):
        """The customer's choice, else the company's default."""
        self.ensure_one()
        choice = self.commercial_partner_id.chorus_auto_deposit or "company"
        if choice == "company":
            return self.company_id.chorus_auto_deposit
        return choice == "always"

    def _chorus_company_deposits_automatically(self):
        """A French company whose connection is configured (no network): else nothing is queued."""
        self.ensure_one()
        company = self.company_id
        return (
            company.country_code in company._get_france_country_codes()
            and not company._chorus_connection_problem()
        )

    def _chorus_to_queue_when_posted(self):
        self.ensure_one()
        return bool(
            self.move_type in ("out_invoice", "out_refund")
            and self.chorus_is_public
            and self.state == "posted"
            and not self.chorus_deposit_queued
            and self.chorus_flow_id.state not in HOLDING_STATES
            and self._chorus_deposits_automatically()
            and self._chorus_company_deposits_automatically()
        )

    def _chorus_queue_automatic_deposits(self):
        """Queue the just posted invoices that go to Chorus Pro by themselves. Bookkeeping of the
        system (the poster may have no Chorus Pro rights), no call to Chorus Pro: posting goes on."""
        moves = self.sudo().filtered(lambda move: move._chorus_to_queue_when_posted())
        if not moves:
            return
        moves.with_context(**SYSTEM_WRITE).write(
            {
                "chorus_deposit_queued": True,
                "chorus_deposit_retry_at": False,
                "chorus_deposit_problem_message": False,
            }
        )
        cron = self.env.ref(DEPOSIT_QUEUE_CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    # ------------------------------------------------------------------
    # The queue's cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_chorus_deposit_queue(self, batch_size=QUEUE_BATCH_SIZE):
        self = self.with_context(**SYSTEM_WRITE)  # noqa: PLW0642 - bookkeeping, not an edit
        domain = [
            ("chorus_deposit_queued", "=", True),
            ("state", "=", "posted"),
            "|",
            ("chorus_deposit_retry_at", "=", False),
            ("chorus_deposit_retry_at", "<=", fields.Datetime.now()),
        ]
        moves = self.search(domain, limit=batch_size, order="id")
        remaining = len(moves) if len(moves) < batch_size else self.search_count(domain)
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=remaining)
        unreachable = set()  # companies Chorus Pro did not answer in this run: their next invoices wait
        for move_id in moves.ids:
            move = self.browse(move_id)
            try:
                if move.company_id.id in unreachable:
                    move._chorus_retry_later(RECHECK_DELAY)
                elif move._chorus_deposit_queued() == UNREACHABLE:
                    unreachable.add(move.company_id.id)
            except Exception:
                # One invoice must not stop the queue, nor come first again at every run.
                self.env.cr.rollback()
                _logger.exception("Chorus Pro: queued invoice %s not deposited", move_id)
                self.browse(move_id)._chorus_retry_later(RECHECK_DELAY)
            if not cron._commit_progress(1):
                break

    def _chorus_deposit_queued(self):
        """Deposit this queued invoice as the cron's user in its company. Returns the problem key."""
        self.ensure_one()
        # The cron's user works in its own default company: the directory and the wallet are the invoice's.
        move = self.with_company(self.company_id)._chorus_lang_env()
        automatic = move._chorus_deposits_automatically()
        result = move._chorus_automatic_precheck() if automatic else None
        if not result:
            result = move.env["chorus.flow"]._deposit_move(move.id)
            # The deposit committed on cursors of its own: read it from a fresh snapshot, or the
            # bookkeeping below would collide with what it wrote.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        move = move.try_lock_for_update()
        if not move:
            return None  # a user is on it: the next run sees it again
        if automatic:
            return move._chorus_automatic_outcome(result)
        if result["outcome"] not in ("deposited", "unknown"):
            move.write({"chorus_deposit_queued": False})
            move.message_post(body=result["message"])
        return None

    def _chorus_automatic_precheck(self):
        """The cheap checks of the form, before any Factur-X is built or any attempt recorded."""
        self.ensure_one()
        if self.chorus_flow_id.state in HOLDING_STATES:
            return None  # the deposit says "already" (or settles its pending attempt)
        problems = self._chorus_preflight(facturx=False)
        if problems:
            return {"outcome": "invalid", "message": self._chorus_problems_text(problems), "flow_id": False}
        if self._chorus_tokens_available() < 1:
            # Whom to ask, told to the one who gets the activity.
            message = self.with_user(self._chorus_auto_deposit_user())._chorus_no_token_message()
            return {"outcome": "no_tokens", "message": message, "flow_id": False, "problem": "no_tokens"}
        return None

    def _chorus_automatic_outcome(self, result):
        """Bookkeeping of an automatic deposit: done, or queued again with the problem told once."""
        self.ensure_one()
        outcome = result["outcome"]
        if outcome in ("deposited", "already"):
            self._chorus_auto_deposit_done(result["message"])
            return None
        if outcome in ("unknown", "busy"):
            # The attempt is settled by the next deposit of this invoice, before anything is sent.
            self.write({"chorus_deposit_queued": True})
            self._chorus_retry_later(RECHECK_DELAY)
            return None
        problem = self._chorus_problem_key(result)
        delay = RECHECK_DELAY
        if outcome == "refused":
            failures = len(self.chorus_flow_ids.filtered(lambda flow: flow.state == "failed"))
            delay = min(RECHECK_DELAY * 2 ** max(failures - 1, 0), MAX_RETRY_DELAY)
        self.write({"chorus_deposit_queued": True, "chorus_deposit_problem_message": result["message"]})
        self._chorus_retry_later(delay)
        if problem not in (UNREACHABLE, self.chorus_deposit_problem):
            self._chorus_tell_deposit_problem(problem, result["message"])
        return problem

    @api.model
    def _chorus_problem_key(self, result):
        """The same problem gets the same key from one run to the next."""
        if result.get("problem"):
            return result["problem"]
        if result["outcome"] == "no_tokens":
            return "no_tokens"  # whoever found it first: the pre-check or the deposit itself
        digest = hashlib.sha1(result["message"].encode(), usedforsecurity=False).hexdigest()[:16]
        return f"{result['outcome']}:{digest}"

    def _chorus_retry_later(self, delay):
        self.write({"chorus_deposit_retry_at": fields.Datetime.now() + delay})

    def _chorus_auto_deposit_user(self):
        """The salesperson (a real, active user), else whom the company's follow-up setting names."""
        self.ensure_one()
        salesperson = self.invoice_user_id
        if salesperson and salesperson.active and not salesperson.share:
            return salesperson
        return self._chorus_activity_user()

    def _chorus_tell_deposit_problem(self, problem, message):
        """One activity per problem: the one about an earlier problem gives way to it."""
        self.ensure_one()
        self.chorus_deposit_activity_id.unlink()
        note = Markup("<p>%s</p><p>%s</p>") % (
            message,
            self.env._(
                "Fix it: the invoice is deposited automatically at the next attempt, "
                "or deposit it from its Chorus Pro panel."
            ),
        )
        activity = self.activity_schedule(
            ACTIVITY_TYPE,
            summary=self.env._("Chorus Pro: the automatic deposit is waiting"),
            note=note,
            user_id=self._chorus_auto_deposit_user().id,
        )
        self.write({"chorus_deposit_problem": problem, "chorus_deposit_activity_id": activity.id})

    def _chorus_auto_deposit_done(self, message):
        self.ensure_one()
        activity = self.chorus_deposit_activity_id
        self.write(
            {
                "chorus_deposit_queued": False,
                "chorus_deposit_retry_at": False,
                "chorus_deposit_problem": False,
                "chorus_deposit_problem_message": False,
                "chorus_deposit_activity_id": False,
            }
        )
        if activity:
            activity.action_feedback(feedback=message)
