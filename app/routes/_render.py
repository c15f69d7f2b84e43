"""Decide "fragment or full page" in one place, and always say the answer varies by HX-Request."""

from __future__ import annotations

from flask import make_response, render_template, url_for
from htmx_flask import request
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """A fragment only for an htmx request that is neither boosted nor a history restore."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def described_by_method(response):
    """Point an answer carrying late figures (a CSV, the API) at the page that explains how they are counted."""
    response.headers["Link"] = f'<{url_for("late.methodology", _external=True)}>; rel="describedby"'
    return response


def render_page(template: str, block: str, oob: tuple[str, ...] = (), **context):
    """Render the whole page, or only `block` of it for htmx; same markup either way.

    `oob` names partials that the page includes outside `block` but that change with it: the
    fragment carries them too, rendered with `oob=True` so that htmx swaps them out of band.
    """
    if wants_fragment():
        html = render_block(template, block, **context)
        html += "".join(render_template(partial, oob=True, **context) for partial in oob)
    else:
        html = render_template(template, **context)
    response = make_response(html)
    response.vary.add("HX-Request")
    return response
