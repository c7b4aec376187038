"""Issue 24, speed: static files precompressed (Brotli and gzip) with long cache lifetimes, the NHS.UK stylesheet
without the font rules our content policy blocks, and HTML compressed only where BREACH cannot reach it."""

from __future__ import annotations

import gzip
import re

import brotli
from itsdangerous import URLSafeTimedSerializer

from equiptrain.compression import mask, unmask

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _get(client, url, **headers):
    """A static file through WhiteNoise, read and closed (its file stays open until the response is closed)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def test_static_files_are_served_precompressed_for_a_year(app, client):
    css = app.jinja_env.globals["nhsuk_css"]
    response = _get(client, f"/vendor/nhsuk/{css}", **{"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert "immutable" in response.headers["Cache-Control"] and "Accept-Encoding" in response.headers["Vary"]
    plain = _get(client, f"/vendor/nhsuk/{css}").data
    assert brotli.decompress(response.data) == plain and len(response.data) < len(plain) / 5
    ours = _get(client, "/static/css/equiptrain.css?v=x", **{"Accept-Encoding": "gzip"})
    assert ours.headers["Content-Encoding"] == "gzip" and "immutable" in ours.headers["Cache-Control"]
    icon = _get(client, "/assets/images/favicon.svg", **{"Accept-Encoding": "gzip"})
    assert icon.headers["Content-Encoding"] == "gzip" and "max-age=31536000" in icon.headers["Cache-Control"]


def test_the_nhsuk_stylesheet_has_no_font_rules_our_policy_would_block(app, client):
    css = _get(client, f"/vendor/nhsuk/{app.jinja_env.globals['nhsuk_css']}").get_data(as_text=True)
    assert "@font-face" not in css and "assets.nhs.uk" not in css
    assert ".nhsuk-header" in css  # the rest is there


def test_a_page_without_a_form_or_a_query_is_compressed(client):
    response = client.get("/about", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    assert b"</html>" in gzip.decompress(response.data)


def test_reflected_input_is_never_compressed(client):
    assert "Content-Encoding" not in client.get("/about?x=guess", headers={"Accept-Encoding": "br"}).headers
    response = client.post("/sign-in", data={"email": "guess@example.org"}, headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in response.headers


def test_a_compressed_page_carries_its_csrf_token_masked_afresh_and_the_mask_is_accepted(
    app, client, build, login, csrf_on
):
    login(build.user())
    pages = [
        brotli.decompress(client.get("/account", headers={"Accept-Encoding": "br"}).data).decode() for _ in range(2)
    ]
    first, second = (TOKEN.search(p).group(1) for p in pages)
    # Flask-WTF signs the session's token with the time, so two pages a second apart carry different signatures
    # of the same token: compare what they sign.
    signed = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    assert first != second and first.startswith("m1.") and signed.loads(unmask(first)) == signed.loads(unmask(second))
    assert unmask(first) not in pages[0]  # the session's token itself never appears in a compressed page
    assert client.post("/sign-out", data={"csrf_token": second}).status_code == 302


def test_a_forged_mask_is_refused(client, build, login, csrf_on):
    login(build.user())
    assert client.post("/sign-out", data={"csrf_token": mask("not the token")}).status_code == 400
    assert client.post("/sign-out", data={"csrf_token": "m1.%%%"}).status_code == 400


def test_static_files_carry_the_same_security_headers_as_pages(client):
    # WhiteNoise answers before Flask's after_request hook runs, so it adds them itself.
    page = client.get("/")
    for url in ("/static/css/equiptrain.css?v=x", "/assets/images/favicon.svg"):
        served = _get(client, url)
        assert served.status_code == 200, url
        for name in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy"):
            assert served.headers[name] == page.headers[name], (url, name)
        assert served.headers["X-Content-Type-Options"] == "nosniff"
