"""The portal as production serves it: behind a reverse proxy that gzips text (nginx `gzip on`).

gunicorn itself never compresses; the browser tests wrap the app in this small WSGI middleware so the
bytes measured over the wire are the ones a resident's phone receives. Run: GUNICORN_APP=tests.browser.gzip_app:app
"""
import gzip

from portal import create_app

TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml", "application/atom+xml")
MIN_SIZE = 256  # nginx's gzip_min_length is 20; tiny bodies are not worth it either way


class Gzip:
    """Compress text responses for clients that accept gzip, as nginx's gzip module does."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return self.wsgi_app(environ, start_response)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body_iter = self.wsgi_app(environ, capture)
        try:
            body = b"".join(body_iter)
        finally:
            if hasattr(body_iter, "close"):
                body_iter.close()
        headers = captured["headers"]
        names = {k.lower(): v for k, v in headers}
        if (len(body) >= MIN_SIZE and names.get("content-type", "").startswith(TEXT_TYPES)
                and "content-encoding" not in names):
            body = gzip.compress(body, compresslevel=6)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
            vary = names.get("vary")
            headers = [(k, v) for k, v in headers if k.lower() != "vary"]
            headers.append(("Vary", f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"))
        start_response(captured["status"], headers)
        return [body]


app = create_app()
app.wsgi_app = Gzip(app.wsgi_app)
