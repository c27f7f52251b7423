# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A French customer's database: every cron of the addon runs over real sandbox data, and every
chatter message and activity it writes is French (no English source sentence of our .pot left)."""

import re
from pathlib import Path

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.translate import PoFileReader

from .test_deposit_common import ChorusFrenchChatterCase

STEP = 60
I18N = Path(__file__).parents[1] / "i18n"


def english_fragments():
    """The literal pieces (placeholders cut out) of each of our sentences whose French differs."""
    with open(I18N / "fr.po", "rb") as po:
        entries = list(PoFileReader(po))
    fragments = set()
    for entry in entries:
        if not entry["value"] or entry["value"] == entry["src"]:
            continue
        for raw in re.split(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}|<[^>]+>|\n", entry["src"]):
            piece = raw.strip(" .:,;()\"'")
            if len(piece) >= 14 and " " in piece and piece not in entry["value"]:
                fragments.add(piece)
    return fragments


@tagged("post_install", "-at_install")
class TestCronWordsInFrench(ChorusFrenchChatterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.users"].with_context(active_test=False).search([]).lang = "fr_FR"
        cls.manager = new_test_user(
            cls.env,
            login="chorus_gestionnaire",
            lang="fr_FR",
            groups="base.group_user,account.group_account_invoice,l10n_fr_chorus_connect.group_chorus_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        (cls.company.partner_id | cls.public_partner | cls.public_invoice_address).lang = "fr_FR"

    def crons(self):
        return (
            self.env["ir.model.data"]
            .search(
                [
                    ("model", "=", "ir.cron"),
                    (
                        "module",
                        "in",
                        ["l10n_fr_chorus_connect", "l10n_fr_chorus_connect_sale", "chorus_token_vendor"],
                    ),
                ]
            )
            .mapped(lambda data: f"{data.module}.{data.name}")
        )

    def run_crons(self, crons):
        for xmlid in crons:
            self.env["chorus.flow"].search([]).write({"next_poll_at": "2000-01-01 00:00:00"})
            self.run_cron(xmlid)
        self.sandbox_control.advance(STEP * 3)

    def buy_tokens(self):
        pack = self.env.ref("l10n_fr_chorus_connect.chorus_token_pack_200")
        pack.with_user(self.manager).with_company(self.company).with_context(
            lang="fr_FR"
        ).action_buy()  # as the UI
        return self.env["chorus.token.order"].search(
            [("company_id", "=", self.company.id)], limit=1, order="id desc"
        )

    def chorus_activities(self, moves):
        return moves.activity_ids.filtered(
            lambda activity: activity.summary and "Chorus Pro" in activity.summary
        )

    def test_every_cron_writes_french(self):
        first_message = self.env["mail.message"].search([], order="id desc", limit=1).id or 0
        first_activity = self.env["mail.activity"].search([], order="id desc", limit=1).id or 0
        self.sandbox_control.configure(step_delay=STEP)
        suspended = self.create_public_invoice()
        self.sandbox_control.scenario(suspended.name, "suspended")
        rejected = self.create_public_invoice(amount=500.0)
        self.sandbox_control.scenario(rejected.name, "rejected")
        paid = self.create_public_invoice(amount=700.0)
        self.sandbox_control.scenario(paid.name, "normal")
        self.deposit(suspended | rejected | paid)
        queued = self.create_public_invoice(amount=300.0)
        queued.buyer_reference = "NO-SUCH-SERVICE"
        queued.chorus_deposit_queued = True
        self.company.chorus_password_expiry_manual = "2026-12-05"
        paid_order, refunded_order, abandoned_order = (self.buy_tokens() for _order in range(3))
        self.sandbox_control.pay_order(paid_order.name)
        self.sandbox_control.pay_order(refunded_order.name)
        self.env.cr.execute(
            "UPDATE chorus_token_order SET create_date = now() - interval '40 days' WHERE id = %s",
            [abandoned_order.id],
        )
        crons = self.crons()
        self.assertGreaterEqual(len(crons), 9)
        self.run_crons(crons)
        self.assertEqual(refunded_order.state, "credited")
        # The buyer answered: the daily to-do import gives the activities again; the vendor refunds.
        self.chorus_activities(suspended | rejected).unlink()
        self.sandbox_control.refund_order(refunded_order.name)
        self.run_crons(crons)
        self.assertEqual((paid_order.state, abandoned_order.state), ("credited", "failed"))
        self.assertTrue(self.chorus_activities(suspended) and self.chorus_activities(rejected))
        self.assertEqual(suspended.chorus_status, "SUSPENDUE")
        messages = self.env["mail.message"].search([("id", ">", first_message)])
        activities = self.env["mail.activity"].search([("id", ">", first_activity)])
        texts = [*messages.mapped("body"), *messages.tracking_value_ids.mapped("new_value_char")]
        texts += [*activities.mapped("summary"), *activities.mapped("note")]
        texts = [str(text) for text in texts if text]
        self.assertTrue(activities, "the suspended and rejected invoices get activities")
        self.assertTrue(any("Chorus Pro" in text for text in texts), texts)
        fragments = english_fragments()
        english = sorted(
            {f"{fragment!r} in {text!r}" for text in texts for fragment in fragments if fragment in text}
        )
        self.assertFalse(english, "\n".join(english))
