# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Why a pasted voucher is refused, in words that tell an unreadable paste from a forgery."""

import json

from odoo import models


class ChorusTokenWallet(models.Model):
    _inherit = "chorus.token.wallet"

    def _voucher_refusal(self, voucher):
        """Why a voucher that does not verify is refused: unreadable, or not signed by the vendor."""
        try:
            parsed = json.loads(voucher) if isinstance(voucher, str) else voucher
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or set(parsed) != {"payload", "signature"}:
            return self.env._(
                "This voucher cannot be read: paste the whole voucher, as the token vendor gave it "
                "(a text that starts with { and ends with })."
            )
        return self.env._(
            "This voucher is refused: its signature is not the token vendor's (forged or modified)."
        )
