"""The sandbox's fixed world: PISTE application, technical account, directory of structures, engagements.

Everything here is a constant so that Odoo demo data and tests can import the same identities the
sandbox serves. Every SIRET is valid for ``stdnum.fr.siret``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..values import (
    PUBLIC_INVOICES_SERVICE,
    REQUIREMENT_ENGAGEMENT,
    REQUIREMENT_NONE,
    REQUIREMENT_SERVICE,
    REQUIREMENT_SERVICE_AND_ENGAGEMENT,
    REQUIREMENT_SERVICE_OR_ENGAGEMENT,
)

PISTE_CLIENT_ID = "sandbox-client-id"
PISTE_CLIENT_SECRET = "sandbox-client-secret"
TECHNICAL_LOGIN = "TECH_1_SANDBOX@cpro.fr"
TECHNICAL_PASSWORD = "sandbox-password"

SUPPLIER_SIRET = "73282932000074"
SUPPLIER_NAME = "DEMO FOURNISSEUR SAS"
SUPPLIER_STRUCTURE_ID = 26311001
SUPPLIER_BANK_ACCOUNT_ID = 144050
SUPPLIER_BANK_ACCOUNT_NAME = "Compte principal DEMO FOURNISSEUR"
SUPPLIER_IBAN = "FR7630006000011234567890189"

BUYER_MINISTRY_SIRET = "11000201100044"  # service_and_engagement, 30 services
BUYER_COMMUNE_SIRET = "21750001600019"  # service: SERV-COMPTA / SERV-ANCIEN (inactive)
BUYER_PUBLIC_BODY_SIRET = "13000226400005"  # engagement
BUYER_HOSPITAL_SIRET = "26750045200201"  # service_or_engagement; SERV-PHARMA needs an engagement
BUYER_SCHOOL_SIRET = "19751720400032"  # none; MISE_EN_PAIEMENT never reported
BUYER_PLAIN_SIRET = "20005478100014"  # none; normal lifecycle
BUYER_INACTIVE_SIRET = "21690123100011"  # structure INACTIVE

SERVICE_COMMUNE_ACTIVE = "SERV-COMPTA"
SERVICE_COMMUNE_INACTIVE = "SERV-ANCIEN"
SERVICE_HOSPITAL_ENGAGEMENT = "SERV-PHARMA"
SERVICE_HOSPITAL_PLAIN = "SERV-TECH"
SERVICE_MINISTRY_ACTIVE = "MIN-SERV-01"
SERVICE_MINISTRY_INACTIVE = "MIN-ANCIEN-01"

ENGAGEMENT_MINISTRY = "EJ-2026-0001"
ENGAGEMENT_PUBLIC_BODY = "EJ-2026-0002"
ENGAGEMENT_HOSPITAL = "1300012345"
ENGAGEMENT_MINISTRY_CLOSED = "EJ-2023-0042"  # CLOTURE
ENGAGEMENT_MINISTRY_PENDING = "EJ-2026-0007"  # A_TRAITER: usable

_OPEN_FROM, _OPEN_TO, _CLOSED_TO = "2016-10-25 17:42", "2050-12-31 00:00", "2023-12-31 00:00"


@dataclass(frozen=True)
class SeedService:
    service_id: int
    code: str
    name: str
    active: bool = True
    engagement_required: bool = False
    valid_from: str = _OPEN_FROM
    valid_to: str = _OPEN_TO


@dataclass(frozen=True)
class SeedStructure:
    structure_id: int
    siret: str
    name: str
    public: bool = True
    active: bool = True
    requirement: str = REQUIREMENT_NONE
    payment_status_not_reported: bool = False
    services: tuple[SeedService, ...] = ()
    street: str = "1 rue de l'Exemple"
    zip_code: str = "75001"
    city: str = "PARIS"
    vat_number: str = ""
    email: str = ""


# Engagement states: the code OCA filters on (COMMANDE) and the label the search answers
# (libelleEtatCourantEJ). The labels of other states are not published: these are our choice.
ENGAGEMENT_STATES = {"COMMANDE": "Commandé", "CLOTURE": "Clôturé", "A_TRAITER": "A traiter"}


@dataclass(frozen=True)
class SeedEngagement:
    engagement_id: int
    number: str
    buyer_siret: str
    supplier_siret: str = SUPPLIER_SIRET
    state: str = "COMMANDE"
    amount: str = "10000.00"
    service_code: str = ""


@dataclass(frozen=True)
class SeedAccount:
    login: str
    password: str
    structure_siret: str
    bank_accounts: tuple[tuple[int, str, str], ...] = field(default=())


def _public_invoices_service(service_id: int) -> SeedService:
    return SeedService(service_id, PUBLIC_INVOICES_SERVICE, "Service des factures publiques")


def _ministry_services() -> tuple[SeedService, ...]:
    services = [_public_invoices_service(30100000)]
    services += [
        SeedService(30100000 + n, f"MIN-SERV-{n:02d}", f"Direction exemple {n:02d}") for n in range(1, 28)
    ]
    services += [
        SeedService(
            30100100 + n,
            f"MIN-ANCIEN-{n:02d}",
            f"Ancienne direction {n:02d}",
            active=False,
            valid_to=_CLOSED_TO,
        )
        for n in (1, 2)
    ]
    return tuple(services)


SUPPLIER = SeedStructure(
    SUPPLIER_STRUCTURE_ID,
    SUPPLIER_SIRET,
    SUPPLIER_NAME,
    public=False,
    street="12 avenue des Fournisseurs",
    zip_code="69002",
    city="LYON",
    vat_number="FR44732829320",
    email="facturation@demo-fournisseur.example",
)

STRUCTURES: tuple[SeedStructure, ...] = (
    SUPPLIER,
    SeedStructure(
        25783752,
        BUYER_MINISTRY_SIRET,
        "MINISTERE DE L'EXEMPLE",
        requirement=REQUIREMENT_SERVICE_AND_ENGAGEMENT,
        services=_ministry_services(),
        zip_code="75007",
    ),
    SeedStructure(
        25783753,
        BUYER_COMMUNE_SIRET,
        "COMMUNE D'EXEMPLEVILLE",
        requirement=REQUIREMENT_SERVICE,
        services=(
            _public_invoices_service(30200000),
            SeedService(30200001, SERVICE_COMMUNE_ACTIVE, "Service comptabilite"),
            SeedService(
                30200002, SERVICE_COMMUNE_INACTIVE, "Ancien service", active=False, valid_to=_CLOSED_TO
            ),
        ),
        zip_code="75004",
    ),
    SeedStructure(
        25783754,
        BUYER_PUBLIC_BODY_SIRET,
        "ETABLISSEMENT PUBLIC EXEMPLE",
        requirement=REQUIREMENT_ENGAGEMENT,
        services=(_public_invoices_service(30300000),),
    ),
    SeedStructure(
        25783755,
        BUYER_HOSPITAL_SIRET,
        "CENTRE HOSPITALIER EXEMPLE",
        requirement=REQUIREMENT_SERVICE_OR_ENGAGEMENT,
        services=(
            _public_invoices_service(30400000),
            SeedService(30400001, SERVICE_HOSPITAL_ENGAGEMENT, "Pharmacie", engagement_required=True),
            SeedService(30400002, SERVICE_HOSPITAL_PLAIN, "Services techniques"),
        ),
        zip_code="75013",
    ),
    SeedStructure(
        25783756,
        BUYER_SCHOOL_SIRET,
        "LYCEE PUBLIC EXEMPLE",
        payment_status_not_reported=True,
        services=(_public_invoices_service(30500000), SeedService(30500001, "SERV-INTENDANCE", "Intendance")),
        zip_code="75017",
    ),
    SeedStructure(
        25783757,
        BUYER_PLAIN_SIRET,
        "COMMUNAUTE DE COMMUNES EXEMPLE",
        services=(_public_invoices_service(30600000),),
        zip_code="77000",
        city="MELUN",
    ),
    SeedStructure(
        25783758,
        BUYER_INACTIVE_SIRET,
        "ANCIENNE COMMUNE EXEMPLE",
        active=False,
        services=(_public_invoices_service(30700000),),
        zip_code="69001",
        city="LYON",
    ),
)

ENGAGEMENT_RECORDS: tuple[SeedEngagement, ...] = (
    SeedEngagement(41000001, ENGAGEMENT_MINISTRY, BUYER_MINISTRY_SIRET, service_code="MIN-SERV-01"),
    SeedEngagement(41000002, ENGAGEMENT_PUBLIC_BODY, BUYER_PUBLIC_BODY_SIRET),
    SeedEngagement(41000003, ENGAGEMENT_HOSPITAL, BUYER_HOSPITAL_SIRET, service_code="SERV-PHARMA"),
    SeedEngagement(41000004, ENGAGEMENT_MINISTRY_CLOSED, BUYER_MINISTRY_SIRET, state="CLOTURE"),
    SeedEngagement(41000005, ENGAGEMENT_MINISTRY_PENDING, BUYER_MINISTRY_SIRET, state="A_TRAITER"),
)

ACCOUNTS: tuple[SeedAccount, ...] = (
    SeedAccount(
        TECHNICAL_LOGIN,
        TECHNICAL_PASSWORD,
        SUPPLIER_SIRET,
        bank_accounts=((SUPPLIER_BANK_ACCOUNT_ID, SUPPLIER_BANK_ACCOUNT_NAME, SUPPLIER_IBAN),),
    ),
)

PISTE_CLIENTS = {PISTE_CLIENT_ID: PISTE_CLIENT_SECRET}

# Parties of a public market named by the billing frameworks (chorus/frameworks.py): the main
# contractor who validates a subcontractor's or co-contractor's invoice (A9, A12…), and the project
# manager (maîtrise d'œuvre) who validates works drafts (A4, A7, A8…) with one of its services.
# Private structures, kept out of STRUCTURES so the public directory answers stay what they were.
MAIN_CONTRACTOR_SIRET = "44306184100013"
MOE_SIRET = "51234567900017"
SERVICE_MOE = "MOE-SUIVI"
PROJECT_PARTIES: tuple[SeedStructure, ...] = (
    SeedStructure(
        26311002, MAIN_CONTRACTOR_SIRET, "BTP TITULAIRE EXEMPLE SA", public=False, zip_code="69003"
    ),
    SeedStructure(
        26311003,
        MOE_SIRET,
        "ATELIER MAITRISE D'OEUVRE EXEMPLE",
        public=False,
        services=(SeedService(30800001, SERVICE_MOE, "Suivi de chantier"),),
        zip_code="69007",
    ),
)
