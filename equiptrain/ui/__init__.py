"""The page furniture every feature shares, one job a module: `nav` (the main navigation and the home page's
panels, which features add to), `layout` (the header and footer, rendered once per app from the NHS.UK macros)
and `assets` (versioned static URLs and the installed NHS.UK frontend's file names)."""

from __future__ import annotations

from flask import Flask

from . import assets, layout
from .nav import add_home_panel, add_nav, home_panels

__all__ = ["add_home_panel", "add_nav", "home_panels", "init_app"]


def init_app(app: Flask) -> None:
    layout.init_app(app)
    assets.init_app(app)
