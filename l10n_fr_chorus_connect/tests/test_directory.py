# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..chorus.client import ChorusClient
from .common import (
    SIRET_COMMUNE,
    SIRET_COMMUNITY,
    SIRET_HIGH_SCHOOL,
    SIRET_HOSPITAL,
    SIRET_INACTIVE,
    SIRET_MINISTRY,
    SIRET_PUBLIC_BODY,
    ChorusSandboxCase,
)

EXPECTED_REQUIREMENTS = {
    SIRET_MINISTRY: "service_and_engagement",
    SIRET_COMMUNE: "service",
    SIRET_PUBLIC_BODY: "engagement",
    SIRET_HOSPITAL: "service_or_engagement",
    SIRET_HIGH_SCHOOL: "none",
    SIRET_COMMUNITY: "none",
}


@tagged("post_install_l10n", "post_install", "-at_install")
class TestChorusDirectory(ChorusSandboxCase):
    def test_fetch_reads_structure_rules_and_services(self):
        action = self.public_invoice_address.action_chorus_fetch_directory()
        self.assertEqual(action["params"]["type"], "success")
        structure = self.public_invoice_address.chorus_structure_id
        self.assertEqual(structure.siret, SIRET_COMMUNE)
        self.assertEqual(structure.name, "COMMUNE D'EXEMPLEVILLE")
        self.assertTrue(structure.structure_id)
        self.assertEqual(structure.requirement, "service")
        self.assertEqual(structure.company_id, self.company)
        self.assertTrue(structure.last_sync)
        services = {service.code: service for service in structure.service_ids}
        self.assertTrue(services["SERV-COMPTA"].is_active)
        self.assertFalse(services["SERV-ANCIEN"].is_active)
        self.assertTrue(services["FACTURES_PUBLIQUES"].is_public_invoices)
        self.assertEqual(self.public_invoice_address.chorus_service_id, services["SERV-COMPTA"])
        self.assertEqual(
            self.public_partner.chorus_structure_id, structure, "the address shares the company SIRET"
        )

    def test_fetch_on_the_company_links_its_addresses(self):
        self.public_partner._chorus_fetch_directory()
        self.assertEqual(self.public_invoice_address.chorus_service_id.code, "SERV-COMPTA")

    def test_every_page_of_services_is_read(self):
        structure = self.buyers[SIRET_MINISTRY]._chorus_fetch_directory()
        self.assertEqual(len(structure.service_ids), 30)
        self.assertTrue(structure.service_ids.filtered(lambda s: not s.is_active))
        self.assertTrue(structure.service_ids.filtered("is_public_invoices"))

    def test_small_pages_are_all_read(self):
        client = ChorusClient.for_sandbox(self.sandbox.url, page_size=10)
        structure = self.env["chorus.structure"]._get_or_fetch(
            SIRET_MINISTRY, company=self.company, client=client
        )
        self.assertEqual(len(structure.service_ids), 30)
        self.assertGreaterEqual(client.calls["structures/v1/rechercher/services"], 3)

    def test_requirement_of_each_seeded_buyer(self):
        for siret, requirement in EXPECTED_REQUIREMENTS.items():
            with self.subTest(siret=siret):
                structure = self.buyers[siret]._chorus_fetch_directory()
                self.assertEqual(structure.requirement, requirement)
                self.assertTrue(structure.is_active)
                self.assertTrue(structure.is_public)

    def test_service_requiring_an_engagement(self):
        structure = self.buyers[SIRET_HOSPITAL]._chorus_fetch_directory()
        self.assertEqual(len(structure.service_ids.filtered("engagement_required")), 1)

    def test_payment_status_not_reported(self):
        self.assertTrue(self.buyers[SIRET_HIGH_SCHOOL]._chorus_fetch_directory().payment_status_not_reported)
        self.assertFalse(self.buyers[SIRET_COMMUNITY]._chorus_fetch_directory().payment_status_not_reported)

    def test_inactive_structure_is_stored_inactive(self):
        action = self.buyers[SIRET_INACTIVE].action_chorus_fetch_directory()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertFalse(self.buyers[SIRET_INACTIVE].chorus_structure_id.is_active)

    def test_unknown_siret_says_so(self):
        partner = self.env["res.partner"].create(
            {
                "name": "INCONNU",
                "is_company": True,
                "chorus_is_public": True,
                "company_registry": "21750001600027",
            }
        )
        with self.assertRaisesRegex(UserError, "21750001600027"):
            partner._chorus_fetch_directory()

    def test_partner_without_siret(self):
        partner = self.env["res.partner"].create(
            {"name": "SANS SIRET", "is_company": True, "chorus_is_public": True}
        )
        with self.assertRaisesRegex(UserError, "SANS SIRET has no SIRET"):
            partner._chorus_fetch_directory()

    def test_refetch_updates_instead_of_duplicating(self):
        first = self.public_partner._chorus_fetch_directory()
        count = len(first.service_ids)
        second = self.public_invoice_address._chorus_fetch_directory()
        self.assertEqual(first, second)
        self.assertEqual(len(second.service_ids), count)

    def test_weekly_cron_continues_after_one_failure(self):
        structures = self.env["chorus.structure"]
        for siret in (SIRET_COMMUNE, SIRET_PUBLIC_BODY, SIRET_COMMUNITY):
            structures |= self.env["chorus.structure"].create(
                {"siret": siret, "name": siret, "company_id": self.company.id}
            )
        fresh = self.env["chorus.structure"].create(
            {
                "siret": SIRET_HIGH_SCHOOL,
                "name": "RECENT",
                "company_id": self.company.id,
                "last_sync": fields.Datetime.now() - datetime.timedelta(days=2),
            }
        )
        # Only other companies' structures of the database could be stale too: keep them out of the way.
        self.env["chorus.structure"].search(
            [("id", "not in", (structures | fresh).ids)]
        ).last_sync = fields.Datetime.now()
        self.inject_fault("structures/v1/consulter", "http_500", times=1)

        with self.enter_registry_test_mode():
            self.env.ref("l10n_fr_chorus_connect.ir_cron_chorus_sync_directory").method_direct_trigger()

        structures.invalidate_recordset()
        failed = structures.filtered("sync_error")
        self.assertEqual(len(failed), 1, "exactly one structure met the fault")
        self.assertFalse(failed.last_sync)
        self.assertTrue(failed.last_sync_attempt)
        synced = structures - failed
        self.assertEqual(len(synced), 2)
        self.assertTrue(all(synced.mapped("last_sync")))
        self.assertTrue(all(synced.mapped("service_ids")))
        self.assertEqual(fresh.name, "RECENT", "structures synced less than 7 days ago are left alone")
