# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{  # noqa: B018
    "name": "Chorus Pro Connect - Token Vendor",
    "summary": "The publisher's side of the Chorus Pro deposit tokens: packs, paid orders, "
    "signed vouchers, refunds (vendor API v2)",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "author": "l10n_fr_chorus_connect developers",
    "website": "https://github.com/l10n-fr-chorus-connect/l10n_fr_chorus_connect",
    "license": "AGPL-3",
    "countries": ["fr"],
    "depends": ["sale", "account_payment", "l10n_fr_chorus_connect"],
    "external_dependencies": {"python": ["cryptography"]},
    "data": [
        "security/ir.model.access.csv",
        "data/chorus_token_vendor_data.xml",
        "views/chorus_vendor_customer_views.xml",
        "views/chorus_vendor_voucher_views.xml",
        "views/chorus_vendor_api_log_views.xml",
        "views/sale_order_views.xml",
        "views/chorus_vendor_menus.xml",
    ],
    "installable": True,
    "application": False,
}
