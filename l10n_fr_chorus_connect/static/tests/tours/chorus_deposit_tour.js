import { registry } from "@web/core/registry";

const PANEL = ".o_form_view div[name='chorus_panel']";

registry.category("web_tour.tours").add("l10n_fr_chorus_connect_deposit_tour", {
    steps: () => [
        {
            content: "The Chorus Pro panel of a posted invoice to a public customer offers the deposit",
            trigger: `${PANEL} button[name='action_chorus_deposit']`,
            run: "click",
        },
        {
            content: "Once deposited, the panel shows the flow number given by Chorus Pro",
            trigger: `${PANEL} .o_field_widget[name='chorus_flow_id']:contains('CPP001')`,
        },
        {
            content: "The deposit button is gone",
            trigger: `${PANEL}:not(:has(button[name='action_chorus_deposit']))`,
        },
        {
            content: "Refresh from Chorus Pro",
            trigger: `${PANEL} button[name='action_chorus_refresh']`,
            run: "click",
        },
        {
            content: "The status badge shows the invoice status in Chorus Pro",
            trigger: `${PANEL} .o_chorus_status:contains('Paid out')`,
        },
        {
            content: "and the history lists it",
            trigger: `${PANEL} .o_field_widget[name='chorus_status_ids'] td:contains('Deposited')`,
        },
    ],
});
