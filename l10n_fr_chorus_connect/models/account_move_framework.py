# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The billing framework (« cadre de facturation ») of an invoice, its parties and their rules.

The framework comes from the customer (a "public market" record is left out: it would be a new
model for three fields). Its rules live in :mod:`..chorus.frameworks`, shared with the sandbox.
"""

from decimal import Decimal

from odoo import api, fields, models

from ..chorus import frameworks
from ..chorus.identifiers import compact_siret


class AccountMove(models.Model):
    _inherit = "account.move"

    chorus_framework = fields.Selection(
        frameworks.selection(),
        string="Billing Framework",
        compute="_compute_chorus_framework",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
        help="Chorus Pro « cadre de facturation », written in the Factur-X (BT-23). Defaults to the "
        "customer's.",
    )
    chorus_main_contractor_siret = fields.Char(
        string="Main Contractor SIRET",
        copy=True,
        help="SIRET of the market's main contractor (or lead co-contractor) who validates this invoice "
        "on Chorus Pro before the public body.",
    )
    chorus_main_contractor_service = fields.Char(
        string="Main Contractor Service", copy=True, help="Chorus Pro service code of the validator, if any."
    )
    chorus_moe_siret = fields.Char(
        string="Project Manager SIRET",
        copy=True,
        help="SIRET of the project manager (maîtrise d'œuvre) who validates the works draft statement "
        "before the public owner.",
    )
    chorus_moe_service = fields.Char(
        string="Project Manager Service", copy=True, help="Chorus Pro service code of the project manager."
    )
    chorus_framework_works = fields.Boolean(
        string="Works Framework", compute="_compute_chorus_framework_rules"
    )
    chorus_framework_needs_main_contractor = fields.Boolean(
        string="Needs a Main Contractor", compute="_compute_chorus_framework_rules"
    )
    chorus_framework_needs_moe = fields.Boolean(
        string="Needs a Project Manager", compute="_compute_chorus_framework_rules"
    )
    # Works drafts: MOE then public owner; A9/A12: main contractor then public body.
    chorus_works_step = fields.Char(string="Validation Step", compute="_compute_chorus_works_step")

    @api.depends("partner_id")
    def _compute_chorus_framework(self):
        for move in self:
            if move._chorus_defaults_open() and move.partner_id:
                partner_framework = move.partner_id.commercial_partner_id.chorus_framework
                move.chorus_framework = partner_framework or frameworks.DEFAULT
            else:
                move.chorus_framework = move.chorus_framework or frameworks.DEFAULT

    @api.depends("chorus_framework")
    def _compute_chorus_framework_rules(self):
        for move in self:
            entry = move._chorus_framework_entry()
            move.chorus_framework_works = entry.works
            move.chorus_framework_needs_main_contractor = entry.main_contractor
            move.chorus_framework_needs_moe = entry.moe

    @api.depends("chorus_framework", "chorus_status")
    def _compute_chorus_works_step(self):
        steps = {
            "MISE_A_DISPOSITION_MOE": self.env._("1/2 – with the project manager, awaiting validation"),
            "A_VALIDER_MOE": self.env._("1/2 – with the project manager, awaiting validation"),
            "PRISE_EN_COMPTE_MOE": self.env._("1/2 – validated by the project manager"),
            "REFUSEE_MOE": self.env._("1/2 – refused by the project manager"),
            "A_VALIDER_1": self.env._("1/2 – with the main contractor, awaiting validation"),
            "VALIDEE_1": self.env._("1/2 – validated by the main contractor"),
            "REFUSEE_1": self.env._("1/2 – refused by the main contractor"),
        }
        for move in self:
            status = move.chorus_status or ""
            entry = move._chorus_framework_entry()
            if not (entry.moe or entry.main_contractor) or not status:
                move.chorus_works_step = False
            elif status in steps:
                move.chorus_works_step = steps[status]
            elif entry.moe and status == "DEPOSEE":
                move.chorus_works_step = self.env._("1/2 – on its way to the project manager")
            else:
                move.chorus_works_step = self.env._("2/2 – with the public owner")

    def _chorus_framework_entry(self):
        return frameworks.framework(self.chorus_framework or frameworks.DEFAULT) or frameworks.framework(
            frameworks.DEFAULT
        )

    def _chorus_framework_parties(self):
        """``(main contractor, MOE)`` as ``(siret, service)`` pairs, SIRETs compacted."""
        return (
            (
                compact_siret(self.chorus_main_contractor_siret),
                (self.chorus_main_contractor_service or "").strip(),
            ),
            (compact_siret(self.chorus_moe_siret), (self.chorus_moe_service or "").strip()),
        )

    def _chorus_check_framework(self, problem):
        entry = self._chorus_framework_entry()
        (main_siret, _main_service), (moe_siret, moe_service) = self._chorus_framework_parties()
        found = frameworks.problems(
            entry,
            is_credit_note=self.move_type == "out_refund",
            # BT-115 DuePayableAmount is Odoo's amount_residual (cii_22_templates.xml).
            amount_due=Decimal(0) if self.currency_id.is_zero(self.amount_residual) else Decimal(1),
            main_contractor_siret=main_siret,
            moe_siret=moe_siret,
            moe_service=moe_service,
        )
        if not found:
            return
        name = dict(self._fields["chorus_framework"]._description_selection(self.env)).get(entry.short)
        _ = self.env._
        # Problem key -> (field to fix, message, fix).
        wording = {
            "credit_note_not_allowed": (
                "chorus_framework",
                _("Chorus Pro takes no credit note in the framework %(framework)s.", framework=name),
                _(
                    "Correct the amounts in the next draft statement, or choose the framework of the "
                    "original invoice."
                ),
            ),
            "not_paid": (
                "chorus_framework",
                _("The framework %(framework)s is for an invoice already paid.", framework=name),
                _("Register the payment of the invoice first, or choose A1 (supplier invoice)."),
            ),
            "main_contractor_missing": (
                "chorus_main_contractor_siret",
                _("The framework %(framework)s needs the SIRET of the main contractor.", framework=name),
                _("Enter the SIRET of the market's main contractor, who validates this invoice."),
            ),
            "main_contractor_invalid": (
                "chorus_main_contractor_siret",
                _("The main contractor SIRET %(siret)s is not valid.", siret=main_siret),
                _("Correct the main contractor SIRET: 14 digits with a valid check digit."),
            ),
            "moe_missing": (
                "chorus_moe_siret",
                _("The framework %(framework)s needs the SIRET of the project manager.", framework=name),
                _("Enter the SIRET of the project manager (maîtrise d'œuvre) named in the market."),
            ),
            "moe_invalid": (
                "chorus_moe_siret",
                _("The project manager SIRET %(siret)s is not valid.", siret=moe_siret),
                _("Correct the project manager SIRET: 14 digits with a valid check digit."),
            ),
            "moe_service_missing": (
                "chorus_moe_service",
                _("The framework %(framework)s needs the service of the project manager.", framework=name),
                _("Enter the Chorus Pro service code of the project manager."),
            ),
        }
        for key in found:
            problem(*wording[key])
