"""The one list of blueprints the portal serves."""
import importlib

from flask import Flask

# (module, attribute), in registration order.
BLUEPRINTS = (
    ("portal.places.views", "bp"),
    ("portal.powers.views", "bp"),
    ("portal.disclosures.views", "bp"),
    ("portal.duty.views", "bp"),
    ("portal.records.views", "bp"),
    ("portal.files", "bp"),
    ("portal.feeds", "bp"),
    ("portal.poster", "bp"),
    ("portal.accounts.views", "bp"),
    ("portal.admin.views", "bp"),
    ("portal.publish.views", "bp"),
    ("portal.complaints.views", "bp"),
    ("portal.complaints.triage", "bp"),
    ("portal.duty.evaluation", "bp"),
    ("portal.oversight.views", "bp"),
    ("portal.oversight.polls", "bp"),
    ("portal.api.views", "bp"),
)


def register_blueprints(app: Flask) -> None:
    """Import and register each capability's blueprint (capabilities not present are skipped)."""
    for module_name, attr in BLUEPRINTS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if not module_name.startswith(str(exc.name)):
                raise
            continue
        app.register_blueprint(getattr(module, attr))
