"""The certificate as a tagged A4 document (PDF/UA-1; one page, or two when its modules' outcomes need a page of
their own): a real text layer, the document language and title set,
fonts that cover the names people have (DejaVu for Latin, Greek, Cyrillic and Arabic; WenQuanYi Micro Hei for
Chinese, Japanese and Korean), and a QR code of the verification address."""

from __future__ import annotations

import hashlib

import segno
from flask import current_app, render_template
from sqlalchemy.exc import IntegrityError

from equiptrain import tagged_pdf, transaction
from equiptrain.certificates.models import Certificate, CertificatePdf
from equiptrain.extensions import db

LANG = "en-GB"


def verification_url(cert: Certificate) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify/{cert.display_code}"


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG with 10 pixels a module (over 300 dpi at the printed size). A PNG rather than SVG:
    WeasyPrint parses an SVG QR code's path on every certificate, which cost a sixth of the drawing time."""
    return segno.make(url, error="m").png_data_uri(scale=10, border=0)


def columns(modules: list[dict]) -> list[list[dict]]:
    """The modules in two columns of about the same length, in order (the first column reads first)."""
    sizes = [len(m["title"]) + sum(len(o) for o in m["outcomes"]) for m in modules]
    total, running, split = sum(sizes), 0, len(modules)
    for i, size in enumerate(sizes):
        if running + size / 2 > total / 2:
            split = i
            break
        running += size
    split = max(split, 1) if len(modules) > 1 else len(modules)
    return [part for part in (modules[:split], modules[split:]) if part]


def certificate_html(cert: Certificate) -> str:
    url = verification_url(cert)
    return render_template(
        "certificates/pdf.html",
        cert=cert,
        claim=cert.claim,
        url=url,
        qr=qr_data_uri(url),
        columns=columns(cert.claim["modules"]),
        lang=LANG,
    )


def _fonts():
    """One font configuration per worker: WeasyPrint caches the fonts it has loaded in it."""
    from weasyprint.text.fonts import FontConfiguration

    app = current_app._get_current_object()
    fonts = app.extensions.get("equiptrain.certificate_fonts")
    if fonts is None:
        fonts = app.extensions["equiptrain.certificate_fonts"] = FontConfiguration()
    return fonts


def certificate_pdf(cert: Certificate) -> bytes:
    """The PDF bytes of one certificate."""
    return tagged_pdf.write(certificate_html(cert), font_config=_fonts())


def stored(cert: Certificate) -> CertificatePdf:
    """The certificate's stored PDF, drawn and stored now if it has none yet (the first download after a failed
    or switched-off background drawing). The drawing (a third of a second) happens before the write lock is
    taken, so other requests' writes do not queue behind it."""
    found = db.session.get(CertificatePdf, cert.id)
    if found is not None:
        return found
    cert_id = cert.id
    data = certificate_pdf(cert)
    if not transaction.writing():  # a reading request (a download): end the read, then write briefly
        transaction.end_transaction()
        transaction.writes_now()
    found = db.session.get(CertificatePdf, cert_id)  # another worker may have stored it meanwhile
    if found is None:
        found = CertificatePdf(certificate_id=cert_id, data=data, etag=hashlib.sha256(data).hexdigest())
        try:
            with db.session.begin_nested():
                db.session.add(found)
        except IntegrityError:  # a concurrent download or the background task stored it first
            found = db.session.get(CertificatePdf, cert_id)
            assert found is not None
    return found


def draw_after_issue(certificate_id: int) -> None:
    """The background task run once a new certificate commits: draw and store its PDF."""
    transaction.reads_first()  # draw first, holding no lock; `stored` takes the write lock to insert
    cert = db.session.get(Certificate, certificate_id)
    if cert is not None:  # gone if the issuing transaction was undone
        stored(cert)
