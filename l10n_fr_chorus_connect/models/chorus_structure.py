# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.errors import ChorusError, NotFoundError
from ..chorus.values import (
    REQUIREMENT_ENGAGEMENT,
    REQUIREMENT_NONE,
    REQUIREMENT_SERVICE,
    REQUIREMENT_SERVICE_AND_ENGAGEMENT,
    REQUIREMENT_SERVICE_OR_ENGAGEMENT,
)
from .chorus_access import check_chorus_access

_logger = logging.getLogger(__name__)

SYNC_MAX_AGE = datetime.timedelta(days=7)
SYNC_RETRY_DELAY = datetime.timedelta(days=1)
CRON_BATCH_SIZE = 20

REQUIREMENT_SELECTION = [
    (REQUIREMENT_NONE, "Nothing required"),
    (REQUIREMENT_SERVICE, "Service code required"),
    (REQUIREMENT_ENGAGEMENT, "Engagement number required"),
    (REQUIREMENT_SERVICE_OR_ENGAGEMENT, "Service code or engagement number required"),
    (REQUIREMENT_SERVICE_AND_ENGAGEMENT, "Service code and engagement number required"),
]


class ChorusStructure(models.Model):
    """A Chorus Pro structure (one SIRET) as the directory describes it, cached per company."""

    _name = "chorus.structure"
    _description = "Chorus Pro Structure"
    _order = "name, siret"
    _check_company_auto = True

    siret = fields.Char(string="SIRET", required=True, index=True)
    structure_id = fields.Integer(string="Chorus Pro ID", help="idStructureCPP", index=True)
    name = fields.Char(required=True)
    is_public = fields.Boolean(string="Public")
    is_active = fields.Boolean(string="Active in Chorus Pro", default=True)
    requirement = fields.Selection(
        REQUIREMENT_SELECTION,
        string="Invoicing Requirement",
        default=REQUIREMENT_NONE,
        required=True,
        help="What Chorus Pro requires on invoices to this structure.",
    )
    payment_status_not_reported = fields.Boolean(
        help="Chorus Pro does not report the 'payment made' status of this structure's invoices.",
    )
    service_ids = fields.One2many("chorus.service", "structure_id", string="Services")
    service_count = fields.Integer(compute="_compute_service_count")
    last_sync = fields.Datetime(readonly=True)
    last_sync_attempt = fields.Datetime(readonly=True)
    sync_error = fields.Char(string="Last Sync Error", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    environment_banner = fields.Html(related="company_id.chorus_environment_banner")

    _siret_company_uniq = models.Constraint(
        "unique(company_id, siret)",
        "A Chorus Pro structure with this SIRET already exists for this company.",
    )

    @api.depends("service_ids")
    def _compute_service_count(self):
        for structure in self:
            structure.service_count = len(structure.service_ids)

    @api.depends("name", "siret")
    def _compute_display_name(self):
        for structure in self:
            structure.display_name = (
                f"{structure.name} ({structure.siret})" if structure.siret else structure.name
            )

    @api.model
    def _get_or_fetch(self, siret, company=None, client=None):
        """The structure of ``siret`` for ``company``, read from Chorus Pro now."""
        company = company or self.env.company
        structure = self.search([("siret", "=", siret), ("company_id", "=", company.id)], limit=1)
        if not structure:
            structure = self.create({"siret": siret, "name": siret, "company_id": company.id})
        structure._sync_from_chorus(client or company._chorus_client())
        return structure

    def _sync_from_chorus(self, client):
        """Re-read each structure from Chorus Pro: details, every page of services, each service's rules."""
        for structure in self:
            try:
                found = client.find_structure(structure.siret)
            except NotFoundError:
                found = None
            if not found:
                raise UserError(
                    self.env._("Chorus Pro has no structure with the SIRET %(siret)s.", siret=structure.siret)
                )
            details = client.structure_details(found.structure_id)
            structure.write(
                {
                    "structure_id": found.structure_id,
                    "name": details.name or found.name or structure.siret,
                    "is_public": details.public,
                    "is_active": found.active,
                    "requirement": details.requirement,
                    "payment_status_not_reported": details.payment_status_not_reported,
                }
            )
            structure._sync_services(client)
            now = fields.Datetime.now()
            structure.write({"last_sync": now, "last_sync_attempt": now, "sync_error": False})
        return True

    def _sync_services(self, client):
        self.ensure_one()
        known = {service.service_id: service for service in self.with_context(active_test=False).service_ids}
        for service in client.structure_services(self.structure_id):
            details = client.service_details(self.structure_id, service.service_id)
            values = {
                "code": service.code,
                "name": service.name or details.name or service.code,
                "is_active": service.active,
                "engagement_required": details.engagement_required,
                "valid_from": service.valid_from or details.valid_from,
                "valid_to": service.valid_to or details.valid_to,
            }
            record = known.pop(service.service_id, None)
            if record:
                record.write(values)
            else:
                self.env["chorus.service"].create(
                    {**values, "structure_id": self.id, "service_id": service.service_id}
                )
        # Services that disappeared from the directory can no longer receive invoices.
        for record in known.values():
            record.is_active = False

    def action_sync_from_chorus(self):
        check_chorus_access(self)
        for company, structures in self.grouped("company_id").items():
            client = company._chorus_client()
            for structure in structures:
                try:
                    structure._sync_from_chorus(client)
                except ChorusError as error:
                    raise UserError(
                        self.env._(
                            "Chorus Pro could not be read for %(structure)s: %(error)s",
                            structure=structure.display_name,
                            error=error.message,
                        )
                    ) from error
        return True

    def action_view_services(self):
        self.ensure_one()
        check_chorus_access(self, "read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Services of %(structure)s", structure=self.display_name),
            "res_model": "chorus.service",
            "view_mode": "list,form",
            "domain": [("structure_id", "=", self.id)],
            "context": {"default_structure_id": self.id, "active_test": False},
        }

    @api.model
    def _cron_sync_directory(self, batch_size=CRON_BATCH_SIZE):
        """Re-read structures not synced for a week, a batch at a time; one failure never stops the run."""
        now = fields.Datetime.now()
        domain = [
            "|",
            ("last_sync", "=", False),
            ("last_sync", "<", now - SYNC_MAX_AGE),
            "|",
            ("last_sync_attempt", "=", False),
            ("last_sync_attempt", "<", now - SYNC_RETRY_DELAY),
        ]
        structures = self.search(domain, order="last_sync_attempt asc nulls first, id", limit=batch_size)
        remaining = len(structures) if len(structures) < batch_size else self.search_count(domain)
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=remaining)
        clients = {}
        for structure in structures:
            try:
                company = structure.company_id
                if company not in clients:
                    clients[company] = company._chorus_client()
                structure._sync_from_chorus(clients[company])
            except (ChorusError, UserError) as error:
                self.env.cr.rollback()
                message = getattr(error, "message", None) or str(error)
                _logger.warning(
                    "Chorus Pro directory: structure %s (%s) not synced: %s",
                    structure.id,
                    structure.siret,
                    message,
                )
                # Stamp the attempt, so the next batch moves on and this one is retried tomorrow.
                structure.write({"last_sync_attempt": fields.Datetime.now(), "sync_error": message[:255]})
            if cron._commit_progress(1) <= 0:
                break


class ChorusSupplierStructure(models.Model):
    """One of the structures the technical account may invoice for (``supplier_structures()``)."""

    _name = "chorus.supplier.structure"
    _description = "Chorus Pro Supplier Structure"
    _order = "name"

    structure_id = fields.Integer(string="Chorus Pro ID", required=True)
    identifier = fields.Char(string="SIRET")
    name = fields.Char(required=True)
    is_active = fields.Boolean(string="Active in Chorus Pro", default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")

    _structure_company_uniq = models.Constraint(
        "unique(company_id, structure_id)",
        "This supplier structure is already listed for this company.",
    )

    @api.depends("name", "identifier")
    def _compute_display_name(self):
        for structure in self:
            structure.display_name = (
                f"{structure.name} ({structure.identifier})" if structure.identifier else structure.name
            )
