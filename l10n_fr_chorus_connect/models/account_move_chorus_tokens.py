# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who buys Chorus Pro tokens: the Chorus Pro administrators, in Invoicing > Chorus Pro."""

from odoo import models

MANAGER_GROUP = "l10n_fr_chorus_connect.group_chorus_manager"


class AccountMove(models.Model):
    _inherit = "account.move"

    def _chorus_administrators(self):
        """The people who may buy tokens for the company of these invoices (real users only)."""
        company = self.company_id[:1] or self.env.company
        return (
            self.env.ref(MANAGER_GROUP)
            .sudo()
            .all_user_ids.filtered(
                lambda user: user.active and not user.share and company in user.company_ids
            )
        )

    def _chorus_who_buys_tokens(self):
        """Where to buy tokens for the current user, or whom to ask."""
        if self.env.user.has_group(MANAGER_GROUP):
            return self.env._("Buy a pack in Invoicing > Chorus Pro > Token packs.")
        names = ", ".join(self._chorus_administrators().sorted("name").mapped("name"))
        if not names:
            return self.env._("Ask your administrator to give someone the Chorus Pro Administrator role.")
        return self.env._("Ask a Chorus Pro administrator to buy a pack: %(names)s.", names=names)

    def _chorus_no_token_message(self):
        return self.env._("No Chorus Pro token left.") + " " + self._chorus_who_buys_tokens()
