"""Static files served precompressed (gzip and Brotli) with long cache lifetimes, through WhiteNoise.

At start-up the files a browser fetches are gathered into one folder keyed by their content (our `static/`, the
NHS.UK frontend's stylesheet, script and images), compressed once at the highest levels, and handed to WhiteNoise,
which answers each request with the smallest encoding the browser accepts, before Flask sees it. A folder that
already exists for the same content is reused, so start-up after the first costs only the hashing.

The NHS.UK stylesheet's two `@font-face` rules point at assets.nhs.uk, which our content policy (font-src 'self')
blocks: four console errors on every page and no font either way. The copy we serve has them removed, so the
fallback font stack (Arial, sans-serif) is used without a failed request.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from equiptrain.headers import security_headers

YEAR = 365 * 24 * 3600
_FONT_FACE = re.compile(rb"@font-face\s*\{[^}]*\}")


def without_font_faces(css: bytes) -> bytes:
    """The NHS.UK stylesheet without its web-font rules (see the module's docstring)."""
    return _FONT_FACE.sub(b"", css)


def _sources(app: Flask) -> list[tuple[Path, str]]:
    """(file, path under the build folder) for every file served."""
    found: list[tuple[Path, str]] = []
    static = Path(app.static_folder or "")
    found += [(p, "static/" + p.relative_to(static).as_posix()) for p in sorted(static.rglob("*")) if p.is_file()]
    frontend = Path(app.config["NHSUK_FRONTEND_DIR"])
    if frontend.is_dir():
        assets = frontend / "assets"
        found += [(p, "assets/" + p.relative_to(assets).as_posix()) for p in sorted(assets.rglob("*")) if p.is_file()]
        for pattern in ("nhsuk-frontend*.min.css", "nhsuk-frontend*.min.js"):
            found += [(p, "vendor/nhsuk/" + p.name) for p in sorted(frontend.glob(pattern))]
    return found


def build(app: Flask) -> Path:
    """The folder of served files with their .gz and .br neighbours, built once per content."""
    sources = _sources(app)
    digest = hashlib.sha256()
    for path, name in sources:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    root = Path(app.config["STATIC_BUILD_DIR"])
    target = root / digest.hexdigest()[:16]
    if (target / ".complete").exists():
        return target
    partial = root / f"{target.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    compressor = Compressor(quiet=True)
    for path, name in sources:
        out = partial / name
        out.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        if name.startswith("vendor/nhsuk/") and name.endswith(".css"):
            data = without_font_faces(data)
        out.write_bytes(data)
        if compressor.should_compress(name):
            compressor.compress(str(out))
    (partial / ".complete").write_text("ok\n")
    try:
        partial.rename(target)
    except OSError:  # another process built the same content first
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _immutable(path: str, url: str) -> bool:
    # Versioned names (nhsuk-frontend-10.6.1.min.css) and our files (their URLs carry ?v=<content hash>).
    return url.startswith(("/static/", "/vendor/nhsuk/nhsuk-frontend-"))


def init_app(app: Flask) -> None:
    if not app.config.get("STATIC_BUILD_DIR"):
        app.config["STATIC_BUILD_DIR"] = str(Path(app.instance_path) / "static-build")
    folder = build(app)
    sent = security_headers(app.config["PRODUCTION"])

    def add_headers(headers, path: str, url: str) -> None:
        for name, value in sent:
            headers[name] = value

    served = WhiteNoise(
        app.wsgi_app, max_age=YEAR, immutable_file_test=_immutable, add_headers_function=add_headers, autorefresh=False
    )
    served.add_files(str(folder / "static"), prefix="static/")
    served.add_files(str(folder / "assets"), prefix="assets/")
    served.add_files(str(folder / "vendor"), prefix="vendor/")
    app.wsgi_app = served  # type: ignore[method-assign]
