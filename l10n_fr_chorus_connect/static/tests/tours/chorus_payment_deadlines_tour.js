import { registry } from "@web/core/registry";

// The accountant's Monday: public invoices by status, overdue first; the late one's panel; the claim.
// "chorus-shot:" console lines ask the test for a screenshot (only when it runs with CHORUS_TOUR_SHOTS).
const PANEL = ".o_form_view div[name='chorus_panel']";

registry.category("web_tour.tours").add("l10n_fr_chorus_connect_payment_deadlines_tour", {
    steps: () => [
        {
            content: "Public invoices grouped by Chorus Pro status, with their amounts",
            trigger: ".o_list_view .o_group_header:contains('Paid out')",
            run: "click",
        },
        {
            content: "Overdue invoices first; each row says when it must be paid",
            trigger: ".o_list_view .o_group_header:contains('Made available')",
            run: "click",
        },
        {
            content: "The overdue invoice is in red",
            trigger: ".o_list_view .o_data_row.text-danger td[name='chorus_payment_due']",
            run() {
                console.log("chorus-shot:monday_view");
            },
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter: interest to claim",
            trigger: ".o_filter_menu .o_menu_item:contains('Interest to claim')",
            run: "click",
        },
        {
            content: "Close the filters",
            trigger: ".o_searchview_facet:contains('Interest to claim')",
            run() {
                document.querySelector(".o_searchview_dropdown_toggler").click();
            },
        },
        {
            content: "Only the invoices paid late and not claimed yet are left",
            // The group opened at the first step stays open.
            trigger: "body:not(:has(.o_filter_menu)) .o_list_view .o_group_header:contains('Paid out (2)')",
        },
        {
            content: "Open the invoice",
            trigger: ".o_list_view .o_data_row td[name='name']",
            run: "click",
        },
        {
            content: "The panel says when it was to be paid and what the buyer owes",
            trigger: `${PANEL} .o_chorus_payment_deadline .o_chorus_late:contains('days late')`,
            run() {
                document.querySelector(".o_chorus_panel").scrollIntoView();
                console.log("chorus-shot:invoice_panel");
            },
        },
        {
            content: "Claim the interest",
            trigger: `${PANEL} button[name='action_chorus_claim_late_interest']`,
            run: "click",
        },
        {
            content: "A draft invoice of the interest and the indemnity opens",
            trigger: ".o_form_view .o_field_widget[name='invoice_line_ids'] td:contains('Late payment interest')",
        },
        {
            content: "Chorus Pro menu",
            trigger: ".o_main_navbar [data-menu-xmlid='l10n_fr_chorus_connect.menu_chorus_pro']",
            run: "click",
        },
        {
            content: "Days to pay per buyer",
            trigger: ".o-dropdown-item[data-menu-xmlid='l10n_fr_chorus_connect.menu_chorus_pro_payment_delay']",
            run: "click",
        },
        {
            content: "A bar per buyer: median and worst days to pay",
            trigger: ".o_graph_renderer canvas",
            async run() {
                await new Promise((resolve) => setTimeout(resolve, 1500)); // the bars grow in
                console.log("chorus-shot:days_to_pay");
            },
        },
    ],
});
