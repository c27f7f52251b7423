import { registry } from "@web/core/registry";

const PANEL = ".o_form_view div[name='chorus_panel']";
const DIALOG = ".modal-dialog";

registry.category("web_tour.tours").add("l10n_fr_chorus_connect_complete_tour", {
    steps: () => [
        {
            content: "The panel of a suspended invoice shows its status",
            trigger: `${PANEL} .o_chorus_status:contains('Suspended')`,
        },
        {
            content: "and offers to complete it on Chorus Pro from Odoo",
            trigger: `${PANEL} button[name='action_chorus_open_complete']`,
            run: "click",
        },
        {
            content: "The dialog shows the buyer's comment",
            trigger: `${DIALOG} .o_chorus_buyer_comment:contains('bon de livraison')`,
        },
        {
            content: "Answer the buyer",
            trigger: `${DIALOG} div[name='comment'] textarea`,
            run: "edit Le bon de livraison signé est joint.",
        },
        {
            content: "Send to Chorus Pro",
            trigger: `${DIALOG} button[name='action_confirm']`,
            run: "click",
        },
        {
            content: "The status moves on: completed",
            trigger: `${PANEL} .o_chorus_status:contains('Completed')`,
        },
        {
            content: "The complete button is gone",
            trigger: `${PANEL}:not(:has(button[name='action_chorus_open_complete']))`,
        },
        {
            content: "and the history lists the answer",
            trigger: `${PANEL} .o_field_widget[name='chorus_action_ids'] td:contains('Done')`,
        },
    ],
});
