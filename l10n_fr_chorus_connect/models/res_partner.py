# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..chorus import identifiers
from ..chorus.errors import ChorusError
from .chorus_access import check_chorus_access
from .chorus_notification import chorus_notification
from .chorus_structure import REQUIREMENT_SELECTION


class ResPartner(models.Model):
    _inherit = "res.partner"

    invoice_sending_method = fields.Selection(selection_add=[("chorus", "by Chorus Pro")])
    chorus_is_public = fields.Boolean(
        string="Public Entity (Chorus Pro)",
        help="This customer is a French public body: its invoices are deposited on Chorus Pro.",
    )
    chorus_siret = fields.Char(
        string="Address SIRET",
        help="SIRET of this establishment of the public body. Empty: the SIRET of the company is used.",
    )
    chorus_structure_id = fields.Many2one(
        "chorus.structure",
        string="Chorus Pro Structure",
        compute="_compute_chorus_structure_id",
        help="The structure of this SIRET as last read from the Chorus Pro directory.",
    )
    chorus_service_id = fields.Many2one(
        "chorus.service",
        string="Chorus Pro Service",
        domain="[('structure_id', '=', chorus_structure_id), ('is_active', '=', True), "
        "('is_public_invoices', '=', False)]",
        help="Service of the public body to put on invoices, from the Chorus Pro directory.",
    )
    chorus_service_code = fields.Char(
        string="Service Code",
        compute="_compute_chorus_service_code",
        store=True,
        readonly=False,
        help="Code of the service of the public body (Chorus Pro 'code service'). "
        "On an invoice address without one, the code of the company is used.",
    )
    chorus_requirement = fields.Selection(
        selection=REQUIREMENT_SELECTION,
        string="Chorus Pro Requirement",
        compute="_compute_chorus_structure_id",
    )

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "chorus_is_public"]

    @api.depends("chorus_siret", "commercial_partner_id.company_registry")
    @api.depends_context("company")
    def _compute_chorus_structure_id(self):
        sirets = {partner: partner._chorus_effective_siret() for partner in self}
        structures = self.env["chorus.structure"].search(
            [
                ("siret", "in", [siret for siret in sirets.values() if siret]),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_siret = {structure.siret: structure for structure in structures}
        for partner, siret in sirets.items():
            partner.chorus_structure_id = by_siret.get(siret, False)
            partner.chorus_requirement = partner.chorus_structure_id.requirement

    @api.depends("chorus_service_id")
    def _compute_chorus_service_code(self):
        for partner in self:
            if partner.chorus_service_id:
                partner.chorus_service_code = partner.chorus_service_id.code

    # ------------------------------------------------------------------
    # Normalisation and validation
    # ------------------------------------------------------------------
    @api.model
    def _chorus_normalize_vals(self, vals):
        if vals.get("chorus_siret"):
            vals["chorus_siret"] = identifiers.compact_siret(vals["chorus_siret"])
        if vals.get("company_registry"):
            vals["company_registry"] = identifiers.normalize_registry(vals["company_registry"])
        if vals.get("chorus_service_code"):
            vals["chorus_service_code"] = identifiers.clean_service_code(vals["chorus_service_code"])
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._chorus_normalize_vals(dict(vals)) for vals in vals_list])

    def write(self, vals):
        return super().write(self._chorus_normalize_vals(dict(vals)))

    @api.model
    def _chorus_siret_error(self, siret):
        """Why ``siret`` is not a valid SIRET (translated), or None."""
        reasons = {
            identifiers.SIRET_LENGTH: lambda: self.env._("a SIRET has 14 digits"),
            identifiers.SIRET_FORMAT: lambda: self.env._("a SIRET has only digits"),
            identifiers.SIRET_CHECKSUM: lambda: self.env._(
                "the check digit is wrong, there is probably a typo"
            ),
            identifiers.SIRET_INVALID: lambda: self.env._("it is not a SIRET"),
        }
        code = identifiers.siret_error(siret)
        return reasons[code]() if code else None

    @api.model
    def _chorus_service_code_problem(self, code):
        """``(message, fix)`` when a supplier may not invoice the service ``code``, else None."""
        error = identifiers.service_code_error(code)
        if error == identifiers.SERVICE_RESERVED:
            return (
                self.env._(
                    "The service FACTURES_PUBLIQUES is reserved to invoices between public bodies: "
                    "Chorus Pro rejects it from a supplier."
                ),
                self.env._("Ask your customer for the code of the service to invoice."),
            )
        if error == identifiers.SERVICE_TOO_LONG:
            return (
                self.env._("The service code has more than 100 characters."),
                self.env._("Correct the service code."),
            )
        return None

    @api.constrains("chorus_siret", "company_registry", "chorus_is_public")
    def _check_chorus_siret(self):
        for partner in self:
            checks = []
            if partner.chorus_siret:
                checks.append(partner.chorus_siret)
            if partner.chorus_is_public and partner.company_registry and partner._chorus_is_french():
                checks.append(partner.company_registry)
            for siret in checks:
                reason = partner._chorus_siret_error(siret)
                if reason:
                    raise ValidationError(
                        self.env._(
                            "The SIRET %(siret)s of %(partner)s is not valid: %(reason)s.",
                            siret=siret,
                            partner=partner.display_name,
                            reason=reason,
                        )
                    )

    def _chorus_is_french(self):
        self.ensure_one()
        country = self.commercial_partner_id.country_id or self.country_id
        return not country or country.code in self.env["res.company"]._get_france_country_codes()

    @api.constrains("chorus_service_code", "chorus_service_id")
    def _check_chorus_service_code(self):
        for partner in self:
            code = partner.chorus_service_code
            if not code:
                continue
            problem = self._chorus_service_code_problem(code)
            if problem:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: %(message)s %(fix)s",
                        partner=partner.display_name,
                        message=problem[0],
                        fix=problem[1],
                    )
                )
            services = partner.chorus_structure_id.service_ids
            if not services:
                continue  # directory not synced: a typed code is accepted as is
            matching = services.filtered(lambda service, code=code: service.code == code)
            if not matching:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: the service %(code)s does not exist in Chorus Pro for %(structure)s. "
                        "Choose one of its services, or fetch the directory again.",
                        partner=partner.display_name,
                        code=code,
                        structure=partner.chorus_structure_id.display_name,
                    )
                )
            if not any(matching.mapped("is_active")):
                raise ValidationError(
                    self.env._(
                        "%(partner)s: the service %(code)s of %(structure)s is inactive in Chorus Pro. "
                        "Ask your customer which service to invoice now.",
                        partner=partner.display_name,
                        code=code,
                        structure=partner.chorus_structure_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Cross-part helpers
    # ------------------------------------------------------------------
    def _chorus_effective_siret(self):
        """SIRET to send to Chorus Pro: the address's own, else the company's registry number."""
        self.ensure_one()
        return (
            identifiers.normalize_registry(
                self.chorus_siret or self.commercial_partner_id.company_registry or ""
            )
            or ""
        )

    def _chorus_effective_service_code(self):
        """Service code of this address, else the one of its company."""
        self.ensure_one()
        return self.chorus_service_code or self.commercial_partner_id.chorus_service_code or ""

    # ------------------------------------------------------------------
    # Directory
    # ------------------------------------------------------------------
    def _chorus_fetch_directory(self):
        """Read the structure of each partner's SIRET from Chorus Pro; returns the structures."""
        structures = self.env["chorus.structure"]
        client = None
        for partner in self:
            siret = partner._chorus_effective_siret()
            if not siret:
                raise UserError(
                    self.env._(
                        "%(partner)s has no SIRET: fill it before fetching its structure from Chorus Pro.",
                        partner=partner.display_name,
                    )
                )
            reason = partner._chorus_siret_error(siret)
            if reason:
                raise UserError(
                    self.env._(
                        "The SIRET %(siret)s of %(partner)s is not valid: %(reason)s.",
                        siret=siret,
                        partner=partner.display_name,
                        reason=reason,
                    )
                )
            client = client or self.env.company._chorus_client()
            try:
                structure = self.env["chorus.structure"]._get_or_fetch(siret, client=client)
            except ChorusError as error:
                raise UserError(
                    self.env._(
                        "Chorus Pro could not be read for %(partner)s: %(error)s",
                        partner=partner.display_name,
                        error=error.message,
                    )
                ) from error
            structures |= structure
            if not partner.has_access("write"):
                continue  # reading the directory needs no right on the partner; updating it does
            if structure.is_public and not partner.commercial_partner_id.chorus_is_public:
                partner.commercial_partner_id.chorus_is_public = True
            addresses = partner | partner.child_ids.filtered(
                lambda child, siret=siret: (
                    child.type != "contact" and child._chorus_effective_siret() == siret
                )
            )
            for address in addresses:
                address._chorus_link_service(structure)
        self.invalidate_recordset(["chorus_structure_id"])
        return structures

    def _chorus_link_service(self, structure):
        """Point a typed service code at the synced service of the same code."""
        self.ensure_one()
        if self.chorus_service_code and not self.chorus_service_id:
            service = structure.service_ids.filtered(
                lambda service: service.code == self.chorus_service_code and service.is_active
            )[:1]
            if service:
                self.chorus_service_id = service

    def action_chorus_fetch_directory(self):
        check_chorus_access(self, "read")
        structures = self._chorus_fetch_directory()
        requirements = dict(
            self.env["chorus.structure"]._fields["requirement"]._description_selection(self.env)
        )
        message = "\n".join(
            self._chorus_structure_summary(
                structure,
                requirements.get(structure.requirement, structure.requirement),
                len(structure.service_ids.filtered(lambda s: s.is_active and not s.is_public_invoices)),
            )
            + ("" if structure.is_active else " " + self.env._("This structure is INACTIVE in Chorus Pro."))
            for structure in structures
        )
        kind = "success" if all(structures.mapped("is_active")) else "warning"
        return chorus_notification(self.env, message, kind, title=self.env._("Chorus Pro directory"))

    def _chorus_structure_summary(self, structure, requirement, count):
        if not count:
            return self.env._(
                "%(structure)s: %(requirement)s, no service.",
                structure=structure.display_name,
                requirement=requirement,
            )
        if count == 1:
            return self.env._(
                "%(structure)s: %(requirement)s, 1 service.",
                structure=structure.display_name,
                requirement=requirement,
            )
        return self.env._(
            "%(structure)s: %(requirement)s, %(count)s services.",
            structure=structure.display_name,
            requirement=requirement,
            count=count,
        )

    # The environment banner (sandbox, qualification), on this screen too.
    chorus_environment_banner = fields.Html(compute="_compute_chorus_environment_banner")

    @api.depends_context("company")
    def _compute_chorus_environment_banner(self):
        # A contact is shared between companies: the banner of the company the user works in.
        banner = self.env.company.chorus_environment_banner
        for partner in self:
            partner.chorus_environment_banner = banner
