"""The county's emblem: one picture the county admin uploads, shown on the home page and in share cards.

The file goes through the shared upload store (checked by content, metadata removed) so every
app server reads it; the setting names the stored file and its hash, which is also the public
name, so a new emblem is a new address and browsers may keep the old one for ever.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image

from portal.core import audit
from portal.core.errors import PortalError
from portal.core.settings import get_setting, set_setting
from portal.core.storage import open_upload, remove_upload, store_upload

SETTING = "county_emblem"
ALLOWED = ("image/png", "image/jpeg")
MAX_BYTES = 1024 * 1024
MAX_SIDE = 2000  # a crest, not a photo


@dataclass(frozen=True)
class Emblem:
    stored_name: str
    mime_type: str
    sha256: str

    @property
    def public_name(self) -> str:
        """The name in the emblem's public address: changes whenever the picture does."""
        return self.sha256[:20] + (".png" if self.mime_type == "image/png" else ".jpg")


def current() -> Emblem | None:
    """The county's emblem, or None when none was uploaded."""
    value = get_setting(SETTING)
    if not isinstance(value, dict):
        return None
    try:
        return Emblem(value["stored_name"], value["mime_type"], value["sha256"])
    except KeyError:
        return None


def replace(file_storage, actor=None) -> Emblem:
    """Store a new emblem (the caller commits); the previous file is removed after the commit by ``forget``.

    Refused with a message on the field ``emblem``: not a PNG or JPEG, over 1 MB, or larger than
    2000 pixels on a side.
    """
    stored = store_upload(file_storage, allowed=ALLOWED, max_bytes=MAX_BYTES, field="emblem")
    try:
        _check_size(stored)
    except PortalError:
        remove_upload(stored.stored_name)
        raise
    emblem = Emblem(stored.stored_name, stored.mime_type, stored.sha256)
    set_setting(SETTING, {"stored_name": emblem.stored_name, "mime_type": emblem.mime_type, "sha256": emblem.sha256})
    audit.record("emblem_update", "setting", SETTING, emblem.sha256[:12], user=actor)
    return emblem


def remove(actor=None) -> Emblem | None:
    """Stop showing an emblem (the caller commits, then deletes the returned file with ``forget``)."""
    old = current()
    if old is not None:
        set_setting(SETTING, None)
        audit.record("emblem_remove", "setting", SETTING, old.sha256[:12], user=actor)
    return old


def forget(emblem: Emblem | None) -> None:
    """Delete an emblem's file once no setting points to it any more."""
    if emblem is not None:
        remove_upload(emblem.stored_name)


def _check_size(stored) -> None:
    with open_upload(stored.stored_name) as handle, Image.open(handle) as image:
        if max(image.size) > MAX_SIDE:
            raise PortalError(_l("The emblem may be at most %(px)d pixels wide and high.", px=MAX_SIDE),
                              field="emblem")
