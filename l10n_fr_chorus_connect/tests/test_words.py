# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the accountant reads is French, true and whole (issue 11, item 8)."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_deposit_common import ChorusDepositCase

XSD_ERROR = (
    "The XML file is invalid against the XML Schema Definition. XSD Error: Element "
    "'{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}IssueDateTime': "
    "This element is not expected. Expected is ( "
    "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}TypeCode )., line 11"
)


@tagged("post_install", "-at_install")
class TestChorusWords(ChorusDepositCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()
        cls.fr = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    def test_schema_error_is_explained_in_french(self):
        facturx = self.fr["chorus.facturx"]
        text = facturx._explain_xsd(XSD_ERROR)
        self.assertEqual(
            text,
            "l'élément IssueDateTime n'est pas permis à cet endroit du XML produit (attendu : TypeCode).",
        )
        self.assertEqual(facturx._explain_xsd("BR-FR-05 : adresse manquante"), "BR-FR-05 : adresse manquante")

    def test_correction_below_the_reserved_tokens_reads_right(self):
        wallet = self.wallet().with_env(self.fr)
        with self.assertRaises(UserError) as caught:
            wallet._correct(-(wallet.balance + 1), "erreur de saisie")
        message = caught.exception.args[0]
        self.assertIn("ferait passer le solde à -1", message)
        self.assertNotIn("-1 jetons", message)

    def test_unreadable_voucher_is_not_called_forged(self):
        wizard = self.fr["chorus.token.voucher"].create({"voucher": "bonjour, voici mon bon"})
        message = wizard.action_redeem()["params"]["message"]
        self.assertIn("Ce bon est illisible", message)
        self.assertNotIn("falsifié", message)

    def test_one_service_is_singular(self):
        action = self.public_partner.with_env(self.fr).action_chorus_fetch_directory()
        self.assertIn("1 service.", action["params"]["message"])
        self.assertNotIn("1 services", action["params"]["message"])

    def test_welcome_grant_is_written_in_the_company_language(self):
        partner = self.env["res.partner"].create({"name": "SARL Exemple", "lang": "fr_FR"})
        company = self.env["res.company"].create({"name": "SARL Exemple", "partner_id": partner.id})
        self.env.user.company_ids = [Command.link(company.id)]
        grants = self.env["chorus.token.ledger"].sudo().search([("company_id", "=", company.id)])
        reasons = {grant.environment: grant.reason for grant in grants}
        self.assertEqual(reasons["production"], "Offre de bienvenue : 50 transmissions gratuites")
        self.assertTrue(reasons["sandbox"].startswith("Jetons du bac à sable"), reasons["sandbox"])

    def test_chorus_invoice_id_shown_without_thousands_separators(self):
        arch = self.env["account.move"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("'enable_formatting': false", arch.split('name="chorus_invoice_id"')[1].split("/>")[0])
