# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invoicing > Chorus Pro: accounting managers buy tokens without Settings rights; accountants read
the directory and are told whom to ask."""

from odoo import Command
from odoo.tests import tagged

from .test_deposit_common import ChorusDepositCase


@tagged("post_install", "-at_install")
class TestChorusMenus(ChorusDepositCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, group):
            return cls.env["res.users"].create(
                {
                    "name": login.title(),
                    "login": login,
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "group_ids": [Command.set(cls.env.ref(group).ids)],
                }
            )

        cls.manager = user("manon.manager", "account.group_account_manager")
        cls.accountant = user("alain.accountant", "account.group_account_invoice")

    def visible(self, user):
        menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        return {
            xmlid: self.env.ref(f"l10n_fr_chorus_connect.{xmlid}").id in menus
            for xmlid in ("menu_chorus_pro_directory", "menu_chorus_pro_packs", "menu_chorus_pro_ledger")
        }

    def test_accounting_manager_reaches_tokens_without_settings(self):
        self.assertFalse(self.manager.has_group("base.group_system"))
        self.assertEqual(
            self.visible(self.manager),
            {
                "menu_chorus_pro_directory": True,
                "menu_chorus_pro_packs": True,
                "menu_chorus_pro_ledger": True,
            },
        )
        pack = self.env["chorus.token.pack"].search([], limit=1)
        action = pack.with_user(self.manager).with_company(self.company).action_buy()
        order = self.env["chorus.token.order"].browse(action["res_id"])
        self.assertEqual(order.state, "pending")
        self.assertTrue(order.payment_url)
        ledger = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_chorus_connect.action_chorus_token_ledger"
        )
        self.env[ledger["res_model"]].with_user(self.manager).search([])

    def test_accountant_reads_the_directory_only(self):
        self.assertEqual(
            self.visible(self.accountant),
            {
                "menu_chorus_pro_directory": True,
                "menu_chorus_pro_packs": False,
                "menu_chorus_pro_ledger": False,
            },
        )
        self.env["chorus.structure"].with_user(self.accountant).search([])

    def test_token_history_is_not_called_general_ledger(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["l10n_fr_chorus_connect"], ["fr_FR"], overwrite=True)
        menu = self.env.ref("l10n_fr_chorus_connect.menu_chorus_pro_ledger").with_context(lang="fr_FR")
        self.assertEqual(menu.name, "Historique des jetons")
        action = self.env.ref("l10n_fr_chorus_connect.action_chorus_token_ledger").with_context(lang="fr_FR")
        self.assertNotIn("Grand livre", action.name)
