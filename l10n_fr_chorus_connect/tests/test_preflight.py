# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Everything Chorus Pro would reject is found before a deposit (and before any token)."""

from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from ..chorus.sandbox.seed import (
    ENGAGEMENT_MINISTRY,
    ENGAGEMENT_MINISTRY_CLOSED,
    ENGAGEMENT_MINISTRY_PENDING,
)
from .common import (
    SIRET_COMMUNE,
    SIRET_COMMUNITY,
    SIRET_HIGH_SCHOOL,
    SIRET_HOSPITAL,
    SIRET_INACTIVE,
    SIRET_MINISTRY,
    SIRET_PUBLIC_BODY,
)
from .test_facturx import ChorusFacturxCommon


@tagged("post_install", "-at_install", "post_install_l10n")
class TestChorusPreflight(ChorusFacturxCommon):
    def _assert_problems(self, move, expected, include_warnings=False):
        """``expected``: list of (field, fragment of the message)."""
        problems = move._chorus_preflight(include_warnings=include_warnings)
        for problem in problems:
            self.assertEqual(set(problem), {"field", "message", "fix", "blocking"})
            self.assertTrue(problem["message"] and problem["fix"])
        self.assertEqual(
            len(problems), len(expected), "\n".join(f"{p['field']}: {p['message']}" for p in problems)
        )
        for (field, fragment), problem in zip(expected, problems, strict=True):
            self.assertEqual(problem["field"], field)
            self.assertIn(fragment, problem["message"])
        return problems

    # --- the happy path --------------------------------------------------
    def test_complete_invoice_has_no_problem(self):
        self._assert_problems(self._invoice(), [])

    def test_complete_credit_note_has_no_problem(self):
        self._assert_problems(self._invoice("out_refund"), [])

    def test_draft_invoice_can_be_checked(self):
        self._assert_problems(self._invoice(post=False), [])

    def test_private_customer_is_refused(self):
        self._assert_problems(
            self._invoice(partner=self.partner_a, chorus_buyer_siret=SIRET_HIGH_SCHOOL),
            [
                ("partner_id", "not a customer invoice or credit note to a public body"),
                ("partner_id", "The customer's address has no country"),
            ],
        )

    # --- identities ------------------------------------------------------
    def test_company_without_siret(self):
        invoice = self._invoice()
        self.company.company_registry = False
        self._assert_problems(invoice, [("company_id", "has no SIRET")])

    def test_company_with_invalid_siret(self):
        invoice = self._invoice()
        self.company.company_registry = "73282932000075"
        self._assert_problems(invoice, [("company_id", "is not valid")])

    def test_company_without_vat_number_on_an_invoice_with_vat(self):
        invoice = self._invoice()
        self.company.vat = False
        self._assert_problems(invoice, [("", "The VAT number of your company is required")])

    def test_company_not_subject_to_vat_needs_no_vat_number(self):
        self.company.vat = False
        invoice = self._invoice(
            lines=[
                {
                    "name": "Formation",
                    "quantity": 1,
                    "price_unit": 800.0,
                    "tax_ids": [Command.set(self.tax_o.ids)],
                }
            ]
        )
        self._assert_problems(invoice, [])

    def test_recipient_without_siret(self):
        invoice = self._invoice()
        invoice.chorus_buyer_siret = False
        self._assert_problems(invoice, [("chorus_buyer_siret", "recipient SIRET is missing")])

    def test_recipient_with_invalid_siret(self):
        invoice = self._invoice()
        invoice.chorus_buyer_siret = "21750001600018"
        self._assert_problems(invoice, [("chorus_buyer_siret", "21750001600018 is not valid")])

    # --- directory -------------------------------------------------------
    def test_recipient_not_read_from_the_directory(self):
        problems = self._assert_problems(
            self._invoice(partner=self.buyers[SIRET_COMMUNITY]),
            [("chorus_buyer_siret", "has not been read from the Chorus Pro directory")],
        )
        self.assertIn("Fetch from Chorus Pro", problems[0]["fix"])

    def test_inactive_structure(self):
        self._assert_problems(
            self._invoice(partner=self.buyers[SIRET_INACTIVE]),
            [("chorus_buyer_siret", "is inactive in Chorus Pro")],
        )

    # --- service and engagement ------------------------------------------
    def test_service_required(self):
        invoice = self._invoice(partner=self.public_partner)
        self.assertFalse(invoice.buyer_reference)
        self._assert_problems(invoice, [("buyer_reference", "requires a service code")])

    def test_engagement_required(self):
        self._assert_problems(
            self._invoice(partner=self.buyers[SIRET_PUBLIC_BODY]),
            [("purchase_order_reference", "requires an engagement number")],
        )
        self._assert_problems(self._invoice(partner=self.buyers[SIRET_PUBLIC_BODY], ref="EJ-2026-0002"), [])

    def test_service_and_engagement_required(self):
        buyer = self.buyers[SIRET_MINISTRY]
        self._assert_problems(
            self._invoice(partner=buyer),
            [
                ("buyer_reference", "requires a service code"),
                ("purchase_order_reference", "requires an engagement"),
            ],
        )
        self._assert_problems(
            self._invoice(partner=buyer, buyer_reference="MIN-SERV-01"),
            [("purchase_order_reference", "requires an engagement number")],
        )
        self._assert_problems(
            self._invoice(partner=buyer, buyer_reference="MIN-SERV-01", ref="EJ-2026-0001"), []
        )

    def test_service_or_engagement_required(self):
        buyer = self.buyers[SIRET_HOSPITAL]
        self._assert_problems(
            self._invoice(partner=buyer),
            [("buyer_reference", "requires a service code or an engagement number")],
        )
        self._assert_problems(self._invoice(partner=buyer, ref="EJ-2026-0001"), [])
        self._assert_problems(self._invoice(partner=buyer, buyer_reference="SERV-TECH"), [])

    def test_service_that_requires_an_engagement(self):
        buyer = self.buyers[SIRET_HOSPITAL]
        self._assert_problems(
            self._invoice(partner=buyer, buyer_reference="SERV-PHARMA"),
            [("purchase_order_reference", "The service SERV-PHARMA requires an engagement number")],
        )
        self._assert_problems(
            self._invoice(partner=buyer, buyer_reference="SERV-PHARMA", ref="1300012345"), []
        )

    def test_required_engagement_is_checked_against_chorus(self):
        ministry = self.buyers[SIRET_MINISTRY]

        def invoice(number, partner=ministry, service="MIN-SERV-01"):
            return self._invoice(partner=partner, buyer_reference=service, ref=number)

        self._assert_problems(invoice(ENGAGEMENT_MINISTRY), [])
        self._assert_problems(invoice(ENGAGEMENT_MINISTRY_PENDING), [])
        self._assert_problems(
            invoice("EJ-2099-0404"),
            [("purchase_order_reference", "is unknown to Chorus Pro for your structure")],
        )
        self._assert_problems(
            invoice(ENGAGEMENT_MINISTRY_CLOSED), [("purchase_order_reference", "is closed in Chorus Pro")]
        )
        self._assert_problems(
            invoice(ENGAGEMENT_MINISTRY, partner=self.buyers[SIRET_HOSPITAL], service="SERV-PHARMA"),
            [("purchase_order_reference", "belongs to another structure")],
        )

    def test_engagement_check_without_chorus_is_a_warning_only(self):
        self.inject_fault("engagementsJuridiques/v1/rechercher", "http_503", times=5)
        invoice = self._invoice(
            partner=self.buyers[SIRET_MINISTRY], buyer_reference="MIN-SERV-01", ref="EJ-2026-0503"
        )
        self._assert_problems(invoice, [])
        [warning] = self._assert_problems(
            invoice,
            [("purchase_order_reference", "could not be checked with Chorus Pro")],
            include_warnings=True,
        )
        self.assertFalse(warning["blocking"])

    def test_no_requirement(self):
        self._assert_problems(self._invoice(partner=self.buyers[SIRET_HIGH_SCHOOL]), [])

    def test_unknown_service(self):
        self._assert_problems(
            self._invoice(buyer_reference="SERV-INCONNU"),
            [("buyer_reference", "SERV-INCONNU does not exist")],
        )

    def test_inactive_service(self):
        self._assert_problems(
            self._invoice(buyer_reference="SERV-ANCIEN"), [("buyer_reference", "is inactive")]
        )

    def test_public_invoices_service_is_refused(self):
        self._assert_problems(
            self._invoice(buyer_reference="FACTURES_PUBLIQUES"),
            [("buyer_reference", "FACTURES_PUBLIQUES is reserved")],
        )

    def test_service_code_longer_than_100_characters(self):
        self._assert_problems(
            self._invoice(buyer_reference="S" * 101), [("buyer_reference", "more than 100 characters")]
        )

    def test_engagement_longer_than_50_characters_is_not_truncated(self):
        engagement = "E" * 51
        invoice = self._invoice(purchase_order_reference=engagement)
        self._assert_problems(invoice, [("purchase_order_reference", "has 51 characters")])
        self.assertEqual(invoice.purchase_order_reference, engagement)
        self._assert_problems(self._invoice(purchase_order_reference="E" * 50), [])

    # --- payment ---------------------------------------------------------
    def test_invoice_without_payment_means(self):
        invoice = self._invoice(post=False)
        invoice.chorus_payment_means = False
        self._assert_problems(invoice, [("chorus_payment_means", "payment means is missing")])

    def test_transfer_without_bank_account(self):
        invoice = self._invoice(post=False)
        invoice.partner_bank_id = False
        invoice.chorus_payment_means = "58"
        self._assert_problems(invoice, [("partner_bank_id", "needs the bank account")])

    def test_transfer_to_an_account_that_is_not_an_iban(self):
        invoice = self._invoice(post=False)
        invoice.partner_bank_id = self.local_bank
        invoice.chorus_payment_means = "30"
        self._assert_problems(invoice, [("partner_bank_id", "only accepts IBANs")])

    def test_cheque_needs_no_bank_account(self):
        invoice = self._invoice(post=False)
        invoice.write({"partner_bank_id": False, "chorus_payment_means": "20"})
        self._assert_problems(invoice, [])

    def test_credit_note_with_payment_means(self):
        refund = self._invoice("out_refund", post=False)
        refund.chorus_payment_means = "30"
        self._assert_problems(refund, [("chorus_payment_means", "must not have a payment means")])

    # --- number, currency ------------------------------------------------
    def test_currency_other_than_euro(self):
        invoice = self._invoice(currency_id=self.setup_other_currency("USD").id)
        self._assert_problems(invoice, [("currency_id", "Chorus Pro invoices are in euros")])

    def test_long_invoice_number_is_only_a_warning(self):
        invoice = self._invoice(post=False)
        invoice.name = "FAC/2026/COMMUNE/000001"
        self._assert_problems(invoice, [])
        problems = self._assert_problems(
            invoice, [("name", "more than 20 characters")], include_warnings=True
        )
        self.assertFalse(problems[0]["blocking"])

    # --- attachments -----------------------------------------------------
    def _attach(self, invoice, name, raw=b"content"):
        attachment = self.env["ir.attachment"].create({"name": name, "raw": raw})
        invoice.chorus_attachment_ids = [Command.link(attachment.id)]
        return attachment

    def test_valid_attachment(self):
        invoice = self._invoice()
        self._attach(invoice, "bon_de_commande.pdf")
        self._attach(invoice, "releve.XLSX")
        self._assert_problems(invoice, [])

    def test_attachment_name_longer_than_50_characters(self):
        invoice = self._invoice()
        self._attach(invoice, "n" * 47 + ".pdf")
        self._assert_problems(invoice, [("chorus_attachment_ids", "more than 50 characters")])

    def test_attachment_without_extension(self):
        invoice = self._invoice()
        self._attach(invoice, "bon_de_commande")
        self._assert_problems(invoice, [("chorus_attachment_ids", "has no extension")])

    def test_attachment_with_refused_extension(self):
        invoice = self._invoice()
        self._attach(invoice, "script.exe")
        self._assert_problems(invoice, [("chorus_attachment_ids", "does not accept .exe files")])

    def test_empty_attachment(self):
        invoice = self._invoice()
        self._attach(invoice, "vide.txt", raw=b"")
        self._assert_problems(invoice, [("chorus_attachment_ids", "is empty")])

    def test_attachment_larger_than_10_mb(self):
        invoice = self._invoice()
        self._attach(invoice, "plan.pdf", raw=b"0" * (10 * 1024 * 1024 + 1))
        self._assert_problems(
            invoice,
            [
                ("chorus_attachment_ids", "larger than 10 MB"),
                ("chorus_attachment_ids", "Chorus Pro takes 10 MB per deposited file"),
            ],
        )

    def test_attachments_over_the_deposited_file_limit_together(self):
        invoice = self._invoice()
        self._attach(invoice, "plan1.pdf", raw=b"0" * 6_000_000)
        self._attach(invoice, "plan2.pdf", raw=b"0" * 6_000_000)
        self._assert_problems(
            invoice, [("chorus_attachment_ids", "weigh 12.0 MB together; Chorus Pro takes 10 MB per")]
        )

    # --- Factur-X --------------------------------------------------------
    def test_facturx_schema_errors_are_problems(self):
        invoice = self._invoice()
        facturx_model = type(self.env["chorus.facturx"])
        xml, _errors = self.env["chorus.facturx"]._build_xml(invoice)
        broken = xml.replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")
        with patch.object(facturx_model, "_build_xml", lambda self, move: (broken, [])):
            problems = self._assert_problems(invoice, [("", "The Factur-X of this invoice is not valid")])
        self.assertIn("TypeCode", problems[0]["message"])

    def test_odoo_export_checks_are_problems(self):
        invoice = self._invoice(post=False)
        self.company.vat = False
        self._assert_problems(invoice, [("", "The VAT number of your company is required")])

    def test_a_line_without_tax_is_named_once_without_its_schema_echo(self):
        invoice = self._invoice(post=False)
        invoice.invoice_line_ids.tax_ids = False
        invoice.action_post()
        problems = self._assert_problems(invoice, [("invoice_line_ids", "has no tax")])
        self.assertIn("BR-CO-04", problems[0]["message"])

    def test_buyer_siret_default(self):
        self.assertEqual(self._invoice(post=False).chorus_buyer_siret, SIRET_COMMUNE)
