"""/admin/: every administration page a person may open, with what each is for. Pages register themselves through
`ui.add_nav` with administrator-only roles, so a new admin page appears here without editing this file."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from equiptrain.authz import roles_required
from equiptrain.ui.nav import admin_links, roles_of

bp = Blueprint("hub", __name__)


@bp.route("/admin/")
@roles_required("admin", "platform_admin")
def index():
    links = [(item.label, url_for(item.endpoint), item.description) for item in admin_links(roles_of(current_user))]
    return render_template("hub/index.html", links=links)
