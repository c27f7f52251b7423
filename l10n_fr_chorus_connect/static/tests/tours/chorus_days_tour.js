import { registry } from "@web/core/registry";

// The accountant's and the administrator's days, in French. Selectors name Odoo's elements by
// their field or button names; the vendor's payment is one step, easy to adjust if its route moves.
const PANEL = ".o_form_view div[name='chorus_panel']";

registry.category("web_tour.tours").add("l10n_fr_chorus_connect_accountant_day_tour", {
    steps: () => [
        {
            content: "A ready invoice says so on its panel",
            trigger: `${PANEL} .o_chorus_ready:contains('Prête à être déposée')`,
        },
        {
            content: "Deposit it",
            trigger: `${PANEL} button[name='action_chorus_deposit']:contains('Déposer la facture')`,
            run: "click",
        },
        {
            content: "The panel shows the flow number given by Chorus Pro",
            trigger: `${PANEL} .o_field_widget[name='chorus_flow_id']:contains('CPP')`,
        },
        {
            content: "Refresh from Chorus Pro",
            trigger: `${PANEL} button[name='action_chorus_refresh']`,
            run: "click",
        },
        {
            content: "The buyer suspended the invoice: the badge says it in French",
            trigger: `${PANEL} .o_chorus_status:contains('Suspendue')`,
        },
        {
            content: "The history lists each status",
            trigger: `${PANEL} .o_field_widget[name='chorus_status_ids'] td:contains('Mise à disposition')`,
        },
        {
            content: "The chatter line is in French",
            trigger: ".o-mail-Message:contains('Statut Chorus Pro')",
        },
        {
            content: "The activity asks what to do",
            trigger: ".o-mail-Activity:contains('Chorus Pro : Suspendue') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            content: "Mark it done",
            trigger: ".o-mail-ActivityMarkAsDone button.btn-primary.mx-2",
            run: "click",
        },
        {
            content: "The activity is handled",
            trigger: "body:not(:has(.o-mail-Activity:contains('Chorus Pro : Suspendue')))",
        },
    ],
});

registry.category("web_tour.tours").add("l10n_fr_chorus_connect_admin_day_tour", {
    steps: () => [
        {
            content: "Invoicing > Chorus Pro > Packs de jetons lists the packs",
            trigger: ".o_list_view .o_data_row:first button[name='action_buy']:contains('Acheter')",
            run: "click",
        },
        {
            content: "The order opens in Odoo, with the link to the vendor's payment page",
            trigger: ".o_form_view .o_chorus_order_pay a[href*='/vendor/pay/']",
            async run() {
                // The vendor's payment page: pay as its « Payer » button does.
                const link = document.querySelector(".o_chorus_order_pay a[href*='/vendor/pay/']");
                await fetch(link.href, { method: "POST", mode: "no-cors" });
            },
        },
        {
            content: "Check the payment",
            trigger: ".o_form_view button[name='action_check_payment']:contains('Vérifier le paiement')",
            run: "click",
        },
        {
            content: "The tokens are credited",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Créditée')",
        },
        {
            content: "Open the Chorus Pro menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='l10n_fr_chorus_connect.menu_chorus_pro']",
            run: "click",
        },
        {
            content: "Open the token history",
            trigger: "[data-menu-xmlid='l10n_fr_chorus_connect.menu_chorus_pro_ledger']:contains('Historique des jetons')",
            run: "click",
        },
        {
            content: "The purchase is in the token history",
            trigger: ".o_list_view .o_data_row td[name='kind']:contains('Achat')",
        },
        {
            content: "Open the settings",
            trigger: ".o_main_navbar button[data-menu-xmlid='account.menu_finance_configuration']",
            run: "click",
        },
        {
            content: "Invoicing settings",
            trigger: "[data-menu-xmlid='account.menu_account_config']",
            run: "click",
        },
        {
            content: "Test the connection",
            trigger: "button[name='action_chorus_test_connection']",
            run: "click",
        },
        {
            content: "The connection report is shown",
            trigger: ".o_field_widget[name='chorus_connection_report'] :contains('PISTE')",
        },
    ],
});
