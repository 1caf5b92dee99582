"""Names every template may use: the text-size choice, the home link, cheap links and the permission predicates;
compiled templates kept across worker restarts."""
import logging
import os

from flask import Flask, request
from jinja2 import FileSystemBytecodeCache

from portal.core.permissions import template_predicates
from portal.core.urls import fixed_url, place_url


def _helpers() -> dict:
    return {
        "text_large": request.cookies.get("textsize") == "large",
        "home_url": fixed_url("home.home"),
        **template_predicates(),
    }


log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Offer the helpers to every template; keep compiled templates in instance/template-cache."""
    app.context_processor(_helpers)
    _keep_compiled_templates(app)
    app.jinja_env.globals.update(place_url=place_url, fixed_url=fixed_url)


def _keep_compiled_templates(app: Flask) -> None:
    """Compile each template once per deployment, not once per worker: compiling the village page's
    four templates cost a new worker ~75 ms on its first request (docs/performance.md).

    Entries are keyed by the template's source, so an edited template is compiled afresh; the
    directory is private to the portal's user, because what it holds is run as code.
    """
    directory = os.path.join(app.instance_path, "template-cache")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        os.chmod(directory, 0o700)
    except OSError as exc:
        log.warning("Compiled templates are not kept (%s): each worker compiles its own", exc)
        return
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(directory)
