# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{  # noqa: B018
    "name": "Chorus Pro Connect - Sales",
    "summary": "Chorus Pro service code, engagement and market numbers from the quotation to the invoice, "
    "entered by the public buyer in the portal",
    "version": "19.0.1.0.0",
    "category": "Accounting/Localizations/EDI",
    "author": "l10n_fr_chorus_connect developers",
    "website": "https://github.com/l10n-fr-chorus-connect/l10n_fr_chorus_connect",
    "license": "AGPL-3",
    "countries": ["fr"],
    "depends": ["sale", "l10n_fr_chorus_connect"],
    "external_dependencies": {"python": ["python-stdnum"]},
    "data": [
        "views/sale_order_views.xml",
        "views/account_move_chorus_data_views.xml",
        "views/res_config_settings_views.xml",
        "views/portal_templates.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "l10n_fr_chorus_connect_sale/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
    "application": False,
}
