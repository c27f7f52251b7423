# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""« Vérifier le Factur-X »: build the file of an invoice without sending it, show its verdict and XML."""

import base64

from lxml import etree

from odoo import fields, models
from odoo.exceptions import UserError

from ..models.chorus_access import check_chorus_access


class ChorusFacturxCheck(models.TransientModel):
    _name = "chorus.facturx.check"
    _description = "Chorus Pro Factur-X Check"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, readonly=True, ondelete="cascade"
    )
    valid = fields.Boolean(readonly=True)
    verdict = fields.Text(readonly=True)
    xml = fields.Text(string="XML (CII EN 16931)", readonly=True)
    pdf = fields.Binary(string="Factur-X File", readonly=True, attachment=False)
    pdf_filename = fields.Char(readonly=True)

    def _fill(self):
        """Run the checks of a deposit (Odoo's, the XSD, the schematron); build the PDF if they pass."""
        facturx = self.env["chorus.facturx"]
        inspected = facturx._inspect(self.move_id)
        valid = not any(problem["blocking"] for problem in inspected["problems"])
        values = {"valid": valid, "verdict": inspected["verdict"], "xml": _pretty(inspected["xml"])}
        if valid:
            document = facturx._build_document(self.move_id, inspected)
            values.update(pdf=base64.b64encode(document["pdf"]), pdf_filename=document["filename"])
        self.write(values)


def _pretty(xml):
    if not xml:
        return False
    return etree.tostring(etree.fromstring(xml), pretty_print=True, encoding="unicode")


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_chorus_check_facturx(self):
        """Build the Factur-X of this invoice as a deposit would, send nothing, show the verdict."""
        self.ensure_one()
        check_chorus_access(self, "read")
        if self.state != "posted":
            raise UserError(self.env._("Only a posted invoice has a Factur-X: post it first."))
        wizard = self.env["chorus.facturx.check"].create({"move_id": self.id})
        wizard._fill()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Factur-X of %(invoice)s", invoice=self.display_name),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(self.env.ref("l10n_fr_chorus_connect.chorus_facturx_check_view_form").id, "form")],
            "target": "new",
        }
