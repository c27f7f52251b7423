# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""In the browser: a suspended invoice is completed from Odoo and its status moves on."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from .test_deposit_common import ChorusDepositCase

COMPLETE = "factures/v1/completer"


@tagged("post_install", "-at_install")
class TestChorusCompleteTour(ChorusDepositCase, HttpCase):
    def test_complete_tour(self):
        self.sandbox_control.configure(step_delay=60)
        move = self.create_public_invoice()
        self.sandbox_control.scenario(move.name, "suspended")
        self.hand_rendered_pdf_to_deposits(move)  # rendered outside a test cursor: no 20 s lock wait
        self.deposit(move)
        self.poll_flows()
        self.sandbox_control.advance(180)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "SUSPENDUE")
        admin = self.env.ref("base.user_admin")
        admin.write(
            {
                "company_ids": [Command.link(self.company.id)],
                "company_id": self.company.id,
                "group_ids": [Command.link(self.env.ref("l10n_fr_chorus_connect.group_chorus_manager").id)],
            }
        )
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_chorus_connect_complete_tour",
            login="admin",
            timeout=120,
            step_delay=None,
        )
        self.assertEqual(self.calls(COMPLETE), 1)
        self.assertEqual(move.chorus_status, "COMPLETEE")
        self.assertIn("Le bon de livraison signé est joint.", move.chorus_action_ids.comment)
