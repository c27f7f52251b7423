# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who follows a Chorus Pro invoice up, and a final status recorded with its history at once."""

from odoo import fields, models

from ..chorus import catalogue

ACTIVITY_USERS = [
    ("depositor", "The user who deposited the invoice"),
    ("salesperson", "The salesperson of the invoice"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    chorus_activity_user = fields.Selection(
        ACTIVITY_USERS,
        string="Chorus Pro Follow-up",
        default="depositor",
        required=True,
        help="Who gets the activity when Chorus Pro suspends or rejects an invoice.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chorus_activity_user = fields.Selection(related="company_id.chorus_activity_user", readonly=False)


class AccountMove(models.Model):
    _inherit = "account.move"

    def _chorus_activity_user(self):
        """The depositor (a real, active user; not the cron's) or the salesperson, as the company chose."""
        self.ensure_one()
        salesperson = self.invoice_user_id or self.create_uid
        if self.company_id.chorus_activity_user == "salesperson":
            return salesperson
        depositors = self.chorus_flow_ids.sorted("create_date", reverse=True).create_uid
        real = depositors.filtered(lambda user: user.active and not user.share)
        return real[:1] or salesperson

    def _chorus_is_final_status(self, status):
        """Nothing more to follow at ``status`` for this buyer (MANDATEE ends it without payment news)."""
        self.ensure_one()
        structure = self._chorus_buyer_structure()
        return catalogue.is_final(
            status, payment_status_not_reported=bool(structure.payment_status_not_reported)
        )

    def _chorus_record_issued(self, client, item):
        """An invoice found after its flow's integration; a final status comes with its history."""
        self.ensure_one()
        if item.status and self._chorus_is_final_status(item.status):
            self._chorus_refresh_lifecycle(client, item)
        else:
            self._chorus_set_issued(item)
