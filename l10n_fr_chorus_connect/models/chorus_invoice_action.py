# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The supplier's answers to a buyer, each sent exactly once: « Compléter » and « Recycler ».

As a deposit (``chorus.flow._deposit_move``): the invoice row is locked, Chorus's own status is
read first (``consulter/fournisseur``), the attempt is recorded and committed *before* the HTTP
call, and its answer committed right after. A double click finds the attempt being sent (busy) or
done (already); a retry after a lost answer settles the attempt from the status Chorus shows
before anything is sent again. No token is touched: Chorus Pro charges nothing for these calls
and neither do we (readme/VENDOR_API.rst, "Ledger rules").
"""

import base64
import logging

from markupsafe import Markup

from odoo import api, fields, models

from ..chorus import catalogue
from ..chorus.errors import BusinessError, ChorusError, TransportError
from ..chorus.supplier_actions import ACTION_STATUSES, Attachment

_logger = logging.getLogger(__name__)

ACTIVITY_TYPE = "l10n_fr_chorus_connect.mail_activity_type_chorus_action"
OPEN_STATES = ("sending", "unknown")


class ChorusInvoiceAction(models.Model):
    _name = "chorus.invoice.action"
    _description = "Chorus Pro Supplier Action"
    _order = "id desc"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    kind = fields.Selection(
        [("complete", "Completion"), ("recycle", "Recycling")], required=True, readonly=True
    )
    state = fields.Selection(
        [
            ("sending", "Being sent"),
            ("unknown", "Sent, outcome unknown"),
            ("done", "Done"),
            ("refused", "Refused by Chorus Pro"),
            ("lost", "Did not reach Chorus Pro"),
        ],
        required=True,
        default="sending",
        readonly=True,
    )
    answered_status = fields.Char(string="Chorus Pro Status Answered", readonly=True)
    comment = fields.Text(readonly=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", "chorus_invoice_action_attachment_rel", "action_id", "attachment_id", readonly=True
    )
    buyer_siret = fields.Char(string="Recipient SIRET", readonly=True)
    service_code = fields.Char(readonly=True)
    engagement = fields.Char(string="Engagement Number", readonly=True)
    previous_service_code = fields.Char(readonly=True)
    previous_engagement = fields.Char(readonly=True)
    result = fields.Text(readonly=True)

    # One attempt in flight per invoice, whoever clicks: the second finds it and waits.
    _one_open_attempt = models.UniqueIndex("(move_id) WHERE state IN ('sending', 'unknown')")

    # ------------------------------------------------------------------
    # Entry point (its own cursor, as a deposit)
    # ------------------------------------------------------------------
    @api.model
    def _run(self, move_id, kind, params):
        """Act once. Returns ``{"outcome", "message"}``; outcomes: ``done``, ``already``, ``busy``,
        ``unknown`` (sent, no answer: settled by the next try), ``refused`` (Chorus or our checks)."""
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr, su=True)
            result = env["chorus.invoice.action"]._run_on_cursor(move_id, kind, params)
            cr.commit()  # pylint: disable=invalid-commit  # the answer of Chorus Pro must not be lost
        self.env.invalidate_all()
        return result

    @api.model
    def _run_on_cursor(self, move_id, kind, params):  # noqa: PLR0911 - one outcome per phase
        move = self.env["account.move"].browse(move_id).try_lock_for_update()
        if not move:
            return self._busy(move_id)
        pending = self.search([("move_id", "=", move_id), ("state", "in", OPEN_STATES)], limit=1)
        if pending and not pending.try_lock_for_update():
            return self._busy(move_id)  # a double click: the first one is waiting for Chorus Pro
        try:
            client = move.company_id._chorus_client()
            held = client.consult_invoice(move.chorus_invoice_id)
        except ChorusError as error:
            self.env.cr.rollback()
            return self._outcome(
                "refused",
                self.env._(
                    "Chorus Pro could not be reached to read the status of %(invoice)s: %(error)s. "
                    "Nothing was sent; try again later.",
                    invoice=move.display_name,
                    error=error.message,
                ),
            )
        if pending:
            pending._settle(held)
            self.env.cr.commit()  # pylint: disable=invalid-commit  # the settled outcome is final
            if pending.state == "done":
                return self._outcome("already", pending._already_message())
            move = move.try_lock_for_update()
            if not move:
                return self._busy(move_id)
        if held.status != move.chorus_status:
            move._chorus_refresh_lifecycle(client)  # the tracker shows what Chorus Pro holds
        refusal = self._status_refusal(move, kind, held.status)
        if refusal:
            self.env.cr.commit()  # pylint: disable=invalid-commit  # keep the status just read
            return refusal
        attempt, refusal = self._record_attempt(move, kind, held, params)
        if refusal:
            self.env.cr.rollback()
            return refusal
        # The attempt exists before the call: a retry finds it and settles it first.
        self.env.cr.commit()  # pylint: disable=invalid-commit
        attempt.try_lock_for_update()
        return attempt._send(client)

    # ------------------------------------------------------------------
    # Phases
    # ------------------------------------------------------------------
    @api.model
    def _status_refusal(self, move, kind, status):
        expected = ACTION_STATUSES[kind]
        if status == expected:
            return None
        done = self.search([("move_id", "=", move.id), ("kind", "=", kind), ("state", "=", "done")], limit=1)
        if done:
            return self._outcome("already", done._already_message())
        label = self.env._(catalogue.invoice_status(status).label_en) if status else "?"
        if kind == "complete":
            message = self.env._(
                "%(invoice)s cannot be completed: its status on Chorus Pro is « %(status)s ». "
                "Only a suspended invoice can be completed.",
                invoice=move.display_name,
                status=label,
            )
        else:
            message = self.env._(
                "%(invoice)s cannot be recycled: its status on Chorus Pro is « %(status)s ». "
                "Only an invoice the buyer sent back for recycling can be recycled.",
                invoice=move.display_name,
                status=label,
            )
        return self._outcome("refused", message)

    @api.model
    def _record_attempt(self, move, kind, held, params):
        values = {
            "move_id": move.id,
            "kind": kind,
            "answered_status": held.status,
            "comment": (params.get("comment") or "").strip() or False,
        }
        if kind == "complete":
            values["attachment_ids"] = [fields.Command.set(params.get("attachment_ids") or [])]
        else:
            problems = move._chorus_recycle_problems(params)
            if problems:
                return None, self._outcome("refused", move._chorus_recycle_problems_text(problems))
            values.update(
                buyer_siret=held.buyer_siret,
                service_code=(params.get("service_code") or "").strip() or False,
                engagement=(params.get("engagement") or "").strip() or False,
                previous_service_code=held.service_code or False,
                previous_engagement=held.engagement or False,
            )
        return self.create(values), None

    def _send(self, client):
        """The HTTP calls, then their answer recorded (committed by :meth:`_run`)."""
        self.ensure_one()
        move = self.move_id
        try:
            if self.kind == "complete":
                files = [
                    (client.add_file(_attachment(attachment)), attachment.name)
                    for attachment in self.attachment_ids
                ]
                receipt = client.complete_invoice(
                    move.chorus_invoice_id, comment=self.comment or "", attachments=files
                )
            else:
                receipt = client.recycle_invoice(
                    move.chorus_invoice_id,
                    service_code=self.service_code or "",
                    engagement=self.engagement or "",
                    comment=self.comment or "",
                )
        except BusinessError as error:
            self.write({"state": "refused", "result": f"{error.code} {error.label}"})
            message = self.env._(
                "Chorus Pro refused it: %(label)s (code %(code)s).", label=error.label, code=error.code
            )
            move.message_post(body=Markup("<p>%s</p><p>%s</p>") % (self._for_reader()._title(), message))
            return self._outcome("refused", message)
        except TransportError as error:
            self.write({"state": "unknown", "result": error.message})
            return self._outcome(
                "unknown",
                self.env._(
                    "%(invoice)s was sent to Chorus Pro without a clear answer (%(error)s). Click again "
                    "later: Chorus Pro's status is read first, nothing is sent twice.",
                    invoice=move.display_name,
                    error=error.message,
                ),
            )
        self._mark_done(client, receipt)
        return self._outcome("done", self._done_message())

    def _mark_done(self, client, receipt):
        move = self.move_id
        self.write({"state": "done", "result": receipt.status})
        if self.kind == "recycle":
            values = {}
            if self.service_code:
                values["buyer_reference"] = self.service_code
            if self.engagement:
                values["purchase_order_reference"] = self.engagement
            if values:
                move.with_context(skip_is_manually_modified=True).write(values)
        told = self._for_reader()
        move.message_post(body=told._chatter_body())
        move.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref(ACTIVITY_TYPE)
        ).action_feedback(feedback=told._done_message())
        try:
            move._chorus_refresh_lifecycle(client)
        except ChorusError as error:
            _logger.info("Chorus Pro history of %s not read after %s: %s", move.name, self.kind, error)
        if move.chorus_status == self.answered_status and receipt.status:
            move.write(
                {
                    "chorus_status": move._chorus_status_value(receipt.status),
                    "chorus_status_at": receipt.at or fields.Datetime.now(),
                }
            )

    def _settle(self, held):
        """An earlier attempt without an answer: Chorus's status tells whether it went through."""
        self.ensure_one()
        if held.status != self.answered_status:
            self.write({"state": "done", "result": held.status})
            self.move_id.message_post(body=self._for_reader()._chatter_body())
        else:
            self.write({"state": "lost", "result": held.status})

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------
    def _for_reader(self):
        """In the language of the invoice's chatter (the customer's), as the status messages."""
        return self.with_context(lang=self.move_id._chorus_lang_env().env.lang)

    def _title(self):
        if self.kind == "complete":
            return self.env._("Completed on Chorus Pro")
        return self.env._("Recycled on Chorus Pro")

    def _chatter_body(self):
        body = Markup("<p><strong>%s</strong></p>") % self._title()
        lines = []
        if self.kind == "recycle":
            if self.service_code:
                lines.append(
                    self.env._(
                        "Service: %(old)s → %(new)s",
                        old=self.previous_service_code or "-",
                        new=self.service_code,
                    )
                )
            if self.engagement:
                lines.append(
                    self.env._(
                        "Engagement number: %(old)s → %(new)s",
                        old=self.previous_engagement or "-",
                        new=self.engagement,
                    )
                )
        if self.attachment_ids:
            lines.append(
                self.env._("Attachments: %(names)s", names=", ".join(self.attachment_ids.mapped("name")))
            )
        if self.comment:
            lines.append(self.env._("Comment: %(comment)s", comment=self.comment))
        for line in lines:
            body += Markup("<p>%s</p>") % line
        return body

    def _done_message(self):
        if self.kind == "complete":
            return self.env._(
                "%(invoice)s was completed on Chorus Pro: the buyer has it again.",
                invoice=self.move_id.display_name,
            )
        return self.env._(
            "%(invoice)s was recycled on Chorus Pro: it is routed to the new service.",
            invoice=self.move_id.display_name,
        )

    def _already_message(self):
        if self.kind == "complete":
            return self.env._(
                "%(invoice)s was already completed on Chorus Pro: nothing was sent again.",
                invoice=self.move_id.display_name,
            )
        return self.env._(
            "%(invoice)s was already recycled on Chorus Pro: nothing was sent again.",
            invoice=self.move_id.display_name,
        )

    @api.model
    def _busy(self, move_id):
        move = self.env["account.move"].browse(move_id)
        return self._outcome(
            "busy",
            self.env._(
                "%(invoice)s is being sent to Chorus Pro by someone else (or by your previous click). "
                "Refresh in a moment.",
                invoice=move.display_name,
            ),
        )

    @api.model
    def _outcome(self, outcome, message):
        return {"outcome": outcome, "message": message}


def _attachment(attachment):
    return Attachment(
        name=attachment.name,
        content=base64.b64decode(attachment.datas or b""),
        mimetype=attachment.mimetype or "application/octet-stream",
    )
