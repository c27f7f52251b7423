# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Answering the buyer from Odoo, through the sandbox over HTTP: complete a suspended invoice,
recycle one to another service, prepare the credit note and new invoice of a rejected one, the
daily to-do import; each action once, free of tokens, refused when Chorus's status forbids it."""

import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..chorus.sandbox import seed
from .common import SIRET_COMMUNE, SIRET_HOSPITAL
from .test_deposit_common import ChorusFrenchChatterCase

STEP = 60
CONSULT = "factures/v1/consulter/fournisseur"
COMPLETE = "factures/v1/completer"
RECYCLE = "factures/v1/recycler"
ADD_FILE = "transverses/v1/ajouter/fichier"
TO_ACT_ON = "factures/v1/rechercher/atraiter/fournisseur"
PDF = b"%PDF-1.4\n% bon de livraison signe\n"


@tagged("post_install", "-at_install")
class TestChorusSupplierActions(ChorusFrenchChatterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        hospital = cls.buyers[SIRET_HOSPITAL]
        hospital.write({"street": "2 rue de l'Hopital", "zip": "75013", "city": "Paris"})
        hospital._chorus_fetch_directory()
        cls.hospital_address = cls.env["res.partner"].create(
            {
                "name": "Services techniques",
                "type": "invoice",
                "parent_id": hospital.id,
                "chorus_service_code": seed.SERVICE_HOSPITAL_PLAIN,
            }
        )

    def answered(self, scenario, partner=None):
        """An invoice deposited, followed, and answered by the buyer with ``scenario``."""
        self.sandbox_control.configure(step_delay=STEP)
        move = self.create_public_invoice(partner=partner)
        self.sandbox_control.scenario(move.name, scenario)
        self.deposit(move)
        self.poll_flows()
        self.sandbox_control.advance(STEP * 3)
        self.track_lifecycles()
        self.sandbox_control.clear_stats()
        return move

    def act(self, move, kind, **params):
        with self.enter_registry_test_mode():
            result = move._chorus_supplier_action(kind, params)
        self.env.invalidate_all()
        return result

    def confirm(self, wizard):
        with self.enter_registry_test_mode():
            action = wizard.action_confirm()
        self.env.invalidate_all()
        return action

    def pdf_attachment(self, name="bon-livraison.pdf", content=PDF):
        return self.env["ir.attachment"].create({"name": name, "datas": base64.b64encode(content)})

    def chorus_activities(self, move):
        kind = self.env.ref("l10n_fr_chorus_connect.mail_activity_type_chorus_action")
        return move.activity_ids.filtered(lambda activity: activity.activity_type_id == kind)

    # ------------------------------------------------------------------
    def test_a_suspended_invoice_is_completed_from_odoo_free_of_tokens(self):
        move = self.answered("suspended")
        self.assertEqual(move.chorus_status, "SUSPENDUE")
        [activity] = self.chorus_activities(move)
        self.assertIn("Complete on Chorus Pro", activity.note)  # in the customer's language
        balance = self.wallet().balance
        action = move.with_context(lang="fr_FR").action_chorus_open_complete()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertIn("bon de livraison", wizard.buyer_comment)
        wizard.write(
            {"comment": "Voici le bon signé", "attachment_ids": [Command.set(self.pdf_attachment().ids)]}
        )
        notification = self.confirm(wizard)
        self.assertEqual(notification["params"]["type"], "success")
        self.assertEqual(move.chorus_status, "COMPLETEE")
        self.assertEqual(move.chorus_status_ids[:1].code, "COMPLETEE")
        self.assertIn("Voici le bon signé", move.chorus_status_ids[:1].comment)
        [attempt] = move.chorus_action_ids
        self.assertEqual(
            (attempt.kind, attempt.state, attempt.answered_status), ("complete", "done", "SUSPENDUE")
        )
        self.assertFalse(self.chorus_activities(move), "the activity is done")
        self.assertTrue(any("Completed on Chorus Pro" in body for body in move.message_ids.mapped("body")))
        self.assertEqual(self.wallet().balance, balance, "no token for an answer to the buyer")
        self.assertEqual((self.calls(ADD_FILE), self.calls(COMPLETE)), (1, 1))
        # The buyer has it again one step later: the tracker follows.
        self.sandbox_control.advance(STEP)
        with self.enter_registry_test_mode():
            move.action_chorus_refresh()
        self.assertEqual(move.chorus_status, "MISE_A_DISPOSITION")

    def test_a_double_click_completes_once(self):
        move = self.answered("suspended")
        first = self.act(move, "complete", comment="Bon joint")
        second = self.act(move, "complete", comment="Bon joint")
        self.assertEqual((first["outcome"], second["outcome"]), ("done", "already"))
        self.assertEqual(self.calls(COMPLETE), 1, "one completer call for two clicks")
        self.assertEqual(len(move.chorus_action_ids), 1)

    def test_a_lost_answer_is_settled_from_chorus_not_sent_again(self):
        move = self.answered("suspended")
        self.inject_fault(COMPLETE, "drop_after_accept")
        first = self.act(move, "complete", comment="Bon joint")
        self.assertEqual(first["outcome"], "unknown")
        self.assertEqual(move.chorus_action_ids.state, "unknown")
        second = self.act(move, "complete", comment="Bon joint")
        self.assertEqual(second["outcome"], "already")
        self.assertEqual(move.chorus_action_ids.state, "done")
        self.assertEqual(self.calls(COMPLETE), 1, "Chorus had it: not sent again")

    def test_an_attempt_that_never_reached_chorus_is_sent_once_by_the_next_click(self):
        move = self.answered("suspended")
        crashed = (
            self.env["chorus.invoice.action"]
            .sudo()
            .create(
                {"move_id": move.id, "kind": "complete", "answered_status": "SUSPENDUE", "comment": "Bon"}
            )
        )
        result = self.act(move, "complete", comment="Bon joint")
        self.assertEqual(result["outcome"], "done")
        self.assertEqual(crashed.state, "lost", "Chorus still showed SUSPENDUE: it never arrived")
        self.assertEqual(self.calls(COMPLETE), 1)

    def test_completing_is_refused_when_chorus_status_does_not_allow_it(self):
        move = self.answered("normal")
        with self.assertRaisesRegex(UserError, "ne peut pas être complétée.*Mise en paiement"):
            self.act(move.with_context(lang="fr_FR"), "complete", comment="?")
        self.assertEqual((self.calls(CONSULT), self.calls(COMPLETE)), (1, 0))
        self.assertFalse(move.chorus_action_ids)

    def test_attachments_chorus_would_refuse_are_named_before_anything_is_sent(self):
        move = self.answered("suspended")
        wizard = (
            self.env["chorus.complete.wizard"]
            .with_context(lang="fr_FR")
            .create(
                {
                    "move_id": move.id,
                    "attachment_ids": [Command.set(self.pdf_attachment("outil.exe", b"MZ").ids)],
                }
            )
        )
        with self.assertRaisesRegex(UserError, "outil.exe.*convertissez"):
            self.confirm(wizard)
        self.assertFalse(self.sandbox_control.stats())

    def test_an_invoice_to_recycle_goes_to_another_service_with_its_engagement(self):
        move = self.answered("recycle", partner=self.hospital_address)
        self.assertEqual(move.chorus_status, "A_RECYCLER")
        pharmacy = self.env["chorus.service"].search([("code", "=", seed.SERVICE_HOSPITAL_ENGAGEMENT)])
        wizard = (
            self.env["chorus.recycle.wizard"]
            .with_context(lang="fr_FR")
            .create({"move_id": move.id, "service_id": pharmacy.id})
        )
        with self.assertRaisesRegex(UserError, "numéro d'engagement"):
            self.confirm(wizard)  # SERV-PHARMA asks an engagement number: the deposit's own check
        self.assertEqual(self.calls(RECYCLE), 0)
        self.assertEqual(move.buyer_reference, seed.SERVICE_HOSPITAL_PLAIN, "nothing changed")
        wizard.engagement = seed.ENGAGEMENT_HOSPITAL
        self.confirm(wizard)
        self.assertEqual(self.calls(RECYCLE), 1)
        self.assertEqual(move.buyer_reference, seed.SERVICE_HOSPITAL_ENGAGEMENT)
        self.assertEqual(move.purchase_order_reference, seed.ENGAGEMENT_HOSPITAL)
        self.assertEqual(move.chorus_status, "EN_COURS_ACHEMINEMENT")
        self.assertIn("A_RECYCLER", move.chorus_status_ids.mapped("code"), "the history stays")
        self.assertTrue(
            any("SERV-TECH → SERV-PHARMA" in body for body in move.message_ids.mapped("body")),
        )
        self.assertEqual(
            (move.chorus_action_ids.previous_service_code, move.chorus_action_ids.service_code),
            ("SERV-TECH", "SERV-PHARMA"),
        )

    def test_recycling_to_an_inactive_service_is_refused_before_sending(self):
        move = self.answered("recycle")
        with self.assertRaisesRegex(UserError, "SERV-ANCIEN.*inactif"):
            self.act(move.with_context(lang="fr_FR"), "recycle", service_code=seed.SERVICE_COMMUNE_INACTIVE)
        self.assertEqual(self.calls(RECYCLE), 0)
        self.assertEqual(move.buyer_reference, "SERV-COMPTA")
        with self.assertRaisesRegex(UserError, "ne peut pas être recyclée"):
            self.act(
                self.answered("suspended").with_context(lang="fr_FR"), "recycle", service_code="SERV-COMPTA"
            )

    def test_the_daily_to_do_import_gives_each_invoice_its_activity_once(self):
        suspended = self.answered("suspended")
        rejected = self.answered("rejected")
        paid = self.answered("normal")
        self.chorus_activities(suspended | rejected).unlink()
        self.run_cron("l10n_fr_chorus_connect.ir_cron_chorus_import_to_act_on")
        self.run_cron("l10n_fr_chorus_connect.ir_cron_chorus_import_to_act_on")
        self.assertEqual(len(self.chorus_activities(suspended)), 1)
        self.assertEqual(len(self.chorus_activities(rejected)), 1)
        self.assertFalse(self.chorus_activities(paid))
        self.assertEqual(self.calls(TO_ACT_ON), 2)

    def test_a_rejected_invoice_gets_a_credit_note_and_a_new_invoice_as_drafts(self):
        move = self.answered("rejected")
        self.assertEqual(move.chorus_status, "REJETEE")
        self.assertIn("Prepare a credit note and a new invoice", self.chorus_activities(move).note)
        action = move.action_chorus_prepare_reissue()
        refund, invoice = move.chorus_reissue_refund_id, move.chorus_reissue_invoice_id
        self.assertEqual(set(action["domain"][0][2]), {refund.id, invoice.id})
        self.assertEqual(
            (refund.move_type, refund.state, refund.reversed_entry_id), ("out_refund", "draft", move)
        )
        self.assertEqual((invoice.move_type, invoice.state), ("out_invoice", "draft"))
        self.assertEqual(refund.amount_total, move.amount_total)
        move.action_chorus_prepare_reissue()
        self.assertEqual(move.chorus_reissue_refund_id, refund, "prepared once")
        self.assertFalse(self.sandbox_control.stats(), "nothing sent: the user posts and deposits them")
        self.assertEqual(move.chorus_status, "REJETEE")
        with self.assertRaises(UserError):
            self.answered("suspended").action_chorus_prepare_reissue()

    def test_only_chorus_users_of_the_company_may_act(self):
        move = self.answered("suspended")
        clerk = self.env["res.users"].create(
            {
                "name": "Paul Comptable",
                "login": "paul.clerk",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "group_ids": [Command.set(self.env.ref("base.group_user").ids)],
            }
        )
        for method in (
            "action_chorus_open_complete",
            "action_chorus_open_recycle",
            "action_chorus_prepare_reissue",
        ):
            with self.assertRaises(AccessError):
                getattr(move.with_user(clerk), method)()
        self.assertEqual(self.buyer_siret(), SIRET_COMMUNE)
