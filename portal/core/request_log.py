"""The development server logs requests like production: no client address, no query string.

Werkzeug's request log (``make run``) starts each line with the client's address and shows
the full URL; gunicorn's access log in production shows neither (docs/security.md). This
filter rewrites Werkzeug's lines to ``[time] "GET /path HTTP/1.1" 200 1234``.
"""
import logging
import re

_REQUEST = re.compile(r"^\S+ - - \[([^\]]*)\] (.*)$", re.S)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class PrivateRequestLog(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        match = _REQUEST.match(str(record.msg))
        if not match:
            return True
        when, rest = match.groups()
        args = record.args if isinstance(record.args, tuple) else ()
        if rest.startswith('"%s" %s %s') and len(args) == 3:
            line, code, size = args
            line = _ANSI.sub("", str(line))
            method, _, remainder = line.partition(" ")
            target, _, version = remainder.rpartition(" ") if " " in remainder else (remainder, "", "")
            record.msg = '[%s] "%s %s %s" %s %s'
            record.args = (when, method, target.split("?", 1)[0], version, code, size)
        else:  # errors about a request (bad request line …): keep the text, drop the address
            record.msg = f"[{when}] {rest}"
        return True


def install() -> None:
    """Attach the filter to Werkzeug's logger once."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, PrivateRequestLog) for f in logger.filters):
        logger.addFilter(PrivateRequestLog())


APP_LOGGERS = ("portal", "flask-limiter")


def route_app_logs(app) -> None:
    """Send the portal's own log lines (500 tracebacks, fallbacks, conflicts) to the configured error log.

    Under gunicorn that is gunicorn's error log (``GUNICORN_ERROR_LOG``); elsewhere Flask's
    default handler (standard error, or the WSGI server's error stream).
    """
    server_log = logging.getLogger("gunicorn.error")
    for name in APP_LOGGERS:
        logger = logging.getLogger(name)
        if server_log.handlers:
            logger.handlers = list(server_log.handlers)
            logger.setLevel(min(server_log.level or logging.INFO, logging.INFO))
            logger.propagate = False
        else:
            from flask.logging import default_handler

            if default_handler not in logger.handlers:
                logger.addHandler(default_handler)
            if logger.level == logging.NOTSET:
                logger.setLevel(logging.INFO)
    app.logger  # noqa: B018 - Flask attaches its handler on first use
