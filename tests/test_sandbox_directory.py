"""The seeded directory: structures, requirements, services, engagements, the supplier's own data."""

import pytest
from stdnum.fr import siret

from chorus.sandbox import seed


def test_every_seeded_siret_is_valid():
    assert all(siret.is_valid(structure.siret) for structure in seed.STRUCTURES)
    assert len({structure.structure_id for structure in seed.STRUCTURES}) == len(seed.STRUCTURES)


def find(sandbox_session, identifier, **extra):
    body = {"structure": {"identifiantStructure": identifier, "typeIdentifiantStructure": "SIRET"}, **extra}
    return sandbox_session.call("structures/v1/rechercher", body)


def test_find_public_structure_by_siret(sandbox_session):
    answer = find(sandbox_session, seed.BUYER_MINISTRY_SIRET)
    assert answer["codeRetour"] == 0
    assert answer["listeStructures"] == [
        {
            "idStructureCPP": 25783752,
            "identifiantStructure": seed.BUYER_MINISTRY_SIRET,
            "designationStructure": "MINISTERE DE L'EXEMPLE",
            "typeIdentifiantStructure": "SIRET",
            "statut": "ACTIVE",
        }
    ]
    assert answer["parametresRetour"]["total"] == 1


def test_inactive_structure_is_found_as_inactive(sandbox_session):
    [found] = find(sandbox_session, seed.BUYER_INACTIVE_SIRET)["listeStructures"]
    assert found["statut"] == "INACTIVE"


def test_unknown_siret_finds_nothing(sandbox_session):
    answer = find(sandbox_session, "12345678200010")
    assert answer["codeRetour"] == 20000 and "TRA_MSG_00.015" in answer["libelle"]


def test_private_structures_follow_restreindre(sandbox_session):
    assert len(find(sandbox_session, seed.SUPPLIER_SIRET)["listeStructures"]) == 1  # our own
    everything = sandbox_session.call(
        "structures/v1/rechercher", {"structure": {}, "parametres": {"nbResultatsParPage": 100}}
    )
    assert everything["parametresRetour"]["total"] == len(seed.STRUCTURES)
    public = sandbox_session.call("structures/v1/rechercher", {"structure": {"typeStructure": "PUBLIQUE"}})
    assert public["parametresRetour"]["total"] == len(seed.STRUCTURES) - 1


def structure_id(siret_value):
    return next(s.structure_id for s in seed.STRUCTURES if s.siret == siret_value)


@pytest.mark.parametrize(
    "siret_value, service, engagement, either",
    [
        (seed.BUYER_MINISTRY_SIRET, True, True, False),
        (seed.BUYER_COMMUNE_SIRET, True, False, False),
        (seed.BUYER_PUBLIC_BODY_SIRET, False, True, False),
        (seed.BUYER_HOSPITAL_SIRET, False, False, True),
        (seed.BUYER_PLAIN_SIRET, False, False, False),
    ],
)
def test_structure_parameters_say_the_requirement(sandbox_session, siret_value, service, engagement, either):
    answer = sandbox_session.call(
        "structures/v1/consulter", {"idStructureCPP": structure_id(siret_value), "codeLangue": "fr"}
    )
    assert answer["codeRetour"] == 0
    flags = answer["parametres"]
    assert flags["codeServiceDoitEtreRenseigne"] is service
    assert flags["numeroEJDoitEtreRenseigne"] is engagement
    assert flags["gestionNumeroEJOuCodeService"] is either
    assert answer["informationGenerales"]["identifiantStructure"] == siret_value
    assert answer["informationGenerales"]["structurePriveePublique"] == "PUBLIQUE"


def test_school_does_not_report_payment(sandbox_session):
    answer = sandbox_session.call(
        "structures/v1/consulter", {"idStructureCPP": structure_id(seed.BUYER_SCHOOL_SIRET)}
    )
    assert answer["parametres"]["statutMiseEnPaiementNestPasRemonte"] is True


def test_own_structure_shows_password_expiry(sandbox_session):
    answer = sandbox_session.call("structures/v1/consulter", {"idStructureCPP": seed.SUPPLIER_STRUCTURE_ID})
    general = answer["informationGenerales"]
    assert general["structurePriveePublique"] == "PRIVEE"
    assert general["dateExpirationMotPasseCompteTech"][:2] == "20"


def test_consult_unknown_structure_or_without_id(sandbox_session):
    assert sandbox_session.call("structures/v1/consulter", {"idStructureCPP": 1})["codeRetour"] != 0
    refused = sandbox_session.post("structures/v1/consulter", {"idStructure": 25783752})
    assert refused.status_code == 400, "idStructure is not a key of structures/v1/consulter"
    assert "idStructure" in refused.json()["libelle"]


def test_ministry_services_span_several_pages(sandbox_session):
    ministry = structure_id(seed.BUYER_MINISTRY_SIRET)
    first = sandbox_session.call("structures/v1/rechercher/services", {"idStructure": ministry})
    assert first["parametresRetour"] == {"pageCourante": 1, "pages": 3, "nbResultatsParPage": 10, "total": 30}
    codes = []
    for page in (1, 2, 3):
        answer = sandbox_session.call(
            "structures/v1/rechercher/services",
            {
                "idStructure": ministry,
                "parametresRechercherServicesStructure": {"pageResultatDemandee": page},
            },
        )
        codes += [service["codeService"] for service in answer["listeServices"]]
    assert len(set(codes)) == 30
    assert "FACTURES_PUBLIQUES" in codes
    big = sandbox_session.call(
        "structures/v1/rechercher/services",
        {
            "idStructure": ministry,
            "parametresRechercherServicesStructure": {"nbResultatsParPage": 100, "pageResultatDemandee": 3},
        },
    )
    assert big["parametresRetour"]["nbResultatsParPage"] == 10, "capped like the answer OCA recorded"
    inactive = [s["codeService"] for s in big["listeServices"] if not s["estActif"]]
    assert inactive == ["MIN-ANCIEN-01", "MIN-ANCIEN-02"]
    assert set(big["listeServices"][0]) >= {
        "idService",
        "codeService",
        "libelleService",
        "estActif",
        "dateDbtService",
    }


def test_service_details_say_when_an_engagement_is_needed(sandbox_session):
    hospital = next(s for s in seed.STRUCTURES if s.siret == seed.BUYER_HOSPITAL_SIRET)
    for service in hospital.services:
        answer = sandbox_session.call(
            "structures/v1/consulter/service",
            {"idStructure": hospital.structure_id, "idService": service.service_id},
        )
        assert answer["informationsGenerales"]["codeService"] == service.code
        assert answer["parametres"]["numeroEngagement"] is (service.code == "SERV-PHARMA")
    missing = sandbox_session.call(
        "structures/v1/consulter/service", {"idStructure": hospital.structure_id, "idService": 1}
    )
    assert missing["codeRetour"] != 0


def test_engagement_search(sandbox_session):
    body = {
        "structureReceptriceEngagementJuridique": str(seed.SUPPLIER_STRUCTURE_ID),
        "numeroEngagementJuridique": "EJ-2026-0001",
        "etatCourantEngagementJuridique": "COMMANDE",
    }
    [found] = sandbox_session.call("engagementsJuridiques/v1/rechercher", body)["listeEngagementJuridique"]
    assert found["numeroEngagementJuridique"] == "EJ-2026-0001"
    assert found["libelleEtatCourantEJ"] == "Commandé"
    assert found["structureReceptrice"] == str(seed.SUPPLIER_STRUCTURE_ID)
    body["numeroEngagementJuridique"] = "EJ-NOPE"
    assert sandbox_session.call("engagementsJuridiques/v1/rechercher", body)["codeRetour"] == 20000
    body["numeroEngagementJuridique"] = ""
    assert (
        len(sandbox_session.call("engagementsJuridiques/v1/rechercher", body)["listeEngagementJuridique"])
        == 3
    )
    del body["etatCourantEngagementJuridique"]
    body["parametresRecherche"] = {"nbResultatsParPage": 2, "pageResultatDemandee": 3}
    answer = sandbox_session.call("engagementsJuridiques/v1/rechercher", body)
    assert answer["parametresRetour"]["total"] == 5 and len(answer["listeEngagementJuridique"]) == 1
    body["parametres"] = {"nbResultatsParPage": 2}
    assert sandbox_session.post("engagementsJuridiques/v1/rechercher", body).status_code == 400


def test_supplier_structures_and_bank_accounts(sandbox_session):
    [own] = sandbox_session.call("transverses/v1/recuperer/structures/actives/fournisseur")["listeStructures"]
    assert own == {
        "idStructureCPP": seed.SUPPLIER_STRUCTURE_ID,
        "identifiant": seed.SUPPLIER_SIRET,
        "designationStructure": seed.SUPPLIER_NAME,
    }
    refused = sandbox_session.post(
        "transverses/v1/recuperer/structures/actives/fournisseur", {"parametres": {"nbResultatsParPage": 10}}
    )
    assert refused.status_code == 400 and refused.json()["codeRetour"] == 400
    [bank] = sandbox_session.call(
        "transverses/v1/recuperer/coordbanc/valides", {"idStructure": own["idStructureCPP"]}
    )["listeCoordonneeBancaire"]
    assert bank["idCoordonneeBancaire"] == seed.SUPPLIER_BANK_ACCOUNT_ID
    assert set(bank) == {"idCoordonneeBancaire", "nomCoordonneeBancaire"}, "no IBAN from Chorus"
    other = sandbox_session.call("transverses/v1/recuperer/coordbanc/valides", {"idStructure": 25783752})
    assert other["listeCoordonneeBancaire"] == []
