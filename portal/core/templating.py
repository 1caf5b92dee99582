"""Names every template may use: the text-size choice, the home link, cheap links and the permission predicates."""
from flask import Flask, request

from portal.core.permissions import template_predicates
from portal.core.urls import fixed_url, place_url


def _helpers() -> dict:
    return {
        "text_large": request.cookies.get("textsize") == "large",
        "home_url": fixed_url("home.home"),
        **template_predicates(),
    }


def init_app(app: Flask) -> None:
    """Offer the helpers to every template."""
    app.context_processor(_helpers)
    app.jinja_env.globals.update(place_url=place_url, fixed_url=fixed_url)
