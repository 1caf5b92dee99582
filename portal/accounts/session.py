"""Who is signed in: Flask-Login's user loader."""
from portal.accounts.models import User
from portal.extensions import db, login_manager


@login_manager.user_loader
def load_user(token: str):
    """Return the signed-in user of a session token "id:session_version", or None."""
    try:
        user_id, version = (int(part) for part in token.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    # A bumped session_version (logout, password change, deactivation) ends old cookies.
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user
