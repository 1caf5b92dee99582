"""Import every model module so metadata (and migrations) see all tables."""
import importlib

MODEL_MODULES = (
    "portal.places.models",
    "portal.accounts.models",
    "portal.powers.models",
    "portal.records.models",
    "portal.disclosures.models",
    "portal.duty.models",
    "portal.complaints.models",
    "portal.oversight.models",
    "portal.settings_model",
    "portal.audit",
    "portal.mail",
)


def import_all_models() -> None:
    """Import the model modules (idempotent)."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
