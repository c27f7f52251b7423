# Run by tests/vendor_harness.sh inside `odoo shell` on the vendor test database (``env`` given).
import os

base_url = os.environ["VENDOR_BASE_URL"]
params = env["ir.config_parameter"].sudo()  # noqa: F821 - odoo shell
params.set_param("web.base.url", base_url)
params.set_param("web.base.url.freeze", "True")
# Every customer test calls from 127.0.0.1: the per-IP limit would throttle the whole suite.
params.set_param("chorus_token_vendor.rate_limit_ip", "100000")
params.set_param("chorus_token_vendor.rate_limit_registration", "100000")
params.set_param("chorus_token_vendor.rate_limit_customer", "100000")
demo = env.ref("payment.payment_provider_demo")  # noqa: F821
demo.write({"state": "test", "is_published": True})
env.cr.commit()  # noqa: F821
print("vendor database configured")
