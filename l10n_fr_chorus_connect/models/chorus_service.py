# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..chorus.values import PUBLIC_INVOICES_SERVICE


class ChorusService(models.Model):
    """A service of a Chorus Pro structure: the code a buyer may ask for on its invoices."""

    _name = "chorus.service"
    _description = "Chorus Pro Service"
    _order = "structure_id, code"
    _rec_names_search = ["code", "name"]

    structure_id = fields.Many2one("chorus.structure", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="structure_id.company_id", store=True, index=True)
    service_id = fields.Integer(string="Chorus Pro ID", help="idService")
    code = fields.Char(required=True, index=True)
    name = fields.Char()
    is_active = fields.Boolean(string="Active in Chorus Pro", default=True)
    engagement_required = fields.Boolean(help="Invoices to this service must carry an engagement number.")
    is_public_invoices = fields.Boolean(
        string="Public Invoices Service",
        compute="_compute_is_public_invoices",
        store=True,
        help="FACTURES_PUBLIQUES is reserved to invoices between public bodies: never for a supplier.",
    )
    valid_from = fields.Date()
    valid_to = fields.Date()

    _structure_service_uniq = models.Constraint(
        "unique(structure_id, service_id)",
        "This Chorus Pro service is already known for this structure.",
    )

    @api.depends("code")
    def _compute_is_public_invoices(self):
        for service in self:
            service.is_public_invoices = service.code == PUBLIC_INVOICES_SERVICE

    @api.depends("code", "name")
    def _compute_display_name(self):
        for service in self:
            service.display_name = f"{service.code} - {service.name}" if service.name else service.code
