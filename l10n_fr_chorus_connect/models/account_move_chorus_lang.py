# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The language Chorus Pro's news are written in on an invoice.

Crons run as a user with no language of the reader: what they post in the chatter, the
rejection reason and the activities are read by the accountant of the customer's file, so
they are written in the customer's language, else in the company's.
"""

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _chorus_lang(self):
        """The language to write to the first of these invoices in (a code, or False)."""
        move = self[:1]
        return move.partner_id.lang or move.company_id.partner_id.lang or False

    def _chorus_lang_env(self):
        """These invoices with the language of their customer (else their company) in the context."""
        lang = self._chorus_lang()
        return self.with_context(lang=lang) if lang else self
