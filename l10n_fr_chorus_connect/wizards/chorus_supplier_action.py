# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The dialogs of « Compléter sur Chorus Pro » and « Recycler »."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.supplier_actions import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_NAME_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    INVOICE_FOLDER_MAX_BYTES,
    attachment_problems,
)
from ..models.chorus_access import check_chorus_access
from ..models.chorus_notification import chorus_notification


class ChorusSupplierActionWizard(models.AbstractModel):
    _name = "chorus.supplier.action.wizard"
    _description = "Chorus Pro Supplier Action Dialog"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, readonly=True, ondelete="cascade"
    )
    # Read as the user (compute_sudo=False): another company's invoice named in an RPC call shows nothing.
    chorus_status = fields.Selection(related="move_id.chorus_status", compute_sudo=False)
    buyer_comment = fields.Text(
        related="move_id.chorus_buyer_comment", string="Buyer's Comment", compute_sudo=False
    )
    comment = fields.Text(help="Sent to the buyer with the invoice.")

    @api.model_create_multi
    def create(self, vals_list):
        """Only on an invoice the user may answer for: the dialog shows the buyer's comment."""
        move_ids = {vals["move_id"] for vals in vals_list if vals.get("move_id")}
        check_chorus_access(self.env["account.move"].browse(move_ids))
        return super().create(vals_list)

    def _check_comment(self):
        if self.comment and len(self.comment) > COMMENT_MAX_LENGTH:
            raise UserError(
                self.env._(
                    "The comment has %(length)s characters; keep it under %(limit)s.",
                    length=len(self.comment),
                    limit=COMMENT_MAX_LENGTH,
                )
            )

    def _done(self, result):
        return chorus_notification(
            self.env, result["message"], "success" if result["outcome"] != "unknown" else "warning"
        )


class ChorusCompleteWizard(models.TransientModel):
    _name = "chorus.complete.wizard"
    _inherit = "chorus.supplier.action.wizard"
    _description = "Complete a Suspended Invoice on Chorus Pro"

    attachment_ids = fields.Many2many(
        "ir.attachment",
        "chorus_complete_wizard_attachment_rel",
        "wizard_id",
        "attachment_id",
        string="Attachments to Add",
        help="PDF, images, office documents...: 50 characters at most per name, 10 MB per file.",
    )

    def action_confirm(self):
        """Send the attachments and the comment with ``completer``."""
        self.ensure_one()
        check_chorus_access(self.move_id)
        self._check_comment()
        self._check_attachments()
        if not self.attachment_ids and not (self.comment or "").strip():
            raise UserError(
                self.env._("Add an attachment or a comment: Chorus Pro needs one to complete the invoice.")
            )
        result = self.move_id._chorus_supplier_action(
            "complete", {"comment": self.comment or "", "attachment_ids": self.attachment_ids.ids}
        )
        return self._done(result)

    def _check_attachments(self):
        """Chorus Pro's attachment rules (chorus/supplier_actions.py cites them), each refusal named."""
        messages = []
        for attachment in self.attachment_ids:
            name, size = attachment.name or "", attachment.file_size or 0
            for problem in attachment_problems(name, size):
                messages.append(self._attachment_message(problem, name))
        if sum(self.attachment_ids.mapped("file_size")) > INVOICE_FOLDER_MAX_BYTES:
            messages.append(self.env._("The attachments weigh more than 120 MB together: send fewer files."))
        if messages:
            raise UserError("\n".join([self.env._("Chorus Pro would refuse these attachments:"), *messages]))

    def _attachment_message(self, problem, name):
        if problem == "name":
            return self.env._(
                "- %(name)s: the name has more than %(limit)s characters; rename it (extension included).",
                name=name,
                limit=ATTACHMENT_NAME_MAX_LENGTH,
            )
        if problem == "no_extension":
            return self.env._("- %(name)s: the name has no extension; rename it, e.g. with .pdf.", name=name)
        if problem == "extension":
            return self.env._(
                "- %(name)s: Chorus Pro does not take this kind of file; convert it, e.g. to PDF.", name=name
            )
        if problem == "empty":
            return self.env._("- %(name)s: the file is empty; remove it.", name=name)
        return self.env._(
            "- %(name)s: the file is larger than %(limit)s MB; compress or split it.",
            name=name,
            limit=ATTACHMENT_MAX_BYTES // 1_000_000,
        )


class ChorusRecycleWizard(models.TransientModel):
    _name = "chorus.recycle.wizard"
    _inherit = "chorus.supplier.action.wizard"
    _description = "Recycle an Invoice on Chorus Pro"

    structure_id = fields.Many2one("chorus.structure", compute="_compute_structure_id")
    current_service_code = fields.Char(
        related="move_id.buyer_reference", string="Current Service", compute_sudo=False
    )
    current_engagement = fields.Char(
        related="move_id.purchase_order_reference", string="Current Engagement", compute_sudo=False
    )
    service_id = fields.Many2one(
        "chorus.service",
        string="New Service",
        domain="[('structure_id', '=', structure_id), ('is_active', '=', True), "
        "('is_public_invoices', '=', False)]",
        help="An active service of the same buyer, from the Chorus Pro directory.",
    )
    engagement = fields.Char(string="New Engagement Number", help="The legal commitment the buyer gave.")

    @api.depends("move_id")
    def _compute_structure_id(self):
        for wizard in self:
            wizard.structure_id = wizard.move_id._chorus_buyer_structure()

    def action_confirm(self):
        """Pre-flight the new service and engagement, then send them with ``recycler``."""
        self.ensure_one()
        check_chorus_access(self.move_id)
        self._check_comment()
        params = {
            "service_code": self.service_id.code or "",
            "engagement": (self.engagement or "").strip(),
            "comment": self.comment or "",
        }
        result = self.move_id._chorus_supplier_action("recycle", params)
        return self._done(result)
