# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public buyer keeps its billing SIRET and service code from the portal."""

from markupsafe import Markup
from stdnum.fr import siret as stdnum_siret

from odoo import models
from odoo.exceptions import ValidationError

from odoo.addons.l10n_fr_chorus_connect.chorus.values import (
    REQUIREMENT_SERVICE,
    REQUIREMENT_SERVICE_AND_ENGAGEMENT,
)

from . import chorus_rules

SERVICE_REQUIRED = (REQUIREMENT_SERVICE, REQUIREMENT_SERVICE_AND_ENGAGEMENT)


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _chorus_portal_services(self, company):
        """The active services a supplier may invoice, from the directory entry of this partner's SIRET."""
        self.ensure_one()
        structure = self.with_company(company).chorus_structure_id
        return structure.service_ids.filtered(
            lambda service: service.is_active and not service.is_public_invoices
        )

    def _chorus_portal_update(self, siret, service_code, company, author):
        """Record the SIRET and service code the buyer typed; returns an error message or None.

        ``self`` is the commercial partner of the portal user (sudo, ownership checked by the caller).
        The SIRET goes where it is read from: the partner's own Chorus SIRET when it has one, else
        its company registry. Every change is logged on the partner.
        """
        self.ensure_one()
        siret = stdnum_siret.compact(siret or "")
        service_code = (service_code or "").strip()
        if not siret:
            return self.env._(
                "Billing SIRET: it is required by Chorus Pro. Enter the 14 digits of your SIRET."
            )
        reason = chorus_rules.siret_error(self, siret)
        if reason:
            return self.env._(
                "Billing SIRET: %(siret)s is not valid: %(reason)s. Copy it again from your SIRET notice.",
                siret=siret,
                reason=reason,
            )
        structure = chorus_rules.buyer_structure(self.env, company, siret)
        if not service_code and structure.requirement in SERVICE_REQUIRED:
            return self.env._(
                "Service code: %(structure)s requires one in Chorus Pro. Choose the service that handles "
                "your invoices in the list.",
                structure=structure.display_name,
            )
        siret_field = "chorus_siret" if self.chorus_siret else "company_registry"
        before = {"siret": self._chorus_effective_siret(), "service": self.chorus_service_code or ""}
        try:
            with self.env.cr.savepoint():
                self.write({siret_field: siret})
                services = self._chorus_portal_services(company)
                self.write(
                    {
                        "chorus_service_id": services.filtered(lambda service: service.code == service_code)[
                            :1
                        ].id,
                        "chorus_service_code": service_code or False,
                    }
                )
                self.env.flush_all()
        except ValidationError as error:
            return error.args[0]  # the partner's own rules, already in the user's words
        after = {"siret": self._chorus_effective_siret(), "service": self.chorus_service_code or ""}
        labels = {"siret": self.env._("Billing SIRET"), "service": self.env._("Service code")}
        changes = [(labels[key], before[key], after[key]) for key in labels if before[key] != after[key]]
        if changes:
            self.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._(
                        "Chorus Pro references changed from the portal by %(user)s:", user=author.name
                    ),
                    Markup().join(
                        Markup("<li>%s: %s → %s</li>") % (label, old or "-", new or "-")
                        for label, old, new in changes
                    ),
                ),
                author_id=author.id,
                subtype_xmlid="mail.mt_note",
            )
        return None
