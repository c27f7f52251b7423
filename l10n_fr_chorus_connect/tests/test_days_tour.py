# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""In Chromium, in French: the accountant's day and the administrator's day (issue 11)."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from .test_deposit_common import ChorusDepositCase

FRENCH_MODULES = ["web", "mail", "account", "l10n_fr_chorus_connect"]


@tagged("post_install", "-at_install")
class TestChorusDaysTour(ChorusDepositCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french(FRENCH_MODULES)

    def french_user(self, login, groups):
        return self.env["res.users"].create(
            {
                "name": login.split(".")[0].title(),
                "login": login,
                "password": login,
                "lang": "fr_FR",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "group_ids": [Command.set([self.env.ref(group).id for group in groups])],
            }
        )

    def test_accountant_day(self):
        accountant = self.french_user("claire.comptable", ["account.group_account_invoice"])
        (self.public_partner | self.public_invoice_address).lang = "fr_FR"  # a French commune
        move = self.create_public_invoice()
        self.sandbox_control.scenario(move.name, "suspended")
        self.hand_rendered_pdf_to_deposits(move)
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_chorus_connect_accountant_day_tour",
            login=accountant.login,
            timeout=180,
        )
        self.assertEqual(move.chorus_status, "SUSPENDUE")
        self.assertFalse(move.activity_ids)

    def test_admin_day(self):
        admin = self.french_user("gilles.gestion", ["account.group_account_manager", "base.group_system"])
        balance = self.wallet().balance
        self.start_tour(
            "/odoo/action-l10n_fr_chorus_connect.action_chorus_token_pack_buy",
            "l10n_fr_chorus_connect_admin_day_tour",
            login=admin.login,
            timeout=180,
        )
        self.assertGreater(self.wallet().balance, balance)
