# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SIRET_COMMUNE, SIRET_MINISTRY, ChorusSandboxCase

LA_POSTE_SIRET = "35600000049837"  # La Poste: SIREN 356000000, sum of digits multiple of 5 (not Luhn)


@tagged("post_install_l10n", "post_install", "-at_install")
class TestChorusPartner(ChorusSandboxCase):
    def test_public_flag_is_set_on_the_company_and_follows_on_addresses(self):
        self.assertTrue(self.public_invoice_address.chorus_is_public)
        self.public_partner.chorus_is_public = False
        self.assertFalse(self.public_invoice_address.chorus_is_public)
        self.public_partner.chorus_is_public = True
        self.assertTrue(self.public_invoice_address.chorus_is_public)

    def test_public_entities_filter(self):
        public = self.env["res.partner"].search([("chorus_is_public", "=", True), ("is_company", "=", True)])
        self.assertIn(self.public_partner, public)
        self.assertNotIn(self.partner_a, public)

    def test_siret_spaces_are_stripped(self):
        self.public_invoice_address.chorus_siret = "217 500 016 00019"
        self.assertEqual(self.public_invoice_address.chorus_siret, "21750001600019")
        partner = self.env["res.partner"].create(
            {
                "name": "MAIRIE",
                "is_company": True,
                "chorus_is_public": True,
                "company_registry": "110 002 011 00044",
            }
        )
        self.assertEqual(partner.company_registry, SIRET_MINISTRY)

    def test_wrong_check_digit_is_refused_naming_the_partner(self):
        with self.assertRaisesRegex(ValidationError, r"21750001600018.*Service comptabilité.*check digit"):
            self.public_invoice_address.chorus_siret = "21750001600018"

    def test_wrong_length_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "14 digits"):
            self.env["res.partner"].create(
                {
                    "name": "COMMUNE COURTE",
                    "is_company": True,
                    "chorus_is_public": True,
                    "company_registry": "2175000",
                }
            )

    def test_la_poste_siret_is_accepted(self):
        la_poste = self.env["res.partner"].create(
            {
                "name": "LA POSTE",
                "is_company": True,
                "chorus_is_public": True,
                "company_registry": LA_POSTE_SIRET,
            }
        )
        self.assertEqual(la_poste._chorus_effective_siret(), LA_POSTE_SIRET)

    def test_registry_of_private_customers_is_not_checked(self):
        partner = self.env["res.partner"].create(
            {"name": "PRIVATE", "is_company": True, "company_registry": "B 123"}
        )
        self.assertEqual(partner.company_registry, "B 123")
        belgian = self.env["res.partner"].create(
            {"name": "BE", "is_company": True, "company_registry": "0477.472.701"}
        )
        self.assertEqual(belgian.company_registry, "0477.472.701", "only SIRET-shaped numbers are compacted")

    def test_effective_siret_prefers_the_address(self):
        self.assertEqual(self.public_invoice_address._chorus_effective_siret(), SIRET_COMMUNE)
        self.public_invoice_address.chorus_siret = "21750001600027"
        self.assertEqual(self.public_invoice_address._chorus_effective_siret(), "21750001600027")
        self.assertEqual(self.public_partner._chorus_effective_siret(), SIRET_COMMUNE)

    def test_service_code_defaults_to_the_company(self):
        address = self.env["res.partner"].create(
            {"name": "Autre adresse", "type": "invoice", "parent_id": self.public_partner.id}
        )
        self.assertEqual(address._chorus_effective_service_code(), "")
        self.public_partner.chorus_service_code = "SERV-COMPTA"
        self.assertEqual(address._chorus_effective_service_code(), "SERV-COMPTA")
        self.assertEqual(self.public_invoice_address._chorus_effective_service_code(), "SERV-COMPTA")

    def test_public_invoices_service_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "FACTURES_PUBLIQUES"):
            self.public_invoice_address.chorus_service_code = "FACTURES_PUBLIQUES"

    def test_service_is_chosen_among_active_synced_services(self):
        self.public_invoice_address._chorus_fetch_directory()
        address = self.public_invoice_address
        self.assertEqual(address.chorus_service_id.code, "SERV-COMPTA")
        offered = self.env["chorus.service"].search(
            [
                ("structure_id", "=", address.chorus_structure_id.id),
                ("is_active", "=", True),
                ("is_public_invoices", "=", False),
            ]
        )
        self.assertEqual(offered.mapped("code"), ["SERV-COMPTA"])
        public_invoices = address.chorus_structure_id.service_ids.filtered("is_public_invoices")
        self.assertTrue(public_invoices, "FACTURES_PUBLIQUES is stored")
        with self.assertRaisesRegex(ValidationError, "FACTURES_PUBLIQUES"):
            address.chorus_service_id = public_invoices

    def test_synced_directory_refuses_unknown_and_inactive_codes(self):
        self.public_invoice_address._chorus_fetch_directory()
        with self.assertRaisesRegex(ValidationError, "inactive"):
            self.public_invoice_address.write(
                {"chorus_service_id": False, "chorus_service_code": "SERV-ANCIEN"}
            )
        with self.assertRaisesRegex(ValidationError, "does not exist"):
            self.public_invoice_address.write(
                {"chorus_service_id": False, "chorus_service_code": "SERV-INCONNU"}
            )

    def test_typed_code_accepted_before_any_sync(self):
        address = self.env["res.partner"].create(
            {
                "name": "Lycée, service achats",
                "type": "invoice",
                "parent_id": self.buyers["19751720400032"].id,
                "chorus_service_code": " ACHATS ",
            }
        )
        self.assertEqual(address.chorus_service_code, "ACHATS")
        self.assertFalse(address.chorus_structure_id)
