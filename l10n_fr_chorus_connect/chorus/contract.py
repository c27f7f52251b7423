"""The published Chorus Pro contract, for the operations this connector uses.

For each operation: the request keys it takes and the response keys it answers, with the value
formats we parse. A shape is a dict of ``key: format``; a nested dict is an object, a one-item list
a list of that shape. Formats: ``STR``, ``INT``, ``NUM``, ``BOOL``, ``DATE`` (``YYYY-MM-DD``),
``DATETIME`` (ISO 8601 with an offset), ``MINUTE`` (``YYYY-MM-DD HH:MM``, Paris time), ``ANY``.

Sources:

* Factures and Structures operations: the Swagger the AIFE publishes ("AIFE - Chorus Pro -
  Factures" 1.0.0, "Structures" 1.0.0). Where a production client shows a value format the Swagger
  does not (dates of ``rechercher/fournisseur`` filters sent as ``YYYY-MM-DD`` by go-choruspro's
  ``Date`` type; history times as ``YYYY-MM-DD HH:MM``; service validity dates in
  ``rechercher/services`` answers, in OCA l10n-france 17.0's recorded answer), the client is cited.
* Transverses and ``engagementsJuridiques`` operations have no published description: their
  contract below is written from production clients (OCA l10n-france 17.0
  ``l10n_fr_chorus_account``, Tryton ``account_fr_chorus``, Pastell's CPP connector,
  go-choruspro) and the Chorus Pro community site's description of the engagement search.

Used twice: the sandbox refuses a request with an undocumented key and never answers one, and the
pure tests check every request the client builds and every sandbox answer against it.
"""

from __future__ import annotations

import datetime
import re

STR, INT, NUM, BOOL, ANY = "string", "integer", "number", "boolean", "any"
DATE, DATETIME, MINUTE = "date", "date-time", "minute"

_ENVELOPE = {"codeRetour": INT, "libelle": STR}
_PAGES_OUT = {"pageCourante": INT, "pages": INT, "nbResultatsParPage": INT, "total": INT}
_PAGE_IN = {"nbResultatsParPage": INT, "pageResultatDemandee": INT, "triColonne": STR, "triSens": STR}
_ADDRESS = {
    "adresse": STR,
    "complementAdresse1": STR,
    "complementAdresse2": STR,
    "codePostal": STR,
    "ville": STR,
    "pays": STR,
    "telephone": STR,
    "indicatifTelephone": STR,
    "fax": STR,
    "indicatifFax": STR,
}
_SORT = {"champsDeTri": ANY, "ordreTriGenerique": STR, "taillePageGenerique": INT, "indexPageGenerique": INT}
_INVOICE_SEARCH_PAGE = {
    "nbResultatsMaximum": INT,
    "pageResultatDemandee": INT,
    "nbResultatsParPage": INT,
    "triSens": STR,
    "triColonne": STR,
    **_SORT,
}
# The invoice row both supplier searches answer (their dates differ: see each operation).
_INVOICE_ROW = {
    "identifiantFactureCPP": INT,
    "typeDemandePaiement": STR,
    "codeFournisseur": STR,
    "typeIdentifiantFournisseur": STR,
    "designationFournisseur": STR,
    "codeServiceFournisseur": STR,
    "nomServiceFournisseur": STR,
    "idDestinataire": INT,
    "codeDestinataire": STR,
    "designationDestinataire": STR,
    "idServiceExecutant": INT,
    "codeServiceExecutant": STR,
    "nomServiceExecutant": STR,
    "typeFacture": STR,
    "numeroFacture": STR,
    "montantHT": NUM,
    "montantTTC": NUM,
    "montantAPayer": NUM,
    "devise": STR,
    "statut": STR,
    "numeroMarche": STR,
    "numeroBonCommande": STR,
}

OPERATIONS = {
    # ------------------------------------------------------------ Factures (Swagger)
    "factures/v1/deposer/flux": {
        "request": {
            "idUtilisateurCourant": INT,
            "fichierFlux": STR,
            "nomFichier": STR,
            "syntaxeFlux": STR,
            "avecSignature": BOOL,
        },
        # dateDepot: date-time in the Swagger, a YYYY-MM-DD date in every client (Tryton, go-choruspro).
        "response": {**_ENVELOPE, "numeroFluxDepot": STR, "dateDepot": DATE, "syntaxeFlux": STR},
    },
    "factures/v1/rechercher/fournisseur": {
        "request": {
            "idUtilisateurCourant": INT,
            "listeDestinataire": [
                {"idDestinataire": INT, "listeIdServiceExecutant": [INT], "raisonSocialeStuctDmd": STR}
            ],
            "rechercheSirenDestinataire": BOOL,
            "numeroFacture": STR,
            # Dates as go-choruspro's Date type sends them; date-times as its time.Time (RFC 3339).
            "periodeDateDepotDu": DATE,
            "periodeDateDepotAu": DATE,
            "typeFacture": STR,
            "idFournisseur": INT,
            "idServiceFournisseur": INT,
            "idStructureValideur": INT,
            "cadreFacturation": STR,
            "statutCourant": [STR],
            "periodeDateFactureDu": DATE,
            "periodeDateFactureAu": DATE,
            "montantHTMin": NUM,
            "montantHTMax": NUM,
            "montantTTCMin": NUM,
            "montantTTCMax": NUM,
            "montantApayerMin": NUM,
            "montantApayerMax": NUM,
            "coordonneeBancaire": INT,
            "idUtilisateurCreateur": [INT],
            "numeroMarche": STR,
            "numeroBonCommande": STR,
            "numeroFactureOrigine": STR,
            "modeDepot": STR,
            "numeroFluxDepot": STR,
            "rechercheFactureParFournisseur": _INVOICE_SEARCH_PAGE,
            "recupererTaille": BOOL,
            "periodeDateHeureEtatCourantDu": DATETIME,
            "periodeDateHeureEtatCourantAu": DATETIME,
            "rejetTraite": BOOL,
        },
        "response": {
            **_ENVELOPE,
            "parametresRetour": _PAGES_OUT,
            "listeFactures": [
                {
                    **_INVOICE_ROW,
                    "dateFacture": DATE,
                    "dateDepot": DATE,
                    "numeroFluxDepot": STR,
                    **{
                        f"{key}{rank}": STR
                        for rank in (1, 2)
                        for key in (
                            "typeIdentifiantValideur",
                            "codeValideur",
                            "raisonSocialeValideur",
                            "nomValideur",
                            "prenomValideur",
                        )
                    },
                    "dateValidation1": ANY,
                    "dateValidation2": ANY,
                    "numeroFactureOrigine": STR,
                    "modeDepot": STR,
                    "coordBancairesFournisseurCleIban": STR,
                    "coordBancairesFournisseurCleRib": STR,
                    "coordBancairesFournisseurCodeBanque": STR,
                    "coordBancairesFournisseurCodePays": STR,
                    "coordBancairesFournisseurCompteBancaire": STR,
                    "coordBancairesFournisseurNomCb": STR,
                    "affactureurCode": STR,
                    "affactureurTypeIdentifiant": STR,
                    "affactureurRaisonSociale": STR,
                    "nomPrenomUtilisateurCreateur": STR,
                    "taille": INT,
                    "dateHeureEtatCourant": DATETIME,
                    "commentaireEtatCourant": STR,
                    "rejetTraite": BOOL,
                }
            ],
        },
    },
    "factures/v1/consulter/historique": {
        "request": {
            "idUtilisateurCourant": INT,
            "idFacture": INT,
            "idEspace": INT,
            "nbResultatsMaximum": INT,
            "paramRechercheHistoStatuts": {
                "pageResultatDemandeeListeHistoStatut": INT,
                "nbResultatsParPageListeHistoStatut": INT,
                "triSensListeHistoStatut": STR,
                "triColonneListeHistoStatut": STR,
                **_SORT,
            },
            "paramRechercheHistoEvenementsComplementaires": {
                "pageResultatDemandeeListeHistoEvenement": INT,
                "nbResultatsParPageListeHistoEvenement": INT,
                "triSensListeHistoEvenement": STR,
                "triColonneListeHistoEvenement": STR,
                **_SORT,
            },
            "paramRechercheHistoActionsUtilisateurs": {
                "pageResultatDemandeeListeHistoAction": INT,
                "nbResultatsParPageListeHistoAction": INT,
                "triSensListeHistoAction": STR,
                "triColonneListeHistoAction": STR,
                **_SORT,
            },
        },
        "response": {
            **_ENVELOPE,
            "idFacture": INT,
            "numeroFacture": STR,
            "modeDepot": STR,
            "statutCourantCode": STR,
            "historiquesDesStatuts": {
                "histoStatut": [
                    {
                        "histoStatutId": INT,
                        "histoStatutCode": STR,
                        # date-time in the Swagger; go-choruspro parses YYYY-MM-DD HH:MM.
                        "histoStatutDatePassage": MINUTE,
                        "histoStatutCommentaire": STR,
                        "histoStatutUtilisateurPrenom": STR,
                        "histoStatutUtilisateurNom": STR,
                        "histoStatutUtilisateurEmail": STR,
                        "histoStatutUtilisateurTelephone": STR,
                    }
                ],
                "pageCouranteHistoStatut": INT,
                "pagesHistoStatut": INT,
                "nbResultatsParPageHistoStatut": INT,
                "totalHistoStatut": INT,
            },
            "historiquesDesEvenementsComplementaires": {
                "evenement": [
                    {
                        "evenementId": INT,
                        "evenementLibelle": STR,
                        "evenementQui": STR,
                        "evenementDateHeure": ANY,
                    }
                ],
                "pageCouranteEvenement": INT,
                "pagesEvenement": INT,
                "nbResultatsParPageEvenement": INT,
                "totalEvenement": INT,
            },
            "historiquesDesActionsUtilisateurs": {
                "histoAction": [
                    {
                        "histoActionId": INT,
                        "histoActionCode": STR,
                        "histoActionDateHeure": ANY,
                        "histoActionUtilisateurPrenom": STR,
                        "histoActionUtilisateurNom": STR,
                        "histoActionUtilisateurEmail": STR,
                        "histoActionUtilisateurTelephone": STR,
                    }
                ],
                "pageCouranteHistoAction": INT,
                "pagesHistoAction": INT,
                "nbResultatsParPageHistoAction": INT,
                "totalHistoAction": INT,
            },
            "derniereAction": {"derniereActionId": INT, "derniereActionCode": STR},
        },
    },
    # ---------------------------------------------------------- Structures (Swagger)
    "structures/v1/rechercher": {
        "request": {
            "parametres": dict(_PAGE_IN),
            "restreindreStructuresPrivees": BOOL,
            "structure": {
                "adresseCodePays": STR,
                "adresseCodePostal": STR,
                "adresseVille": STR,
                "estMOA": BOOL,
                "estMOAUniquement": BOOL,
                "identifiantStructure": STR,
                "libelleStructure": STR,
                "nomStructure": STR,
                "prenomStructure": STR,
                "raisonSocialeStructure": STR,
                "statutStructure": STR,
                "typeIdentifiantStructure": STR,
                "typeStructure": STR,
            },
        },
        "response": {
            **_ENVELOPE,
            "listeStructures": [
                {
                    "designationStructure": STR,
                    "idStructureCPP": INT,
                    "identifiantStructure": STR,
                    "statut": STR,
                    "typeIdentifiantStructure": STR,
                }
            ],
            "parametresRetour": _PAGES_OUT,
        },
    },
    "structures/v1/consulter": {
        "request": {"codeLangue": STR, "idStructureCPP": INT},
        "response": {
            **_ENVELOPE,
            "adressePostaleDuSiege": _ADDRESS,
            "informationGenerales": {
                "dateExpirationMotPasseCompteTech": DATETIME,
                "emailStructure": STR,
                "estValideurDeleguee": BOOL,
                "idStructureCPP": INT,
                "idStructureOrigine": INT,
                "identifiantStructure": STR,
                "libelleStructure": STR,
                "listeStructureDupliquees": [{"structureDupliquee": INT}],
                "nomStructure": STR,
                "numeroRcsStructure": STR,
                "numeroTVA": STR,
                "prenomStructure": STR,
                "raisonSocialeStructure": STR,
                "structurePriveePublique": STR,
                "typeIdentifiantStructure": STR,
            },
            "parametres": dict.fromkeys(
                (
                    "codeServiceDoitEtreRenseigne",
                    "connexionEDI",
                    "estMoaUniquement",
                    "estValideurDelegue",
                    "gestionNumeroEJOuCodeService",
                    "getaMoa",
                    "nonDiffusibleInsee",
                    "numeroEJDoitEtreRenseigne",
                    "recevoirDonneesViaEDI",
                    "statutMiseEnPaiementNestPasRemonte",
                ),
                BOOL,
            ),
        },
    },
    "structures/v1/rechercher/services": {
        "request": {"idStructure": INT, "parametresRechercherServicesStructure": dict(_PAGE_IN)},
        "response": {
            **_ENVELOPE,
            "listeServices": [
                {
                    "codeService": STR,
                    "estActif": BOOL,
                    "idService": INT,
                    "libelleService": STR,
                    "statutService": STR,
                    # Not in the Swagger; in the real answer OCA l10n-france 17.0 records (res_partner.py).
                    "dateDbtService": MINUTE,
                    "dateFinService": MINUTE,
                }
            ],
            "parametresRetour": _PAGES_OUT,
        },
    },
    "structures/v1/consulter/service": {
        "request": {"codeLangue": STR, "idService": INT, "idStructure": INT},
        "response": {
            **_ENVELOPE,
            "adressePostale": _ADDRESS,
            "informationsGenerales": {"codeService": STR, "descriptionService": STR, "nomService": STR},
            "nbResultatsParPage": INT,
            "pageCourante": INT,
            "pages": INT,
            "total": INT,
            "parametres": {
                "dateCreation": DATETIME,
                "dateDebutValidite": DATETIME,
                "dateFinValidite": DATETIME,
                "dateModification": DATETIME,
                "miseEnPaiement": BOOL,
                "numeroEngagement": BOOL,
            },
        },
    },
    # ---------- Engagements juridiques (no Swagger: OCA 17.0 request, community site answer)
    "engagementsJuridiques/v1/rechercher": {
        "request": {
            "structureReceptriceEngagementJuridique": STR,
            "numeroEngagementJuridique": STR,
            "etatCourantEngagementJuridique": STR,
            "parametresRecherche": dict(_PAGE_IN),
        },
        "response": {
            **_ENVELOPE,
            "parametresRetour": _PAGES_OUT,
            "listeEngagementJuridique": [
                {
                    "idEngagementJuridique": INT,
                    "numeroEngagementJuridique": STR,
                    "libelleEtatCourantEJ": STR,
                    "structureReceptrice": STR,
                    "codeServiceExecutant": STR,
                    "dateNotificationEJ": ANY,
                    "montantTotalTtc": NUM,
                }
            ],
        },
    },
    # ------------------------- Transverses (no Swagger: production clients named on each)
    "transverses/v1/consulterCRDetaille": {
        # OCA 17.0 sends numeroFluxDepot only; Pastell and go-choruspro add syntaxeFlux.
        "request": {"numeroFluxDepot": STR, "syntaxeFlux": STR},
        # go-choruspro WsRetourConsulterCRDetaille, Pastell fixtures, the community site example.
        "response": {
            **_ENVELOPE,
            "codeInterfaceDepotFlux": STR,
            "dateDepotFlux": DATETIME,
            "dateHeureEtatCourantFlux": DATETIME,
            "etatCourantDepotFlux": STR,
            "nomFichier": STR,
            "listeErreurDP": [
                {
                    "identifiantFournisseur": STR,
                    "identifiantDestinataire": STR,
                    "numeroDP": STR,
                    "libelleErreurDP": STR,
                }
            ],
            "listeErreurTechnique": [{"codeErreur": STR, "libelleErreur": STR, "natureErreur": STR}],
        },
    },
    # Pastell and the PHP client chorus-pro-api send {}; they read idStructureCPP, identifiant,
    # designationStructure.
    "transverses/v1/recuperer/structures/actives/fournisseur": {
        "request": {},
        "response": {
            **_ENVELOPE,
            "listeStructures": [{"idStructureCPP": INT, "identifiant": STR, "designationStructure": STR}],
        },
    },
    # Pastell / PHP client: {"idStructure": ...} -> idCoordonneeBancaire, nomCoordonneeBancaire (no IBAN).
    "transverses/v1/recuperer/coordbanc/valides": {
        "request": {"idStructure": INT},
        "response": {
            **_ENVELOPE,
            "listeCoordonneeBancaire": [{"idCoordonneeBancaire": INT, "nomCoordonneeBancaire": STR}],
        },
    },
    # Pastell testConnexion sends {}; the Crystal client {"codeLangue": "fr"}.
    "transverses/v1/recuperer/tauxtva": {
        "request": {"codeLangue": STR},
        "response": {
            **_ENVELOPE,
            "listeTauxTva": [{"codeTauxTva": STR, "libelleTauxTva": STR, "valeurTauxTva": NUM}],
        },
    },
    # GET, no body; the PHP client's test expects exactly these three keys.
    "transverses/v1/health-check": {
        "request": {},
        "response": {"statusCodeValue": INT, "statusCode": STR, "body": STR},
    },
}

# The supplier's answers to a buyer (chorus/supplier_actions.py): the Factures Swagger's
# consulterFactureParFournisseur (answer: the keys the sandbox serves, a subset of the Swagger's),
# completerFacture, recyclerFacture, rechercherFactureATraiterParFournisseur; and
# ajouterFichierDansSysteme, unpublished: keys from go-choruspro and facturation_electronique.
_SUPPLIER_ACTIONS = {
    "factures/v1/consulter/fournisseur": {
        "request": {
            "idUtilisateurCourant": INT,
            "identifiantFactureCPP": INT,
            "codeLangue": STR,
            "getpLigneRecapTva": ANY,
            "getpListePiecesJointes": ANY,
            "getpLignesPoste": ANY,
        },
        "response": {
            **_ENVELOPE,
            "facture": {
                "identifiantFactureCPP": INT,
                "numeroFacture": STR,
                "statutFacture": STR,
                "modeDepot": STR,
                "rejetTraite": BOOL,
                "destinataire": {
                    "idDestinataire": INT,
                    "codeDestinataire": STR,
                    "libelleDestinataire": STR,
                    "idServiceExecutant": INT,
                    "codeServiceExecutant": STR,
                    "libelleServiceExecutant": STR,
                },
                "references": {
                    "dateFacture": STR,
                    "dateDepot": STR,
                    "typeFacture": STR,
                    "numeroMarche": STR,
                    "numeroBonCommande": STR,
                    "numeroFactureOrigine": STR,
                    "tailleTotalePiecesJointes": NUM,
                },
                "commentaire": STR,
            },
        },
    },
    "factures/v1/completer": {
        "request": {
            "idUtilisateurCourant": INT,
            "identifiantFactureCPP": INT,
            "pieceJointeComplementaire": [
                {
                    "pieceJointeComplementaireDesignation": STR,
                    "pieceJointeComplementaireType": STR,
                    "pieceJointeComplementaireNumeroLigneFacture": INT,
                    "pieceJointeComplementaireId": INT,
                }
            ],
            "commentaire": STR,
        },
        "response": {
            **_ENVELOPE,
            **_PAGES_OUT,
            "identifiantFactureCPP": INT,
            "numeroFacture": STR,
            "dateTraitement": DATETIME,
        },
    },
    "factures/v1/recycler": {
        "request": {
            "idUtilisateurCourant": INT,
            "identifiantFactureCPP": INT,
            "destinataire": {"codeDestinataire": STR, "codeServiceExecutant": STR},
            "commentaire": STR,
            "reference": {
                "deviseFacture": STR,
                "typeFacture": STR,
                "typeTva": STR,
                "motifExonerationTva": STR,
                "numeroMarche": STR,
                "numeroBonCommande": STR,
                "numeroFactureOrigine": STR,
                "modePaiement": STR,
            },
        },
        "response": {
            **_ENVELOPE,
            "identifiantFactureCPP": INT,
            "numeroFacture": STR,
            "statutFacture": STR,
            "dateDepot": DATETIME,
        },
    },
    "factures/v1/rechercher/atraiter/fournisseur": {
        "request": {
            "idUtilisateurCourant": INT,
            "idStructure": INT,
            "masquerRejetee": BOOL,
            "rechercheFactureATraiterParFournisseur": _INVOICE_SEARCH_PAGE,
            "recupererTaille": BOOL,
        },
        "response": {
            **_ENVELOPE,
            "parametresRetour": _PAGES_OUT,
            "listeFactures": [
                {
                    **_INVOICE_ROW,
                    "dateFacture": DATETIME,
                    "dateDepot": DATETIME,
                    "taille": INT,
                }
            ],
        },
    },
    "transverses/v1/ajouter/fichier": {
        "request": {
            "idUtilisateurCourant": INT,
            "pieceJointeFichier": STR,
            "pieceJointeNom": STR,
            "pieceJointeTypeMime": STR,
            "pieceJointeExtension": STR,
        },
        "response": {**_ENVELOPE, "pieceJointeId": INT},
    },
}
OPERATIONS.update(_SUPPLIER_ACTIONS)

# A search that finds nothing may answer this instead of an empty list (Pastell's CPPWrapper).
NO_RESULT_CODE = 20000
NO_RESULT_LABEL = "TRA_MSG_00.015"
# Success labels: TRA_MSG_00.000 (Swagger examples, OCA); GCU_MSG_01_000 seen on some answers.
SUCCESS_LABELS = ("TRA_MSG_00.000", "GCU_MSG_01_000")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def _is_datetime(value: str) -> bool:
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value and moment.tzinfo is not None


_CHECKS = {
    ANY: lambda value: True,
    STR: lambda value: isinstance(value, str),
    BOOL: lambda value: isinstance(value, bool),
    INT: lambda value: (isinstance(value, int) and not isinstance(value, bool))
    or (isinstance(value, str) and value.isdigit()),
    NUM: lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    DATE: lambda value: isinstance(value, str) and bool(_DATE.match(value)),
    MINUTE: lambda value: isinstance(value, str) and bool(_MINUTE.match(value)),
    DATETIME: lambda value: isinstance(value, str) and _is_datetime(value),
}


def _problems(value, shape, path) -> list[str]:
    if isinstance(shape, dict):
        return _object_problems(value, shape, path)
    if isinstance(shape, list):
        if value is None:
            return []
        if not isinstance(value, list):
            return [f"{path}: a list is expected"]
        return [problem for item in value for problem in _problems(item, shape[0], path)]
    if value is not None and not _CHECKS[shape](value):
        return [f"{path}: {value!r} is not a {shape}"]
    return []


def _object_problems(value, shape, path) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path or 'body'}: an object is expected"]
    found = []
    for key, item in value.items():
        where = f"{path}.{key}" if path else key
        if key not in shape:
            found.append(f"{where}: undocumented key")
        else:
            found += _problems(item, shape[key], where)
    return found


def request_problems(operation: str, payload: dict) -> list[str]:
    """What in ``payload`` the published contract of ``operation`` does not take (empty: all good)."""
    if operation not in OPERATIONS:
        return [f"{operation}: operation not in the contract"]
    return _problems(payload or {}, OPERATIONS[operation]["request"], "")


def response_problems(operation: str, answer: dict) -> list[str]:
    """What in ``answer`` the published contract of ``operation`` does not answer (empty: all good)."""
    if operation not in OPERATIONS:
        return [f"{operation}: operation not in the contract"]
    return _problems(answer, OPERATIONS[operation]["response"], "")
