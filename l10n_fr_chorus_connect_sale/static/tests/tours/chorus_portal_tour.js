import { registry } from "@web/core/registry";
import { redirect } from "@web/core/utils/urls";

// Data from the Python test: a portal buyer of CENTRE HOSPITALIER EXEMPLE (service or engagement
// required; its service SERV-PHARMA needs an engagement) and one quotation sent to it.
const ACCOUNT = "#chorus_pro.o_chorus_portal_account";
const ORDER = "#chorus_pro.o_chorus_portal_order";

registry.category("web_tour.tours").add("l10n_fr_chorus_connect_sale_portal_tour", {
    url: "/my/account",
    steps: () => [
        {
            content: "My account has a Chorus Pro block: record the billing SIRET",
            trigger: `${ACCOUNT} input[name='siret']`,
            run: "edit 26750045200201",
        },
        {
            content: "and choose the service among the buyer's active services",
            trigger: `${ACCOUNT} select[name='service_code']`,
            run: "select SERV-PHARMA",
        },
        {
            trigger: `${ACCOUNT} .o_chorus_account_save`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The references are saved",
            trigger: `${ACCOUNT} .o_chorus_saved`,
        },
        {
            trigger: `${ACCOUNT} select[name='service_code']:has(option[value='SERV-PHARMA']:selected)`,
            run: () => redirect("/my/quotes"),
            expectUnloadPage: true,
        },
        {
            content: "Open the quotation",
            trigger: "a[href*='/my/orders/']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: "body[is-ready=true]",
        },
        {
            content: "Try to sign without an engagement number",
            trigger: ".o_portal_sale_sidebar a[data-bs-target='#modalaccept']",
            run: "click",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "Signing is refused: the service needs an engagement number",
            trigger: ".modal .o_portal_sign_error_msg:contains('SERV-PHARMA requires an engagement number')",
        },
        {
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            content: "Enter the engagement number",
            trigger: `${ORDER} input[name='engagement']`,
            run: "edit 1300012345",
        },
        {
            content: "and the market number",
            trigger: `${ORDER} input[name='market_number']`,
            run: "edit M-2026-7",
        },
        {
            trigger: `${ORDER} .o_chorus_order_save`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: `${ORDER} .o_chorus_saved`,
        },
        {
            trigger: "body[is-ready=true]",
        },
        {
            content: "Sign again",
            trigger: ".o_portal_sale_sidebar a[data-bs-target='#modalaccept']",
            run: "click",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The order is signed and confirmed",
            trigger: "#quote_content:contains('Your order has been confirmed.')",
        },
    ],
});
