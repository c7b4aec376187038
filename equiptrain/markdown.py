"""The one place Markdown becomes HTML: a fixed extension set, then the nh3 allow-list, always."""

from __future__ import annotations

from collections.abc import Callable

import markdown as md
import nh3
from markupsafe import Markup

# Course content: what trainers may use in unit pages, briefs and debriefs.
CONTENT_EXTENSIONS = ["tables", "fenced_code", "footnotes", "def_list", "abbr", "admonition", "sane_lists", "smarty"]
# What a learner types (reflections, comments): plain paragraphs, lists and emphasis.
USER_EXTENSIONS = ["sane_lists"]

_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "blockquote",
    "code",
    "pre",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
    "abbr",
    "sup",
    "div",
}
_USER_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "blockquote", "code", "a"}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}, "sup": {"id"}, "li": {"id"}}
_BOX_KINDS = {"lived-experience", "example", "note", "warning"}
# Setting variants of a section (see content/variants.py): one box class per team setting.
_SETTING_BOXES = {
    f"setting-{s}" for s in ("all", "community", "inpatient", "crisis", "later_life", "early_intervention", "other")
}
_CLASSES = {"div": {"admonition", "footnote", *_BOX_KINDS, *_SETTING_BOXES}, "p": {"admonition-title"}}
_SCHEMES = {"http", "https", "mailto"}

LinkResolver = Callable[[str], str | None]


def _rewrite_links(html: str, resolve: LinkResolver | None) -> str:
    """Replace `unit:` hrefs with real paths; an unresolvable link loses its href (the validator reports it)."""
    if resolve is None or 'href="unit:' not in html:
        return html
    out, pos = [], 0
    marker = 'href="unit:'
    while (start := html.find(marker, pos)) != -1:
        end = html.find('"', start + len(marker))
        target = html[start + len(marker) : end]
        url = resolve(target)
        out.append(html[pos:start])
        out.append(f'href="{url}"' if url else 'href="#"')
        pos = end + 1
    out.append(html[pos:])
    return "".join(out)


def render_content(text: str, resolve_unit_link: LinkResolver | None = None) -> str:
    """Course Markdown to sanitised HTML (run at sync, stored, never per request)."""
    html = md.markdown(text, extensions=CONTENT_EXTENSIONS, output_format="html")
    html = _rewrite_links(html, resolve_unit_link)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_user_text(text: str) -> Markup:
    """What a person typed, as safe HTML: paragraphs and lists, nothing executable."""
    html = md.markdown(text or "", extensions=USER_EXTENSIONS, output_format="html")
    return Markup(
        nh3.clean(
            html,
            tags=_USER_TAGS,
            attributes={"a": {"href"}},
            url_schemes=_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )
