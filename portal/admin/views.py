"""The admin area's home page; the pages of each part live in their own modules."""
from flask import render_template
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.admin.blueprint import bp
from portal.core import mail, sms
from portal.extensions import db
from portal.places.models import Township, Village
from portal.powers.models import PowerTemplate


@bp.get("/")
def home():
    """Show the admin area's sections with their sizes."""
    counts = {
        "accounts": db.session.scalar(select(func.count(User.id)).where(User.is_active_flag.is_(True))),
        "townships": db.session.scalar(select(func.count(Township.id))),
        "villages": db.session.scalar(select(func.count(Village.id))),
        "templates": db.session.scalar(select(func.count(PowerTemplate.id))),
    }
    return render_template("admin/home.html", counts=counts, outbox=mail.outbox_counts(),
                           sms_outbox=sms.outbox_counts())

