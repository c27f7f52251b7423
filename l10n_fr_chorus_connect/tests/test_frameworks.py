# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing frameworks (« cadres de facturation »): pre-flight rules, Factur-X, deposit and MOE walk."""

from lxml import etree

from odoo.tests import tagged

from ..chorus.sandbox import seed
from .test_deposit_common import DEPOSIT_ROUTE, ChorusDepositCase

STEP = 60
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


@tagged("post_install", "-at_install")
class TestBillingFrameworks(ChorusDepositCase):
    def framework_invoice(self, framework, move_type="out_invoice", post=True, **parties):
        move = self.create_public_invoice(move_type=move_type, post=False)
        move.write({"chorus_framework": framework, **parties})
        if post:
            move.action_post()
        return move

    def subcontractor_invoice(self):
        return self.framework_invoice("A9", chorus_main_contractor_siret=seed.MAIN_CONTRACTOR_SIRET)

    def works_draft(self, **extra):
        parties = {"chorus_moe_siret": seed.MOE_SIRET, "chorus_moe_service": seed.SERVICE_MOE}
        return self.framework_invoice("A4", **{**parties, **extra})

    def blocking_fields(self, move):
        return {problem["field"] for problem in move._chorus_preflight(facturx=False)}

    def built_xml(self, move):
        facturx = self.env["chorus.facturx"]
        xml, errors = facturx._build_xml(move)
        self.assertEqual(errors, [])
        self.assertEqual(facturx._xsd_errors(xml), [])
        self.assertEqual(facturx._schematron_problems(xml), [])
        return etree.fromstring(xml)

    # ------------------------------------------------------------------ defaults and pre-flight
    def test_framework_defaults_to_the_customers(self):
        self.assertEqual(self.create_public_invoice(post=False).chorus_framework, "A1")
        self.public_partner.chorus_framework = "A9"
        move = self.create_public_invoice(post=False)
        self.assertEqual(move.chorus_framework, "A9")
        self.assertTrue(move.chorus_framework_needs_main_contractor)
        self.assertFalse(move.chorus_framework_needs_moe)

    def test_each_framework_rule_is_refused_before_any_token(self):
        balance = self.wallet().balance
        cases = {
            "A9 without main contractor": (self.framework_invoice("A9"), "chorus_main_contractor_siret"),
            "A12 with a wrong SIRET": (
                self.framework_invoice("A12", chorus_main_contractor_siret="12345678900000"),
                "chorus_main_contractor_siret",
            ),
            "A2 not paid": (self.framework_invoice("A2"), "chorus_framework"),
            "A4 without MOE": (self.framework_invoice("A4"), "chorus_moe_siret"),
            "A4 without MOE service": (self.works_draft(chorus_moe_service=False), "chorus_moe_service"),
            "A10 without main contractor": (
                self.works_draft(chorus_framework="A10"),
                "chorus_main_contractor_siret",
            ),
            "A4 credit note": (
                self.framework_invoice(
                    "A4",
                    move_type="out_refund",
                    chorus_moe_siret=seed.MOE_SIRET,
                    chorus_moe_service=seed.SERVICE_MOE,
                ),
                "chorus_framework",
            ),
        }
        for name, (move, field) in cases.items():
            with self.subTest(name):
                self.assertIn(field, self.blocking_fields(move))
        [result] = self.deposit(cases["A9 without main contractor"][0])
        self.assertEqual(result["outcome"], "invalid")
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 0)
        self.assertEqual(self.wallet().balance, balance)
        self.assertFalse(self.blocking_fields(self.subcontractor_invoice()))
        self.assertFalse(self.blocking_fields(self.works_draft()))

    def test_preflight_speaks_french(self):
        self.load_french()
        move = self.framework_invoice("A9").with_context(lang="fr_FR")
        messages = [p["message"] for p in move._chorus_preflight(facturx=False)]
        self.assertIn("Le cadre de facturation", " ".join(messages))
        self.assertIn("titulaire du marché", " ".join(messages))

    # ------------------------------------------------------------------ Factur-X and deposits
    def test_subcontractor_invoice_names_its_main_contractor_and_is_integrated(self):
        move = self.subcontractor_invoice()
        tree = self.built_xml(move)
        self.assertEqual(
            tree.findtext(
                "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
                namespaces=NS,
            ),
            "A9",
        )
        notes = tree.xpath("rsm:ExchangedDocument/ram:IncludedNote/ram:Content/text()", namespaces=NS)
        self.assertIn(
            f"Titulaire du marché (valideur) : SIRET {seed.MAIN_CONTRACTOR_SIRET} ; service ", notes
        )
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        self.poll_flows()
        self.assertEqual(move.chorus_flow_id.state, "integrated")
        self.assertTrue(move.chorus_invoice_id)
        self.track_lifecycles()
        self.assertEqual(
            move.chorus_status_ids.sorted("id").mapped("code")[:3], ["A_VALIDER_1", "VALIDEE_1", "DEPOSEE"]
        )
        self.assertEqual(move.chorus_works_step, "2/2 – with the public owner")

    def test_paid_invoice_deposits_with_nothing_left_to_pay(self):
        move = self.framework_invoice("A2")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({})._create_payments()
        self.assertFalse(self.blocking_fields(move))
        tree = self.built_xml(move)
        self.assertEqual(tree.findtext(".//ram:DuePayableAmount", namespaces=NS), "0.00")
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        self.poll_flows()
        self.assertEqual(move.chorus_flow_id.state, "integrated")

    def test_works_draft_goes_through_the_project_manager_to_the_public_owner(self):
        self.sandbox_control.configure(step_delay=STEP)
        move = self.works_draft()
        tree = self.built_xml(move)
        notes = tree.xpath("rsm:ExchangedDocument/ram:IncludedNote/ram:Content/text()", namespaces=NS)
        self.assertIn(f"Maîtrise d'œuvre : SIRET {seed.MOE_SIRET} ; service {seed.SERVICE_MOE}", notes)
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        self.poll_flows()
        self.assertEqual(move.chorus_flow_id.state, "integrated")
        self.assertEqual(move.chorus_works_step, "1/2 – on its way to the project manager")
        self.sandbox_control.advance(STEP)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "MISE_A_DISPOSITION_MOE")
        self.assertEqual(move.chorus_works_step, "1/2 – with the project manager, awaiting validation")
        self.sandbox_control.advance(STEP)
        self.track_lifecycles()
        self.assertEqual(move.chorus_works_step, "1/2 – validated by the project manager")
        self.sandbox_control.advance(STEP * 4)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "MISE_EN_PAIEMENT")
        self.assertEqual(move.chorus_works_step, "2/2 – with the public owner")
        self.assertEqual(
            move.chorus_status_ids.sorted("id").mapped("code"),
            [
                "DEPOSEE",
                "MISE_A_DISPOSITION_MOE",
                "PRISE_EN_COMPTE_MOE",
                "TRANSMISE_MOA",
                "MISE_A_DISPOSITION_MOA",
                "MANDATEE",
                "MISE_EN_PAIEMENT",
            ],
        )
