# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .chorus_access import GROUP_MANAGER, check_chorus_access
from .chorus_notification import chorus_notification


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chorus_environment = fields.Selection(related="company_id.chorus_environment", readonly=False)
    chorus_environment_banner = fields.Html(related="company_id.chorus_environment_banner")
    chorus_piste_client_id = fields.Char(related="company_id.chorus_piste_client_id", readonly=False)
    chorus_piste_client_secret = fields.Char(related="company_id.chorus_piste_client_secret", readonly=False)
    chorus_login = fields.Char(related="company_id.chorus_login", readonly=False)
    chorus_password = fields.Char(related="company_id.chorus_password", readonly=False)
    chorus_supplier_structure_choice_id = fields.Many2one(
        related="company_id.chorus_supplier_structure_choice_id",
        readonly=False,
        domain="[('company_id', '=', company_id)]",
    )
    chorus_supplier_structure_id = fields.Integer(related="company_id.chorus_supplier_structure_id")
    chorus_password_expiry = fields.Date(related="company_id.chorus_password_expiry")
    chorus_password_expiry_manual = fields.Date(
        related="company_id.chorus_password_expiry_manual", readonly=False
    )
    chorus_connection_report = fields.Html(related="company_id.chorus_connection_report")
    chorus_unknown_outcome_grace = fields.Integer(
        related="company_id.chorus_unknown_outcome_grace", readonly=False
    )

    def action_chorus_load_supplier_structures(self):
        self.ensure_one()
        check_chorus_access(self, group=GROUP_MANAGER)
        structures = self.company_id._chorus_load_supplier_structures()
        message = self.env._(
            "%(count)s structure(s) found for your technical account.", count=len(structures)
        )
        return chorus_notification(self.env, message, "success" if structures else "warning")

    def action_chorus_test_connection(self):
        self.ensure_one()
        check_chorus_access(self, group=GROUP_MANAGER)
        steps = self.company_id._chorus_test_connection()
        failed = [step for step in steps if not step["ok"]]
        if failed:
            message = f"{failed[0]['label']}: {failed[0]['fix']}"
        else:
            message = self.env._("Every check passed: this company can deposit invoices on Chorus Pro.")
        return chorus_notification(
            self.env,
            message,
            "danger" if failed else "success",
            title=self.env._("Chorus Pro connection test"),
        )
