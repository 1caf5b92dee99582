"""Assemble the JSON API from its route modules."""
import importlib

from portal.api.blueprint import bp

# Route modules by capability; each registers its routes on ``bp`` when imported.
ROUTE_MODULES = ("portal.api.public", "portal.api.complaints", "portal.api.openapi")

for _name in ROUTE_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as exc:
        if exc.name != _name:
            raise

__all__ = ["bp"]
