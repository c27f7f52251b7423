def post_init_hook(env):
    """The packs carry the sale tax of the company's chart (French VAT 20 % with l10n_fr)."""
    packs = env["product.template"].search([("chorus_vendor_pack_code", "!=", False)])
    for company in env["res.company"].search([]):
        tax = company.account_sale_tax_id
        if tax:
            packs.with_company(company).write({"taxes_id": [(4, tax.id)]})
