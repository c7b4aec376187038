"""The certificate PDF: one tagged A4 page, language and title set, a real text layer in any script."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from equiptrain.accounts.models import Profession
from equiptrain.certificates import pdf
from equiptrain.certificates.models import Certificate
from tests.certificates.helpers import FOUNDATIONS, attended_workshop, certificates_of, complete_modules, set_rules


def _certificate(build, name: str) -> Certificate:
    set_rules({**FOUNDATIONS, "workshops": {"core": ["foundations"], "follow_ups": 0}})
    team = build.team()
    learner = build.user(team=team, name=name, profession=Profession.SOCIAL_WORKER)
    complete_modules(learner, "foundations")
    attended_workshop(build, team, [learner])
    [cert] = certificates_of(learner)
    return cert


def _text(reader: PdfReader) -> str:
    # Lines break after hyphens ("service-" / "user"), wherever the layout puts them: join those words again.
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return re.sub(r"(?<=\w)- (?=\w)", "-", text)


def test_one_tagged_a4_page_with_language_title_and_the_whole_claim(course, build):
    cert = _certificate(build, "Siobhán O'Néill")
    reader = PdfReader(io.BytesIO(pdf.certificate_pdf(cert)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == "EQUIP foundations certificate: Siobhán O'Néill"
    # the structure tree: a document with headings, paragraphs and a table, and the QR code as a figure with alt text
    tags = set()

    def walk(node):
        node = node.get_object()
        if "/S" in node:
            tags.add(str(node["/S"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/P", "/Table", "/Figure"} <= tags
    xmp = reader.xmp_metadata
    assert xmp is not None and "pdfuaid" in str(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    text = _text(reader)
    for expected in (
        "Siobhán O'Néill",
        "Social worker",
        "EQUIP foundations certificate",
        "participatory",
        "individual",
        cert.display_code,
        f"http://equiptrain.test/verify/{cert.display_code}",
        "Nia Evans (professional trainer)",
        "a service-user trainer",
        "Completed on",
    ):
        assert expected in text, expected
    outcome = cert.claim["modules"][0]["outcomes"][0]
    assert " ".join(outcome.split()[:4]) in text


@pytest.mark.parametrize(
    "name", ["Gwenllian ap Dafydd Ŵŷn", "Zdzisław Łukaszewski-Żółć", "فاطمة الزهراء", "王秀英", "Nguyễn Thị Hương"]
)
def test_names_in_any_script_are_real_text(course, build, name):
    cert = _certificate(build, name)
    reader = PdfReader(io.BytesIO(pdf.certificate_pdf(cert)))
    text = _text(reader)
    if name == "فاطمة الزهراء":
        # Arabic is shaped and drawn right to left; the text layer keeps each word's letters
        assert all(word in text or word[::-1] in text for word in name.split())
    else:
        assert name in text
    # no glyph fell back to the "missing" box: every font used is embedded
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            fonts.add(str((descendant[0].get_object() if descendant else font)["/BaseFont"]))
    if name == "王秀英":
        assert any("WenQuanYi" in f for f in fonts), fonts
