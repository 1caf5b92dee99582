"""Gunicorn settings for the portal: `gunicorn -c gunicorn.conf.py "portal:create_app()"`.

Every value can be overridden from the environment (the systemd unit's
EnvironmentFile), so one file serves production, the benchmark and the tests.
"""
import multiprocessing
import os

# PORT alone means "every interface" is NOT wanted: behind nginx the app listens on loopback.
_port = os.environ.get("PORT", "8000")
bind = os.environ.get("GUNICORN_BIND") or (_port if ":" in _port or "/" in _port else f"127.0.0.1:{_port}")

# 2 × cores + 1, capped: each worker holds a database connection pool and ~80 MB.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 9))
# Threads > 1 selects the gthread worker, which keeps connections alive between requests.
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# A request that takes 30 s is stuck (an upload is streamed by nginx first, see docs/deploy.md).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (systemctl stop/restart) workers finish in-flight requests for up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Recycle workers now and then so a slow leak can never take the site down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10 if max_requests else 0

# Each worker builds its own app: no database connections or secrets shared across fork().
preload_app = False

# Only the reverse proxy may tell us the client's scheme and address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips

# The access log never carries a client address, user agent, referrer or query
# string: a complainant must not be identifiable from the server's logs
# (docs/security.md). Method, path, status, size and duration are enough to run
# the site.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Headers and bodies are not dumped even at debug level.
capture_output = False

proc_name = "sunshine-portal"
wsgi_app = os.environ.get("GUNICORN_APP", "portal:create_app()")
