"""Decide "fragment or full page" in one place, and always say the answer varies by HX-Request."""
from __future__ import annotations

from flask import make_response, render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """A fragment only for an htmx request that is neither boosted nor a history restore."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(template: str, block: str, **context):
    """Render the whole page, or only `block` of it for htmx; same markup either way."""
    html = render_block(template, block, **context) if wants_fragment() else render_template(template, **context)
    response = make_response(html)
    response.vary.add("HX-Request")
    return response
