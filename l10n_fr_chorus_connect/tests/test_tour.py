# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""In the browser: deposit an invoice from its Chorus Pro panel and see its status move."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from .test_deposit_common import DEPOSIT_ROUTE, ChorusDepositCase


@tagged("post_install", "-at_install")
class TestChorusTour(ChorusDepositCase, HttpCase):
    def test_deposit_tour(self):
        self.sandbox_control.configure(flow_delay=0, step_delay=0)
        move = self.create_public_invoice()
        admin = self.env.ref("base.user_admin")
        admin.write(
            {
                "company_ids": [Command.link(self.company.id)],
                "company_id": self.company.id,
                "group_ids": [Command.link(self.env.ref("l10n_fr_chorus_connect.group_chorus_manager").id)],
            }
        )
        self.hand_rendered_pdf_to_deposits(move)
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_chorus_connect_deposit_tour",
            login="admin",
            timeout=120,
            step_delay=None,
        )
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(move.chorus_flow_id.state, "integrated")
        self.assertEqual(move.chorus_status, "MISE_EN_PAIEMENT")
