# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from markupsafe import escape

from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged

from .common import SUPPLIER_SIRET, ChorusSandboxCase, seed


@tagged("post_install_l10n", "post_install", "-at_install")
class TestChorusSettings(ChorusSandboxCase):
    def _steps(self):
        steps = self.company._chorus_test_connection()
        return {step["code"]: step for step in steps}

    def _assert_fails_at(self, code, fix_code):
        steps = self._steps()
        self.assertIs(steps[code]["ok"], False, steps)
        self.assertEqual(steps[code]["fix_code"], fix_code)
        self.assertTrue(steps[code]["fix"])
        self.assertIn(escape(steps[code]["fix"]), self.company.chorus_connection_report)
        return steps

    def test_supplier_structure_is_loaded_and_selected(self):
        self.assertEqual(self.company.chorus_supplier_structure_id, seed.SUPPLIER_STRUCTURE_ID)
        self.assertEqual(self.company.chorus_supplier_structure_choice_id.identifier, SUPPLIER_SIRET)

    def test_good_configuration_passes_every_step(self):
        steps = self._steps()
        for code in ("token", "technical_account", "supplier_structure", "bank_account"):
            self.assertIs(steps[code]["ok"], True, steps[code])
        self.assertIn(SUPPLIER_SIRET, steps["supplier_structure"]["detail"])
        self.assertIn("fa-check-circle", str(self.company.chorus_connection_report))

    def test_settings_button_notifies(self):
        settings = self.env["res.config.settings"].create({})
        action = settings.action_chorus_test_connection()
        self.assertEqual(action["params"]["type"], "success", action)
        self.company.chorus_password = "wrong-password"
        action = self.env["res.config.settings"].create({}).action_chorus_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("technical account", action["params"]["message"])

    def test_bad_client_secret(self):
        self.company.chorus_piste_client_secret = "wrong-secret"
        steps = self._assert_fails_at("token", "piste_credentials")
        self.assertIsNone(steps["technical_account"]["ok"], "later steps are skipped")

    def test_bad_technical_password(self):
        self.company.chorus_password = "wrong-password"
        self._assert_fails_at("technical_account", "technical_account")

    def test_supplier_structure_absent(self):
        # The technical account only knows 73282932000074: another SIRET of the company is not its structure.
        self.company.company_registry = "21750001600019"
        self._assert_fails_at("supplier_structure", "siret_mismatch")

    def test_technical_account_without_structure(self):
        # Chorus answers an empty search with codeRetour 20000.
        self.inject_fault(
            "transverses/v1/recuperer/structures/actives/fournisseur",
            "business_error_400",
            code=20000,
            libelle="Aucune structure trouvee",
        )
        self._assert_fails_at("supplier_structure", "no_supplier_structure")

    def test_no_bank_account(self):
        self.inject_fault(
            "transverses/v1/recuperer/coordbanc/valides",
            "business_error_400",
            code=20000,
            libelle="Aucune coordonnee bancaire trouvee",
        )
        steps = self._assert_fails_at("bank_account", "bank_account")
        self.assertIn("IBAN", steps["bank_account"]["fix"])

    def test_sandbox_unreachable(self):
        self.company.chorus_sandbox_url = "http://127.0.0.1:9"
        self._assert_fails_at("token", "network")

    def test_production_without_credentials_says_what_to_fill(self):
        self.company.write({"chorus_environment": "production", "chorus_piste_client_secret": False})
        steps = self._assert_fails_at("token", "piste_credentials")
        self.assertIn("Settings", steps["token"]["fix"])

    def test_environment_banner(self):
        self.assertIn("sandbox", str(self.company.chorus_environment_banner))
        self.company.chorus_environment = "qualification"
        self.assertIn("qualification", str(self.company.chorus_environment_banner))
        self.company.chorus_environment = "production"
        self.assertFalse(self.company.chorus_environment_banner)

    def test_password_expiry_is_read_from_chorus(self):
        expiry = self.company._chorus_refresh_password_expiry()
        if expiry:
            self.assertEqual(self.company.chorus_password_expiry, expiry)

    def test_daily_cron_reads_the_password_expiry(self):
        self.company.chorus_password_expiry = False
        with self.enter_registry_test_mode():
            self.env.ref("l10n_fr_chorus_connect.ir_cron_chorus_password_expiry").method_direct_trigger()
        self.company.invalidate_recordset()
        self.assertGreater(self.company.chorus_password_expiry, datetime.date.today())

    def test_password_expiry_absent_from_chorus_keeps_the_dates_known(self):
        read = self.company._chorus_refresh_password_expiry()
        self.assertTrue(read)
        self.company.chorus_password_expiry_manual = datetime.date(2026, 7, 1)
        self.inject_fault("structures/v1/consulter", "no_password_expiry")
        self.assertFalse(self.company._chorus_refresh_password_expiry())
        self.assertEqual(self.company.chorus_password_expiry, read, "the date read before stays")
        self.assertEqual(self.company.chorus_password_expiry_due, min(read, datetime.date(2026, 7, 1)))

    def test_password_expiry_reminders_from_the_date_entered(self):
        """Chorus Pro gives no expiry: the date the administrator typed drives the reminders."""
        self.company.write(
            {"chorus_password_expiry": False, "chorus_password_expiry_manual": datetime.date(2026, 7, 15)}
        )
        self.assertEqual(self.company.chorus_password_expiry_due, datetime.date(2026, 7, 15))
        self.assertFalse(self.company._chorus_remind_password_expiry(today=datetime.date(2026, 6, 1)))
        self.assertTrue(self.company._chorus_remind_password_expiry(today=datetime.date(2026, 6, 15)))
        self.assertTrue(self._todo_count())
        self.company.chorus_password_expiry = datetime.date(2026, 7, 5)
        self.assertTrue(
            self.company._chorus_remind_password_expiry(today=datetime.date(2026, 6, 29)),
            "the earlier date read from Chorus Pro re-arms the 7-day reminder",
        )

    def test_neutralized_database_goes_back_to_sandbox_without_secrets(self):
        self.company.write({"chorus_environment": "production", "chorus_sandbox_url": False})
        self.env.flush_all()
        for query in get_neutralization_queries(["l10n_fr_chorus_connect"]):
            self.env.cr.execute(query)
        self.company.invalidate_recordset()
        self.assertEqual(self.company.chorus_environment, "sandbox")
        self.assertFalse(self.company.chorus_piste_client_secret)
        self.assertFalse(self.company.chorus_password)

    def _todo_count(self):
        return self.env["mail.activity"].search_count(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.company.partner_id.id)]
        )

    def test_password_expiry_reminders_30_and_7_days_before(self):
        today = datetime.date(2026, 6, 1)
        self.company.write(
            {"chorus_password_expiry": datetime.date(2026, 7, 15), "chorus_password_reminder_days": 0}
        )
        self.assertFalse(
            self.company._chorus_remind_password_expiry(today=today), "45 days left: nothing yet"
        )
        self.assertTrue(self.company._chorus_remind_password_expiry(today=datetime.date(2026, 6, 15)))
        after_first = self._todo_count()
        self.assertTrue(after_first, "administrators get a to-do 30 days before")
        self.assertFalse(self.company._chorus_remind_password_expiry(today=datetime.date(2026, 6, 20)))
        self.assertTrue(self.company._chorus_remind_password_expiry(today=datetime.date(2026, 7, 9)))
        self.assertGreater(self._todo_count(), after_first, "and another one 7 days before")
        self.assertFalse(self.company._chorus_remind_password_expiry(today=datetime.date(2026, 7, 10)))

    def test_new_expiry_date_rearms_the_reminders(self):
        self.company.write(
            {"chorus_password_expiry": datetime.date(2026, 7, 15), "chorus_password_reminder_days": 7}
        )
        self.assertFalse(self.company._chorus_remind_password_expiry(today=datetime.date(2026, 7, 10)))
        self.company.chorus_password_expiry = datetime.date(2027, 9, 1)
        self.assertEqual(self.company.chorus_password_reminder_days, 0)
