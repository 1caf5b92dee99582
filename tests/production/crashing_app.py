"""The portal with one extra page that fails, to see where a 500's traceback goes under gunicorn.

Run: GUNICORN_APP='tests.production.crashing_app:create()'
"""
from portal import create_app

MARKER = "deliberate failure 8d1f"


def create():
    app = create_app()

    def boom():
        raise RuntimeError(MARKER)

    app.add_url_rule("/_boom", "boom", boom)
    return app
