"""French sentences of the command line (Odoo has its own, translated, in the addon)."""

from __future__ import annotations

from . import diagnosis
from .errors import (
    AccessDeniedError,
    AuthenticationError,
    BusinessError,
    ChorusError,
    ConnectionFailedError,
    MalformedAnswerError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    TransportError,
)
from .values import (
    REQUIREMENT_ENGAGEMENT,
    REQUIREMENT_NONE,
    REQUIREMENT_SERVICE,
    REQUIREMENT_SERVICE_AND_ENGAGEMENT,
    REQUIREMENT_SERVICE_OR_ENGAGEMENT,
)

STEP_TITLES = {
    diagnosis.STEP_TOKEN: "Application PISTE (jeton OAuth2)",
    diagnosis.STEP_ACCOUNT: "Compte technique Chorus Pro",
    diagnosis.STEP_SUPPLIER: "Structure fournisseur",
    diagnosis.STEP_BANK: "Coordonnées bancaires",
    diagnosis.STEP_PASSWORD: "Expiration du mot de passe technique",
}

FIXES = {
    diagnosis.FIX_PISTE_CREDENTIALS: (
        "PISTE refuse l'application : vérifiez le client_id et le client_secret (onglet « Applications » de "
        "piste.gouv.fr) et qu'ils correspondent bien à l'environnement choisi (bac à sable ou production)."
    ),
    diagnosis.FIX_TECHNICAL_ACCOUNT: (
        "Chorus Pro refuse le compte technique : vérifiez l'identifiant (TECH_1_…@cpro.fr) "
        "et le mot de passe du compte technique, et que le raccordement API est déclaré sur Chorus Pro "
        "pour cette application."
    ),
    diagnosis.FIX_API_SUBSCRIPTION: (
        "Accès refusé : abonnez l'application PISTE aux API Chorus Pro (Factures, Structures, Transverses, "
        "Engagements juridiques) dans l'onglet « Consentement CGU API »."
    ),
    diagnosis.FIX_NETWORK: (
        "Le service ne répond pas : vérifiez l'adresse, la connexion réseau (proxy, pare-feu) puis réessayez."
    ),
    diagnosis.FIX_CHORUS_REFUSED: "Chorus Pro a refusé la demande : lisez le code retour ci-dessus.",
    diagnosis.FIX_NO_SUPPLIER_STRUCTURE: (
        "Le compte technique n'est rattaché à aucune structure fournisseur active : rattachez-le à votre "
        "structure sur Chorus Pro (gestionnaire principal)."
    ),
    diagnosis.FIX_SIRET_MISMATCH: (
        "Le SIRET de la société ne figure pas parmi les structures du compte technique : corrigez le SIRET "
        "de la société ou utilisez le compte technique de cette structure."
    ),
    diagnosis.FIX_BANK_ACCOUNT: (
        "Aucune coordonnée bancaire valide : saisissez l'IBAN de la structure sur Chorus Pro "
        "(Mes structures > Coordonnées bancaires)."
    ),
    diagnosis.FIX_PASSWORD_EXPIRED: (
        "Le mot de passe du compte technique a expiré : le gestionnaire principal doit le renouveler sur "
        "Chorus Pro, puis reportez-le ici."
    ),
    diagnosis.FIX_PASSWORD_EXPIRES_SOON: (
        "Le mot de passe du compte technique expire bientôt : faites-le renouveler par le gestionnaire "
        "principal sur Chorus Pro (tous les 14 mois)."
    ),
}

REQUIREMENTS = {
    REQUIREMENT_NONE: "ni code service ni numéro d'engagement exigé",
    REQUIREMENT_SERVICE: "code service obligatoire",
    REQUIREMENT_ENGAGEMENT: "numéro d'engagement juridique obligatoire",
    REQUIREMENT_SERVICE_OR_ENGAGEMENT: "code service ou numéro d'engagement juridique obligatoire",
    REQUIREMENT_SERVICE_AND_ENGAGEMENT: "code service et numéro d'engagement juridique obligatoires",
}


def describe_error(error: ChorusError) -> str:
    """One French sentence for an error of the client."""
    if isinstance(error, AuthenticationError):
        fix = (
            diagnosis.FIX_TECHNICAL_ACCOUNT
            if error.party == AuthenticationError.ACCOUNT
            else (diagnosis.FIX_PISTE_CREDENTIALS)
        )
        return FIXES[fix]
    if isinstance(error, AccessDeniedError):
        return FIXES[diagnosis.FIX_API_SUBSCRIPTION]
    if isinstance(error, BusinessError):
        return f"Chorus Pro a refusé la demande (code {error.code}) : {error.label}"
    text = {
        RequestTimeoutError: "Chorus Pro n'a pas répondu à temps.",
        ConnectionFailedError: "Connexion impossible à Chorus Pro.",
        ServerError: f"Chorus Pro est en erreur (HTTP {getattr(error, 'http_status', '')}).",
        RateLimitedError: "Trop de requêtes : Chorus Pro demande de patienter"
        + (f" {error.retry_after:g} s." if getattr(error, "retry_after", None) else "."),
        MalformedAnswerError: "Réponse illisible de Chorus Pro.",
    }.get(type(error), f"Erreur : {error.message}")
    if isinstance(error, TransportError) and error.outcome_unknown:
        text += (
            " Le dépôt a peut-être été reçu : recherchez la facture sur Chorus Pro avant de la déposer "
            "à nouveau."
        )
    return text
