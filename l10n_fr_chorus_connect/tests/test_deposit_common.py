# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Base of the deposit and tracking tests: valid invoices to a public customer, sandbox helpers.

Deposits render the real invoice PDF: the test environment asks for it (``force_report_rendering``)
and every registry test mode lets wkhtmltopdf call back the test server.
"""

from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command

from .common import SIRET_COMMUNE, ChorusSandboxCase

DEPOSIT_ROUTE = "factures/v1/deposer/flux"
SEARCH_ROUTE = "factures/v1/rechercher/fournisseur"
HISTORY_ROUTE = "factures/v1/consulter/historique"
REPORT_ROUTE = "transverses/v1/consulterCRDetaille"


class ChorusDepositCase(ChorusSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.chorus_unknown_outcome_grace = 30
        if not cls.company.vat:
            cls.company.vat = "FR44732829320"
        if not cls.company.partner_id.bank_ids:
            cls.env["res.partner.bank"].create(
                {
                    "acc_number": "FR7630006000011234567890189",
                    "partner_id": cls.company.partner_id.id,
                    "allow_out_payment": True,
                }
            )
        cls.public_partner.write({"street": "1 place de la Mairie", "zip": "75001", "city": "Paris"})
        cls.public_partner._chorus_fetch_directory()
        cls.env.user.group_ids = [Command.link(cls.env.ref("l10n_fr_chorus_connect.group_chorus_manager").id)]
        cls.env = cls.env(context=dict(cls.env.context, force_report_rendering=True))

    def setUp(self):
        super().setUp()
        # Invoice numbers start again in every test (rollback): so does the sandbox.
        self.sandbox_control.reset()
        self.sandbox_control.configure(flow_delay=0, step_delay=0)

    # ------------------------------------------------------------------
    def create_public_invoice(self, amount=1000.0, move_type="out_invoice", post=True, partner=None):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or self.public_invoice_address).id,
                "invoice_date": "2026-11-20",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.set(self.company_data["default_tax_sale"].ids)],
                        }
                    )
                ],
            }
        )
        if move_type == "out_invoice" and not move.chorus_payment_means:
            move.chorus_payment_means = "30"
        if post:
            move.action_post()
        return move

    def hand_rendered_pdf_to_deposits(self, move):
        """Render ``move``'s PDF now, for real, and have the deposits of this test use it.

        wkhtmltopdf cannot render inside a request of an HttpCase (a browser tour): it calls back
        the test server, whose test cursor the request holds."""
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", move.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        facturx = type(self.env["chorus.facturx"])
        self.startPatcher(patch.object(facturx, "_render_invoice_pdf", lambda _self, _move: pdf))

    def wallet(self):
        wallet = self.company._chorus_wallet()
        wallet.invalidate_recordset()
        return wallet

    def deposit(self, moves):
        """Deposit as the button does, on cursors of their own (test mode: savepoints)."""
        with self.enter_registry_test_mode():
            results = [self.env["chorus.flow"]._deposit_move(move.id) for move in moves]
        self.env.invalidate_all()
        return results

    @contextmanager
    def enter_registry_test_mode(self):
        with super().enter_registry_test_mode(), self.allow_pdf_render():
            yield

    def run_deposit_queue(self):
        """The deposit queue's cron job, on a cursor of its own (a cron job does not get the test's context,
        which asks for real PDFs)."""
        with self.enter_registry_test_mode(), self.env.registry.cursor() as cr:
            self.env(cr=cr)["account.move"]._cron_chorus_deposit_queue()
        self.env.invalidate_all()

    def run_cron(self, xmlid):
        with self.enter_registry_test_mode():
            self.env.ref(xmlid).method_direct_trigger()
        self.env.invalidate_all()

    def close_service_after_last_sync(self, code):
        """Chorus Pro closed ``code`` after the weekly directory sync: Odoo still believes it active,
        so the pre-flight lets the invoice go and Chorus Pro rejects it at integration."""
        self.env["chorus.service"].sudo().search([("code", "=", code)]).is_active = True

    def poll_flows(self):
        self.env["chorus.flow"].search([]).write({"next_poll_at": "2000-01-01 00:00:00"})
        self.run_cron("l10n_fr_chorus_connect.ir_cron_chorus_poll_flows")

    def track_lifecycles(self):
        self.run_cron("l10n_fr_chorus_connect.ir_cron_chorus_track_lifecycles")

    def calls(self, route):
        return self.sandbox_control.stats().get(route, 0)

    def accepted_in_chorus(self, move):
        """How many invoices with this number Chorus Pro integrated."""
        return len(
            [
                item
                for item in self.chorus_client().search_issued_invoices(invoice_number=move.name)
                if item.number == move.name
            ]
        )

    def buyer_siret(self):
        return SIRET_COMMUNE


class ChorusFrenchChatterCase(ChorusDepositCase):
    """French loaded, and the chatter messages the code writes are part of what is tested."""

    @classmethod
    def default_env_context(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()
