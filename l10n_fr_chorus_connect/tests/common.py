# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Base class of the Odoo tests: a French company talking to a real sandbox over HTTP.

Each test class gets its own sandbox (SQLite in memory, no delays) served by a
thread on 127.0.0.1, the only address Odoo tests may reach.
"""

import requests

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..chorus import client as chorus_client
from ..chorus import en16931
from ..chorus.sandbox import SandboxConfig, SandboxServer, seed

# The fixed seed identities of the team contract, as the sandbox serves them.
SUPPLIER_SIRET = seed.SUPPLIER_SIRET
SUPPLIER_NAME = seed.SUPPLIER_NAME
CLIENT_ID = seed.PISTE_CLIENT_ID
CLIENT_SECRET = seed.PISTE_CLIENT_SECRET
TECHNICAL_LOGIN = seed.TECHNICAL_LOGIN
TECHNICAL_PASSWORD = seed.TECHNICAL_PASSWORD

SIRET_MINISTRY = seed.BUYER_MINISTRY_SIRET  # service_and_engagement, 30 services
SIRET_COMMUNE = seed.BUYER_COMMUNE_SIRET  # service: SERV-COMPTA, SERV-ANCIEN (inactive)
SIRET_PUBLIC_BODY = seed.BUYER_PUBLIC_BODY_SIRET  # engagement
SIRET_HOSPITAL = seed.BUYER_HOSPITAL_SIRET  # service_or_engagement, SERV-PHARMA needs an engagement
SIRET_HIGH_SCHOOL = seed.BUYER_SCHOOL_SIRET  # none, payment status not reported
SIRET_COMMUNITY = seed.BUYER_PLAIN_SIRET  # none
SIRET_INACTIVE = seed.BUYER_INACTIVE_SIRET  # structure INACTIVE

BUYERS = {structure.siret: structure.name for structure in seed.STRUCTURES if structure.public}


class ChorusSandboxCase(AccountTestInvoicingCommon):
    """A French company in sandbox mode, connected to its own sandbox server.

    Class attributes:

    * ``sandbox``: the running ``SandboxServer`` (``sandbox.url``);
    * ``sandbox_control``: its ``SandboxControl`` (faults, clock, scenarios, status);
    * ``company``: the main test company, sandbox mode, SIRET ``SUPPLIER_SIRET``,
      seed credentials, supplier structure loaded from the sandbox;
    * ``public_partner``: COMMUNE D'EXEMPLEVILLE (public, SIRET 21750001600019);
    * ``public_invoice_address``: its invoice address with service SERV-COMPTA;
    * ``buyers``: dict SIRET -> public commercial partner, for every seeded buyer
      (``public_partner`` included).

    Helpers: ``_sandbox_call(path, payload)`` posts to the control API;
    ``inject_fault(route, fault, times=1, **extra)`` injects a fault and clears
    every fault at the end of the current test; ``chorus_client()`` is the
    company's client.
    """

    @classmethod
    def load_french(cls, modules=("l10n_fr_chorus_connect",)):
        """French active and these modules' French translations loaded: what the user reads is asserted."""
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(list(modules), ["fr_FR"], overwrite=True)

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        # Deposits start the EN 16931 checker, a child process: stop it before Odoo's class
        # cleanup finds (and kills, with a warning) children left behind.
        cls.addClassCleanup(en16931.close_shared)
        cls.sandbox = cls.enterClassContext(
            SandboxServer(SandboxConfig(db_path=":memory:", flow_delay=0, step_delay=0))
        )
        cls.sandbox_control = cls.sandbox.control
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "company_registry": SUPPLIER_SIRET,
                "chorus_environment": "sandbox",
                "chorus_sandbox_url": cls.sandbox.url,
                "chorus_piste_client_id": CLIENT_ID,
                "chorus_piste_client_secret": CLIENT_SECRET,
                "chorus_login": TECHNICAL_LOGIN,
                "chorus_password": TECHNICAL_PASSWORD,
            }
        )
        cls.company._chorus_load_supplier_structures()

        cls.buyers = {
            siret: cls.env["res.partner"].create(
                {
                    "name": name,
                    "is_company": True,
                    "country_id": cls.env.ref("base.fr").id,
                    "company_registry": siret,
                    "chorus_is_public": True,
                }
            )
            for siret, name in BUYERS.items()
        }
        cls.public_partner = cls.buyers[SIRET_COMMUNE]
        cls.public_invoice_address = cls.env["res.partner"].create(
            {
                "name": "Service comptabilité",
                "type": "invoice",
                "parent_id": cls.public_partner.id,
                "chorus_service_code": "SERV-COMPTA",
            }
        )

    def setUp(self):
        super().setUp()
        # PISTE tokens are shared by the process; the sandbox clock jumps hours between tests, which
        # expires them on the server side only: each test starts without one so call counts are exact.
        chorus_client._TOKENS.clear()

    @classmethod
    def _sandbox_call(cls, path, payload=None):
        """POST ``payload`` to the sandbox control API (``path`` like ``/_sandbox/faults``)."""
        response = requests.post(f"{cls.sandbox.url}{path}", json=payload or {}, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else {}

    def inject_fault(self, route, fault, times=1, **extra):
        """Make the sandbox fail ``times`` calls of ``route``; faults are cleared after the test."""
        self._sandbox_call("/_sandbox/faults", {"route": route, "fault": fault, "times": times, **extra})
        self.addCleanup(self._sandbox_call, "/_sandbox/faults/clear")

    def chorus_client(self):
        return self.company._chorus_client()
