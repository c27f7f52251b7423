# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pre-flight checks that ask the facts of the real Chorus Pro: the size deposer/flux takes."""

from odoo import models

from ..chorus.values import FLOW_FILE_MAX_BYTES


class AccountMove(models.Model):
    _inherit = "account.move"

    def _chorus_check_flow_size(self, problem):
        """The Factur-X embeds the attachments: together they must fit in one deposited file."""
        total = sum(attachment.file_size or 0 for attachment in self.chorus_attachment_ids)
        if total > FLOW_FILE_MAX_BYTES:
            problem(
                "chorus_attachment_ids",
                self.env._(
                    "The attachments weigh %(size)s MB together; Chorus Pro takes %(limit)s MB per "
                    "deposited file, invoice included.",
                    size=f"{total / 1e6:.1f}",
                    limit=f"{FLOW_FILE_MAX_BYTES / 1e6:g}",
                ),
                self.env._("Remove or compress attachments."),
            )
