from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import KEY_IDS, VendorApiCase


@tagged("post_install", "-at_install", "chorus_token_vendor")
class TestVendorApi(VendorApiCase):
    def test_packs_are_the_products_with_french_vat_on_top(self):
        status, answer, _headers = self.call("GET", "/vendor/v2/packs")
        self.assertEqual(status, 200, answer)
        self.assertEqual((answer["currency"], answer["vat_rate"]), ("EUR", "20.00"))
        self.assertEqual(
            [
                (
                    pack["code"],
                    pack["tokens"],
                    pack["amount_untaxed"],
                    pack["amount_tax"],
                    pack["amount_total"],
                )
                for pack in answer["packs"]
            ],
            [
                ("pack_200", 200, "100.00", "20.00", "120.00"),
                ("pack_500", 500, "235.00", "47.00", "282.00"),
                ("pack_1000", 1000, "450.00", "90.00", "540.00"),
                ("pack_2500", 2500, "1000.00", "200.00", "1200.00"),
            ],
        )
        product = self.env["product.product"].search([("chorus_vendor_pack_code", "=", "pack_200")])
        product.list_price = 110
        self.assertEqual(self.call("GET", "/vendor/v2/packs")[1]["packs"][0]["amount_total"], "132.00")

    def revenue_per_month(self):
        revenue = self.env["ir.actions.act_window"]._for_xml_id(
            "chorus_token_vendor.action_chorus_vendor_revenue"
        )
        groups = self.env["account.move"].formatted_read_group(
            safe_eval(revenue["domain"]), ["invoice_date:month"], ["amount_untaxed_signed:sum"]
        )
        return {group["invoice_date:month"][0]: group["amount_untaxed_signed:sum"] for group in groups}

    def test_register_order_pay_voucher_invoice(self):
        # The served vendor database may already hold this month's sales (a local run after the
        # customer tests): the revenue is compared with what it was.
        revenue_before = self.revenue_per_month()
        customer = self.register(siret="21750001600019")
        self.assertTrue(customer["customer_id"].startswith("CUS-"))
        record = self.env["chorus.vendor.customer"].search([("customer_ref", "=", customer["customer_id"])])
        self.assertNotIn(customer["secret"], record.sudo().secret_hash)
        self.assertEqual(record.partner_id.company_registry, "21750001600019")
        # Trust on first use: the same company cannot register twice until the publisher resets it.
        database_uuid, company_id = customer["company_ref"].split(":")
        again = {"database_uuid": database_uuid, "company_id": int(company_id), "company_name": "Intrus"}
        status, answer, _headers = self.call("POST", "/vendor/v2/customers", again)
        self.assertEqual((status, answer["code"]), (409, "already_registered"))
        record.partner_id.chorus_is_public = True

        ordered = self.order(customer, "pack_500")
        self.assertEqual(
            (ordered["status"], ordered["tokens"], ordered["amount_total"], ordered["currency"]),
            ("pending", 500, "282.00", "EUR"),
        )
        self.assertTrue(ordered["payment_url"].startswith("http"), ordered["payment_url"])
        self.assertIn("access_token=", ordered["payment_url"])
        status, pending, _headers = self.call(
            "GET", f"/vendor/v2/orders/{ordered['order_id']}", None, customer
        )
        self.assertEqual((status, pending["status"], pending["voucher"]), (200, "pending", None))

        paid = self.pay(customer, ordered)
        self.assertEqual(paid["status"], "paid")
        voucher = paid["voucher"]
        self.assert_signed_by(voucher, KEY_IDS[0])
        self.assertEqual(
            {
                key: voucher["payload"][key]
                for key in ("order_id", "company_ref", "pack_code", "tokens", "kind")
            },
            {
                "order_id": ordered["order_id"],
                "company_ref": customer["company_ref"],
                "pack_code": "pack_500",
                "tokens": 500,
                "kind": "purchase",
            },
        )
        self.assertEqual(voucher["payload"]["environment"], "production")
        # Retries (poll again, post-processing again) serve the same voucher, never a second one.
        order = self.env["sale.order"].search([("name", "=", ordered["order_id"])])
        order.transaction_ids._post_process()
        again = self.call("GET", f"/vendor/v2/orders/{ordered['order_id']}", None, customer)[1]
        self.assertEqual(again["voucher"], voucher)
        self.assertEqual(len(order.chorus_vendor_voucher_ids), 1)

        invoice = order.invoice_ids
        self.assertEqual(paid["invoice"], invoice.name)
        self.assertEqual((invoice.state, invoice.amount_untaxed, invoice.amount_tax), ("posted", 235.0, 47.0))
        self.assertEqual(invoice.invoice_line_ids.tax_ids.amount, 20.0)
        self.assertEqual(invoice.payment_state in ("paid", "in_payment"), True, invoice.payment_state)
        self.assertTrue(invoice.is_move_sent)
        self.assertTrue(
            self.env["mail.mail"].search_count([("model", "=", "account.move"), ("res_id", "=", invoice.id)]),
            "the invoice is sent by e-mail (queued)",
        )
        self.assertTrue(invoice.chorus_deposit_queued, "a public buyer's invoice is queued for Chorus Pro")

        status, answer, _headers = self.call(
            "POST", f"/vendor/v2/vouchers/{voucher['payload']['voucher_id']}/redeem", {}, customer
        )
        self.assertEqual((status, answer), (200, {"status": "redeemed"}))
        status, answer, _headers = self.call(
            "POST", f"/vendor/v2/vouchers/{voucher['payload']['voucher_id']}/redeem", {}, customer
        )
        self.assertEqual((status, answer), (200, {"status": "redeemed"}), "redeeming is idempotent")

        revenue = self.revenue_per_month()
        increased = [
            month for month, amount in revenue.items() if amount - revenue_before.get(month, 0) == 235.0
        ]
        self.assertEqual(len(increased), 1, (revenue_before, revenue))
        for xml_id in ("action_chorus_vendor_orders", "action_chorus_vendor_payments"):
            action = self.env["ir.actions.act_window"]._for_xml_id(f"chorus_token_vendor.{xml_id}")
            self.assertTrue(self.env[action["res_model"]].search_count(safe_eval(action["domain"])), xml_id)

        logged = self.env["chorus.vendor.api.log"].search([("customer_id", "=", record.id)])
        self.assertIn("/vendor/v2/orders", logged.mapped("endpoint"))
        self.assertTrue(all(log.ip and log.status for log in logged))

    def test_a_customer_sees_only_its_own_orders_and_vouchers(self):
        alice, bob = self.register("Alice"), self.register("Bob")
        ordered = self.order(alice)
        status, answer, _headers = self.call("GET", f"/vendor/v2/orders/{ordered['order_id']}", None, bob)
        self.assertEqual((status, answer["code"]), (404, "unknown_order"))
        paid = self.pay(alice, ordered)
        voucher_id = paid["voucher"]["payload"]["voucher_id"]
        status, answer, _headers = self.call("POST", f"/vendor/v2/vouchers/{voucher_id}/redeem", {}, bob)
        self.assertEqual(status, 404, answer)
        status, answer, _headers = self.call(
            "GET", "/vendor/v2/corrections", None, {**alice, "secret": "wrong"}
        )
        self.assertEqual((status, answer["code"]), (401, "bad_secret"))
        status, answer, _headers = self.call(
            "GET", "/vendor/v2/corrections", None, {**alice, "customer_id": "CUS-0"}
        )
        self.assertEqual((status, answer["code"]), (401, "unknown_customer"))
        status, answer, _headers = self.call("POST", "/vendor/v2/orders", self.order_body("pack_3"), alice)
        self.assertEqual((status, answer["code"]), (404, "unknown_pack"))

    def test_no_payment_provider_means_payment_unavailable_and_nothing_created(self):
        customer = self.register()
        self.demo.state = "disabled"
        orders = self.env["sale.order"].search_count([])
        status, answer, _headers = self.call("POST", "/vendor/v2/orders", self.order_body(), customer)
        self.assertEqual((status, answer["code"]), (503, "payment_unavailable"))
        self.assertEqual(self.env["sale.order"].search_count([]), orders)

    def test_rate_limit_per_customer_answers_429_with_retry_after(self):
        customer = self.register()
        self.env["ir.config_parameter"].set_param("chorus_token_vendor.rate_limit_customer", "3")
        statuses = [self.call("GET", "/vendor/v2/corrections", None, customer)[0] for _call in range(3)]
        self.assertEqual(statuses, [200, 200, 200])
        status, answer, headers = self.call("GET", "/vendor/v2/corrections", None, customer)
        self.assertEqual((status, answer["code"]), (429, "rate_limited"))
        self.assertGreaterEqual(int(headers["Retry-After"]), 1)
        self.env["ir.config_parameter"].set_param("chorus_token_vendor.rate_limit_ip", "2")
        status, answer, headers = self.call("GET", "/vendor/v2/packs")
        self.assertEqual((status, answer["code"]), (429, "rate_limited"), "the IP already made more calls")
        self.assertTrue(self.env["chorus.vendor.api.log"].search_count([("status", "=", 429)]))

    def test_key_rotation_new_vouchers_use_the_new_key(self):
        customer = self.register()
        before = self.pay(customer, self.order(customer))["voucher"]
        self.env["ir.config_parameter"].set_param("chorus_token_vendor.key_id", KEY_IDS[1])
        after = self.pay(customer, self.order(customer))["voucher"]
        self.assert_signed_by(after, KEY_IDS[1])
        self.assert_signed_by(before, KEY_IDS[0])
        self.env["ir.config_parameter"].set_param("chorus_token_vendor.key_id", "no-such-key")
        status, answer, _headers = self.call("POST", "/vendor/v2/orders", self.order_body(), customer)
        self.assertEqual((status, answer["code"]), (503, "payment_unavailable"))

    def test_bad_registration_names_the_field(self):
        body = {"database_uuid": "db-bad", "company_id": 1, "company_name": "Mairie", "siret": "123"}
        status, answer, _headers = self.call("POST", "/vendor/v2/customers", body)
        self.assertEqual((status, answer["code"]), (400, "bad_request"))
        self.assertIn("siret", answer["error"])
        status, answer, _headers = self.call(
            "POST", "/vendor/v2/customers", {**body, "siret": "", "company_id": "1"}
        )
        self.assertIn("company_id", answer["error"])
        status, answer, _headers = self.call(
            "POST", "/vendor/v2/customers", {**body, "siret": "", "vat": "FR123"}
        )
        self.assertEqual((status, answer["code"]), (400, "bad_request"), "base_vat refuses the number")
        self.assertIn("VAT number", answer["error"])
        self.assertFalse(
            self.env["chorus.vendor.customer"].search_count([("company_ref", "like", "db-bad:")])
        )

    def test_undocumented_keys_are_refused_and_nothing_is_created(self):
        """A body key outside contract v2 (a price, a token count, a secret) is refused, not ignored."""
        customer = self.register()
        orders = self.env["sale.order"].search_count([])
        status, answer, _headers = self.call(
            "POST",
            "/vendor/v2/orders",
            {**self.order_body(), "tokens": 100000, "amount_total": "0.01"},
            customer,
        )
        self.assertEqual((status, answer["code"]), (400, "bad_request"))
        self.assertIn("undocumented keys: amount_total, tokens", answer["error"])
        self.assertEqual(self.env["sale.order"].search_count([]), orders)
        body = {"database_uuid": "db-extra", "company_id": 1, "company_name": "Mairie", "secret": "mine"}
        status, answer, _headers = self.call("POST", "/vendor/v2/customers", body)
        self.assertEqual((status, answer["code"]), (400, "bad_request"))
        self.assertIn("secret", answer["error"])
        self.assertFalse(
            self.env["chorus.vendor.customer"].search_count([("company_ref", "=", "db-extra:1")])
        )

    def test_a_french_customer_gets_its_invoices_and_payment_page_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        customer = self.register("Mairie de Languedoc")
        partner = (
            self.env["chorus.vendor.customer"]
            .search([("customer_ref", "=", customer["customer_id"])])
            .partner_id
        )
        self.assertEqual(partner.lang, "fr_FR")
        customer = self.register("Gemeinde", country_code="DE")
        partner = (
            self.env["chorus.vendor.customer"]
            .search([("customer_ref", "=", customer["customer_id"])])
            .partner_id
        )
        self.assertNotEqual(partner.lang, "fr_FR")

    def test_revenue_per_month_measures_money_not_a_count(self):
        action = self.env.ref("chorus_token_vendor.action_chorus_vendor_revenue")
        context = safe_eval(action.context)
        self.assertEqual(context["graph_measure"], "amount_untaxed_signed")
        self.assertEqual(context["graph_groupbys"], ["invoice_date:month"])

    def test_old_api_calls_are_vacuumed(self):
        logs = self.env["chorus.vendor.api.log"]
        old = logs.create(
            {"called_at": "2020-01-01 00:00:00", "ip": "192.0.2.1", "endpoint": "/x", "status": 200}
        )
        recent = logs.create({"ip": "192.0.2.1", "endpoint": "/x", "status": 200})
        logs._gc_old_calls()
        self.assertEqual((old.exists(), recent.exists()), (logs, recent))

    def test_reset_registration_lets_the_company_register_again(self):
        first = self.register(vat="FR72217500016")
        database_uuid, company_id = first["company_ref"].split(":")
        body = {"database_uuid": database_uuid, "company_id": int(company_id), "company_name": "Mairie"}
        customers = self.env["chorus.vendor.customer"]
        customers.search([("customer_ref", "=", first["customer_id"])]).action_reset_registration()
        status, second, _headers = self.call("POST", "/vendor/v2/customers", body)
        self.assertEqual(status, 201, second)
        self.assertNotEqual(second["customer_id"], first["customer_id"])
        old, new = customers.with_context(active_test=False).search(
            [("company_ref", "=", first["company_ref"])], order="id"
        )
        self.assertEqual(old.partner_id, new.partner_id, "the company keeps its contact")
        status, answer, _headers = self.call("GET", "/vendor/v2/corrections", None, first)
        self.assertEqual((status, answer["code"]), (401, "unknown_customer"), "the old secret stops working")

    def test_same_request_id_is_the_same_order(self):
        """A customer that lost the answer (timeout) posts the same request_id again: same order."""
        customer = self.register()
        orders = self.env["sale.order"].search_count([])
        first = self.order(customer, request_id="retry-" + "1" * 20)
        again = self.order(customer, request_id="retry-" + "1" * 20)
        self.assertEqual(again, first)
        self.assertEqual(self.env["sale.order"].search_count([]), orders + 1)
        status, answer, _headers = self.call(
            "POST", "/vendor/v2/orders", self.order_body("pack_500", "retry-" + "1" * 20), customer
        )
        self.assertEqual((status, answer["code"]), (409, "request_id_reused"))
        other = self.order(self.register(name="Mairie de Autreville"), request_id="retry-" + "1" * 20)
        self.assertNotEqual(other["order_id"], first["order_id"], "a key belongs to its customer")
        for request_id in (None, "", "short", 12345678901234567):
            body = {**self.order_body(), "request_id": request_id}
            status, answer, _headers = self.call("POST", "/vendor/v2/orders", body, customer)
            self.assertEqual((status, answer["code"]), (400, "bad_request"), request_id)
        self.assertEqual(self.env["sale.order"].search_count([]), orders + 2)
