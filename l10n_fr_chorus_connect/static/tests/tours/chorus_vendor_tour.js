import { registry } from "@web/core/registry";

// Buying tokens from the publisher's vendor (tests/test_vendor_two_databases.py). The vendor's
// payment page is another origin, which a tour cannot follow: the test drives it with the
// browser between these two tours. Both start in the Invoicing settings.
registry.category("web_tour.tours").add("l10n_fr_chorus_connect_vendor_buy_tour", {
    steps: () => [
        {
            content: "Settings › Chorus Pro tokens › see the packs",
            trigger: "button[name='action_chorus_token_packs']",
            run: "click",
        },
        {
            content: "The vendor's prices, tax included",
            trigger: ".o_list_view .o_data_row:first td[name='price_total']:contains('120')",
        },
        {
            content: "Buy the first pack",
            trigger: ".o_list_view .o_data_row:first button[name='action_buy']",
            run: "click",
        },
        {
            content: "The order links to the vendor's payment page",
            trigger: ".o_form_view .o_chorus_order_pay a[href*='/my/orders/']",
        },
    ],
});

registry.category("web_tour.tours").add("l10n_fr_chorus_connect_vendor_check_tour", {
    steps: () => [
        {
            content: "Back in Settings: check the payments",
            trigger: "button[name='action_chorus_token_refresh']",
            run: "click",
        },
        {
            content: "The tokens are credited",
            trigger: ".o_notification:contains('200')",
        },
    ],
});
