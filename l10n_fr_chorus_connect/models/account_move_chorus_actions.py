# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Answering a buyer without leaving Odoo: complete a suspended invoice, recycle one, prepare the
credit note and new invoice of a rejected one, and the daily import of Chorus's to-do list."""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.errors import ChorusError
from ..chorus.supplier_actions import REJECTED, SUSPENDED, TO_RECYCLE
from .chorus_access import check_chorus_access
from .chorus_invoice_action import ACTIVITY_TYPE

_logger = logging.getLogger(__name__)


def _(text):
    """Marks a text for the .pot; translated when used, in the reader's language."""
    return text


# What the activity of each status offers in Odoo (the catalogue's next step says what to do).
ODOO_STEPS = {
    SUSPENDED: _(
        "Use « Complete on Chorus Pro » on the invoice: attachments and comment are sent from Odoo."
    ),
    TO_RECYCLE: _("Use « Recycle » on the invoice: choose the new service or engagement number there."),
    REJECTED: _(
        "A rejected invoice stays rejected on Chorus Pro. Use « Prepare a credit note and a new invoice » "
        "on the invoice: both are prepared as drafts, nothing is sent until you post them."
    ),
}


class AccountMove(models.Model):
    _inherit = "account.move"

    chorus_action_ids = fields.One2many(
        "chorus.invoice.action", "move_id", string="Chorus Pro Actions", readonly=True, copy=False
    )
    chorus_buyer_comment = fields.Text(string="Buyer's Comment", compute="_compute_chorus_buyer_comment")
    chorus_reissue_refund_id = fields.Many2one(
        "account.move", string="Cancelling Credit Note", readonly=True, copy=False, index="btree_not_null"
    )
    chorus_reissue_invoice_id = fields.Many2one(
        "account.move", string="Replacing Invoice", readonly=True, copy=False, index="btree_not_null"
    )

    @api.depends("chorus_status_ids.comment", "chorus_status")
    def _compute_chorus_buyer_comment(self):
        for move in self:
            status = move.chorus_status
            entries = move.chorus_status_ids.filtered(lambda entry, status=status: entry.code == status)
            move.chorus_buyer_comment = entries[:1].comment or False

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_chorus_open_complete(self):
        """« Compléter sur Chorus Pro »: the dialog of a suspended invoice."""
        return self._chorus_open_action_wizard("chorus.complete.wizard", self.env._("Complete on Chorus Pro"))

    def action_chorus_open_recycle(self):
        """« Recycler »: the dialog of an invoice the buyer sent back."""
        return self._chorus_open_action_wizard("chorus.recycle.wizard", self.env._("Recycle on Chorus Pro"))

    def _chorus_open_action_wizard(self, model, title):
        self.ensure_one()
        check_chorus_access(self)
        if not self.chorus_invoice_id:
            raise UserError(
                self.env._("%(invoice)s is not known to Chorus Pro yet.", invoice=self.display_name)
            )
        wizard = self.env[model].create({"move_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": model,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _chorus_supplier_action(self, kind, params):
        """Send one answer to Chorus Pro, exactly once; a clear error when it did not go through."""
        self.ensure_one()
        if not self.chorus_invoice_id:
            raise UserError(
                self.env._("%(invoice)s is not known to Chorus Pro yet.", invoice=self.display_name)
            )
        result = self.env["chorus.invoice.action"].sudo()._run(self.id, kind, params)
        if result["outcome"] in ("refused", "busy"):
            raise UserError(result["message"])
        return result

    def action_chorus_prepare_reissue(self):
        """A rejected invoice stays rejected: prepare (drafts) its credit note and a new invoice."""
        self.ensure_one()
        check_chorus_access(self)
        if self.chorus_status != REJECTED:
            raise UserError(
                self.env._(
                    "%(invoice)s is not rejected on Chorus Pro: nothing to cancel and re-issue.",
                    invoice=self.display_name,
                )
            )
        move = self.sudo().try_lock_for_update()
        if not move:
            raise UserError(
                self.env._("%(invoice)s is being prepared by someone else.", invoice=self.display_name)
            )
        if not move.chorus_reissue_refund_id:
            refund = move._reverse_moves(
                [{"ref": self.env._("Cancels %(invoice)s, rejected on Chorus Pro", invoice=move.name)}]
            )
            invoice = move.copy({"invoice_date": fields.Date.context_today(move)})
            move.write({"chorus_reissue_refund_id": refund.id, "chorus_reissue_invoice_id": invoice.id})
            move.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Prepared as drafts, to check and post: the credit note %(refund)s cancelling this "
                    "rejected invoice and the new invoice %(invoice)s.",
                    refund=refund.display_name,
                    invoice=invoice.display_name,
                )
            )
        drafts = move.chorus_reissue_refund_id | move.chorus_reissue_invoice_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit note and new invoice"),
            "res_model": "account.move",
            "domain": [("id", "in", drafts.ids)],
            "views": [(False, "list"), (False, "form")],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Recycling pre-flight: the deposit's own service and engagement checks on the new values
    # ------------------------------------------------------------------
    def _chorus_recycle_problems(self, params):
        self.ensure_one()
        service_code = (params.get("service_code") or "").strip()
        engagement = (params.get("engagement") or "").strip()
        problems = []

        def problem(field, message, fix, blocking=True):
            if blocking:
                problems.append({"field": field, "message": message, "fix": fix})

        if not service_code and not engagement:
            problem(
                "buyer_reference",
                self.env._("Choose another service or enter another engagement number."),
                self.env._("The buyer's comment says what to change."),
            )
            return problems
        current = {
            "buyer_reference": self.buyer_reference,
            "purchase_order_reference": self.purchase_order_reference,
        }
        new = {}
        if service_code:
            new["buyer_reference"] = service_code
        if engagement:
            new["purchase_order_reference"] = engagement
        moved = self.with_context(skip_is_manually_modified=True)
        moved.write(new)
        try:
            structure = self._chorus_buyer_structure()
            self._chorus_check_service_and_engagement(problem, structure)
            self._chorus_check_engagement(problem, structure)
        finally:
            moved.write(current)
        return problems

    def _chorus_recycle_problems_text(self, problems):
        lines = [self.env._("%(invoice)s cannot be recycled this way:", invoice=self.display_name)]
        lines += [f"- {problem['message']} {problem.get('fix') or ''}".rstrip() for problem in problems]
        return "\n".join(lines)

    # ------------------------------------------------------------------
    # Activities: what to do, from Odoo; the daily import of Chorus's to-do list
    # ------------------------------------------------------------------
    def _chorus_schedule_action(self, code, comment):
        step = ODOO_STEPS.get(code)
        if step:
            hint = self._chorus_lang_env().env._(step)  # pylint: disable=translation-not-lazy
            comment = Markup("%s<br/>%s") % (comment, hint) if comment else hint
        return super()._chorus_schedule_action(code, comment)

    def _chorus_has_open_action_activity(self):
        self.ensure_one()
        activity_type = self.env.ref(ACTIVITY_TYPE)
        return bool(self.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type))

    @api.model
    def _cron_chorus_import_to_act_on(self):
        """Every invoice Chorus Pro expects the supplier to act on has its activity, once."""
        self = self.with_context(skip_is_manually_modified=True)  # noqa: PLW0642 - bookkeeping, not an edit
        groups = self._read_group([("chorus_invoice_id", "!=", 0)], ["company_id"])
        cron = self.env["ir.cron"]
        for (company,) in groups:
            try:
                created = self.with_company(company)._chorus_import_to_act_on(company)
            except ChorusError as error:
                self.env.cr.rollback()
                _logger.warning("Chorus Pro to-do list of %s not read: %s", company.name, error)
                continue
            cron._commit_progress(created)

    @api.model
    def _chorus_import_to_act_on(self, company, client=None):
        """One company: the activities created (invoices already followed are left as they are)."""
        client = client or company._chorus_client()
        items = client.invoices_to_act_on(company.chorus_supplier_structure_id or None)
        by_id = {item.chorus_id: item for item in items}
        moves = self.search([("company_id", "=", company.id), ("chorus_invoice_id", "in", list(by_id))])
        created = 0
        for found in moves:
            move = found.try_lock_for_update()
            if not move:
                continue
            item = by_id[move.chorus_invoice_id]
            if item.status != move.chorus_status:
                move._chorus_refresh_lifecycle(client)
            if not move._chorus_has_open_action_activity():
                move._chorus_schedule_action(item.status, move.chorus_buyer_comment or "")
                created += 1
        return created
