"""Names every template may use: the text-size choice, the home link and the permission predicates."""
from flask import Flask, request, url_for

from portal.core.permissions import template_predicates


def _helpers() -> dict:
    return {
        "text_large": request.cookies.get("textsize") == "large",
        "home_url": url_for("home.home"),
        **template_predicates(),
    }


def init_app(app: Flask) -> None:
    """Offer the helpers to every template."""
    app.context_processor(_helpers)
