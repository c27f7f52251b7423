# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every public method of the addon, called over JSON-RPC by someone who must not use it.

Two outsiders: an accountant and Chorus administrator of another company, and an employee of
the same company without the Chorus Pro group. Each call is refused, and nothing changed:
no flow, no ledger entry, no message, no call to Chorus Pro, the invoices untouched.
"""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .test_deposit_common import ChorusDepositCase

REFUSALS = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.MissingError")

# (model, method, records): records name a fixture of company A (see setUp). A wizard row
# ("create", values) is created over RPC by the caller first, as the UI would (a value naming a
# fixture stands for its id, or ids for a field ending in _ids).
CALLS = [
    ("account.move", "action_chorus_deposit", "move"),
    ("account.move", "action_chorus_deposit_batch", "moves"),
    ("account.move", "action_chorus_refresh", "deposited_move"),
    ("account.move", "action_chorus_buy_tokens", "move"),
    ("account.move", "action_chorus_check_facturx", "move"),
    ("account.move", "action_chorus_claim_late_interest", "move"),
    ("chorus.flow", "action_refresh", "flow"),
    ("chorus.flow", "action_open_moves", "flow"),
    ("chorus.structure", "action_sync_from_chorus", "structure"),
    ("chorus.structure", "action_view_services", "structure"),
    ("res.partner", "action_chorus_fetch_directory", "partner"),
    ("res.config.settings", "action_chorus_load_supplier_structures", "settings"),
    ("res.config.settings", "action_chorus_test_connection", "settings"),
    ("res.config.settings", "action_chorus_token_ledger", "settings"),
    ("res.config.settings", "action_chorus_token_orders", "settings"),
    ("res.config.settings", "action_chorus_token_refresh", "settings"),
    ("chorus.token.order", "action_pay", "order"),
    ("chorus.token.order", "action_check_payment", "order"),
    ("chorus.token.wallet", "action_open_ledger", "wallet"),
    ("chorus.token.correction", "action_apply", ("create", {"quantity": 1000, "reason": "gift"})),
    ("chorus.token.voucher", "action_redeem", ("create", {"voucher": "{}"})),
    ("account.move.send.wizard", "action_send_and_print", ("create", {"move_id": "move"})),
    ("account.move.send.batch.wizard", "action_send_and_print", ("create", {"move_ids": "moves"})),
    ("account.move", "action_chorus_open_complete", "deposited_move"),
    ("account.move", "action_chorus_open_recycle", "deposited_move"),
    ("account.move", "action_chorus_prepare_reissue", "deposited_move"),
    ("chorus.complete.wizard", "action_confirm", ("create", {"move_id": "deposited_move", "comment": "Bon"})),
    (
        "chorus.recycle.wizard",
        "action_confirm",
        ("create", {"move_id": "deposited_move", "engagement": "EJ"}),
    ),
]
# Not bound to a record of company A: refused to the employee only (the other company's
# administrator legitimately buys tokens for their own company).
CALLS_WITHOUT_GROUP = [
    *CALLS,
    ("chorus.token.pack", "action_buy", "pack"),
    ("res.config.settings", "action_chorus_token_voucher", "settings"),
    ("res.config.settings", "action_chorus_token_correction", "settings"),
    ("res.config.settings", "action_chorus_token_packs", "settings"),
]


@tagged("post_install", "-at_install")
class TestAccessOverRpc(ChorusDepositCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create(
            {"name": "Autre société", "country_id": cls.env.ref("base.fr").id}
        )
        cls.outsider = new_test_user(
            cls.env,
            login="chorus_other_company",
            groups="account.group_account_manager,l10n_fr_chorus_connect.group_chorus_manager,base.group_system",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.employee = new_test_user(
            cls.env,
            login="chorus_employee",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def setUp(self):
        super().setUp()
        self.public_invoice_address.company_id = self.company
        move = self.create_public_invoice()
        deposited_move = self.create_public_invoice(amount=200.0)
        flow = (
            self.env["chorus.flow"]
            .sudo()
            .create(
                {
                    "company_id": self.company.id,
                    "name": "CPP0010000000001",
                    "state": "deposited",
                    "token_held": 0,
                    "move_ids": [Command.set(deposited_move.ids)],
                }
            )
        )
        deposited_move.sudo().chorus_flow_id = flow
        self.fixtures = {
            "move": move,
            "moves": move | self.create_public_invoice(amount=300.0),
            "deposited_move": deposited_move,
            "flow": flow,
            "structure": self.public_partner.chorus_structure_id,
            "partner": self.public_invoice_address,
            "settings": self.env["res.config.settings"].create({}),
            "order": self.env["chorus.token.order"]
            .sudo()
            .create(
                {
                    "company_id": self.company.id,
                    "name": "ORDER-A",
                    "state": "pending",
                    "tokens": 100,
                    "payment_url": "https://vendor.example/pay",
                }
            ),
            "wallet": self.wallet(),
            "pack": self.env["chorus.token.pack"].search([], limit=1),
        }
        self.assertTrue(self.fixtures["structure"])

    def snapshot(self):
        env = self.env(su=True)
        env.invalidate_all()
        moves = self.fixtures["moves"] | self.fixtures["deposited_move"]
        wallet = self.wallet()
        return {
            "flows": env["chorus.flow"].search_read([], ["state", "name"], order="id"),
            "ledger": env["chorus.token.ledger"].search_count([]),
            "messages": env["mail.message"].search_count([]),
            "moves": moves.sudo().read(["chorus_flow_id", "chorus_deposit_queued", "chorus_status"]),
            "wallet": (wallet.balance, wallet.held),
            "structure": self.fixtures["structure"].sudo().read(["last_sync"]),
            "orders": env["chorus.token.order"].search_read([], ["state"], order="id"),
            "chorus_calls": sum(self.sandbox_control.stats().values()),
        }

    def call(self, model, method, records):
        if isinstance(records, tuple):
            values = {
                name: self.fixtures[value].ids if name.endswith("_ids") else self.fixtures[value].id
                for name, value in records[1].items()
                if value in self.fixtures
            }
            values = {**records[1], **values}
            if "company_id" in self.env[model]._fields and not self.env[model]._fields["company_id"].related:
                values["company_id"] = self.company.id
            ids = [self.rpc(model, "create", [values])]
        else:
            ids = self.fixtures[records].ids
        return self.rpc(model, method, [ids])

    def rpc(self, model, method, args):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": {}},
        )

    def assert_all_refused(self, login, calls):
        self.authenticate(login, login)
        before = self.snapshot()
        for model, method, records in calls:
            with self.subTest(user=login, model=model, method=method):
                with self.assertRaises(JsonRpcException) as caught:
                    self.call(model, method, records)
                self.assertIn(caught.exception.args[0], REFUSALS)
                self.assertEqual(self.snapshot(), before)

    def test_user_of_another_company_is_refused_everything(self):
        self.assert_all_refused(self.outsider.login, CALLS)

    def test_user_without_the_chorus_group_is_refused_everything(self):
        self.assert_all_refused(self.employee.login, CALLS_WITHOUT_GROUP)

    def test_own_company_user_is_not_refused(self):
        """The checks do not refuse wholesale: a Chorus user of company A uses them on A's records."""
        user = new_test_user(
            self.env,
            login="chorus_own_company",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.authenticate(user.login, user.login)
        self.call("res.partner", "action_chorus_fetch_directory", "partner")
        action = self.call("chorus.flow", "action_open_moves", "flow")
        self.assertEqual(action["domain"], [["id", "in", self.fixtures["deposited_move"].ids]])
