"""Reading deposited files into invoice facts."""

import datetime
from decimal import Decimal

import facturx
import facturx_samples as samples
import pytest
from lxml import etree

from chorus import facturx_reader
from chorus.facturx_reader import InvoiceFacts, UnreadableFile, detect_kind, read_invoices
from chorus.sandbox import seed


def test_doctests():
    import doctest

    assert doctest.testmod(facturx_reader).failed == 0


def test_sample_xml_passes_the_en16931_xsd():
    assert facturx.xml_check_xsd(
        samples.build_cii_xml(service_code="S", engagement="E", market="M"),
        flavor="factur-x",
        level="en16931",
    )
    assert facturx.xml_check_xsd(
        samples.build_cii_xml(credit_note=True, payment_means=None), flavor="factur-x", level="en16931"
    )


def test_reads_every_chorus_fact_from_a_factur_x_pdf():
    pdf = samples.build_facturx_pdf(
        number="FAC-2026-0042",
        buyer_siret=seed.BUYER_MINISTRY_SIRET,
        service_code="MIN-SERV-01",
        engagement="EJ-2026-0001",
        market="MARCHE-7",
        payment_means="30",
        amount_untaxed=Decimal("1234.50"),
    )
    [facts] = read_invoices(pdf, "factur-x.pdf")
    assert facts == InvoiceFacts(
        number="FAC-2026-0042",
        type_code="380",
        issue_date=datetime.date(2026, 11, 20),
        seller_siret=seed.SUPPLIER_SIRET,
        buyer_siret=seed.BUYER_MINISTRY_SIRET,
        service_code="MIN-SERV-01",
        engagement="EJ-2026-0001",
        market="MARCHE-7",
        payment_means_codes=("30",),
        iban=seed.SUPPLIER_IBAN,
        amount_untaxed=Decimal("1234.50"),
        amount_tax=Decimal("246.90"),
        amount_total=Decimal("1481.40"),
        amount_due=Decimal("1481.40"),
        currency="EUR",
        guideline_id="urn:cen.eu:en16931:2017",
        level="en16931",
        source_name="factur-x.pdf",
        source_kind="pdf",
    )
    assert not facts.is_credit_note


def test_reads_a_credit_note_xml():
    [facts] = read_invoices(samples.build_cii_xml("AV-1", credit_note=True, payment_means=None), "avoir.xml")
    assert facts.type_code == "381" and facts.is_credit_note
    assert facts.payment_means_codes == ()
    assert facts.iban == ""
    assert facts.source_kind == "xml"


@pytest.mark.parametrize("build", [samples.build_tar_gz, samples.build_zip])
def test_reads_batches_in_order(build):
    files = {f"{n}.pdf": samples.build_facturx_pdf(number=f"LOT-{n}") for n in range(3)}
    files["3.xml"] = samples.build_cii_xml("LOT-3")
    invoices = read_invoices(build(files), "lot")
    assert [facts.number for facts in invoices] == ["LOT-0", "LOT-1", "LOT-2", "LOT-3"]
    assert [facts.source_kind for facts in invoices] == ["pdf", "pdf", "pdf", "xml"]


def test_xsd_invalid_xml_is_unreadable_with_the_schema_error():
    with pytest.raises(UnreadableFile) as caught:
        read_invoices(samples.break_xsd(samples.build_cii_xml()), "bad.xml")
    assert caught.value.code == facturx_reader.ERR_XSD
    assert "GrandTotalAmount" in caught.value.message
    [facts] = read_invoices(samples.break_xsd(samples.build_cii_xml()), "bad.xml", check_xsd=False)
    assert facts.amount_total is None


def test_unknown_guideline_is_checked_as_en16931():
    xml = samples.build_cii_xml(guideline="urn:example:unknown")
    [facts] = read_invoices(xml, "x.xml")
    assert facts.level == "en16931"
    assert facts.guideline_id == "urn:example:unknown"


@pytest.mark.parametrize(
    "content, code",
    [
        (b"plain text", facturx_reader.ERR_FORMAT),
        (b"<not-closed", facturx_reader.ERR_XSD),
        (b"<?xml version='1.0'?><Invoice/>", facturx_reader.ERR_FORMAT),
        (b"%PDF-1.4 broken", facturx_reader.ERR_FORMAT),
        (samples.build_pdf(["no xml"]), facturx_reader.ERR_NO_XML),
        (samples.build_zip({}), facturx_reader.ERR_ARCHIVE),
        (b"\x1f\x8bnot really gzip", facturx_reader.ERR_ARCHIVE),
        (samples.build_tar_gz({"readme.txt": b"hello"}), facturx_reader.ERR_FORMAT),
    ],
)
def test_unreadable_files(content, code):
    with pytest.raises(UnreadableFile) as caught:
        read_invoices(content, "f")
    assert caught.value.code == code
    assert caught.value.message


def test_detect_kind():
    assert detect_kind(samples.build_pdf(["x"])) == "pdf"
    assert detect_kind(b"\xef\xbb\xbf<?xml version='1.0'?><a/>") == "xml"
    assert detect_kind(samples.build_zip({"a": b"b"})) == "zip"
    assert detect_kind(samples.build_tar_gz({"a": b"b"})) == "tar.gz"


def test_buyer_siret_falls_back_to_global_id_0009():
    root = etree.fromstring(samples.build_cii_xml())
    ram = samples.RAM
    buyer = root.find(f".//{{{ram}}}BuyerTradeParty")
    buyer.remove(buyer.find(f"{{{ram}}}SpecifiedLegalOrganization"))
    global_id = etree.Element(f"{{{ram}}}GlobalID", schemeID="0009")
    global_id.text = seed.BUYER_COMMUNE_SIRET
    buyer.insert(0, global_id)
    [facts] = read_invoices(etree.tostring(root), "x.xml")
    assert facts.buyer_siret == seed.BUYER_COMMUNE_SIRET


def test_bundled_demo_invoice():
    content = samples.DEMO_PDF.read_bytes()
    assert 1000 < len(content) < 50_000
    [facts] = read_invoices(content, samples.DEMO_PDF.name)
    assert facts.number == samples.DEMO_NUMBER
    assert (facts.seller_siret, facts.buyer_siret) == (seed.SUPPLIER_SIRET, seed.BUYER_PLAIN_SIRET)
    assert facts.service_code == "" and facts.engagement == ""
    assert facts.payment_means_codes == ("30",)
    assert facts.iban == seed.SUPPLIER_IBAN
    assert facts.amount_total == Decimal("1500.00")


def test_bundled_demo_invoice_is_accepted_by_the_sandbox(sandbox, sandbox_session):
    flow = sandbox_session.deposit(samples.DEMO_PDF.read_bytes(), samples.DEMO_PDF.name)
    sandbox.control.advance(2)
    assert sandbox_session.report(flow)["etatCourantDepotFlux"] == "IN_INTEGRE"
