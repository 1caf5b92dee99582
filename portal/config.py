"""Configuration: safe defaults, environment overrides, keys kept in instance/."""
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet


class UnsafeConfig(RuntimeError):
    """Raised when a production start lacks a required secret."""


def _instance_secret(instance: Path, name: str, make) -> str:
    """Read a secret from instance/, creating it on first run (never committed)."""
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    value = make()
    # Several gunicorn workers start at once: write aside, then link into place,
    # so exactly one value wins and nobody ever reads a half-written file.
    tmp = instance / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    try:
        os.link(tmp, path)
    except FileExistsError:
        value = path.read_text().strip()
    finally:
        tmp.unlink()
    return value


def build_config(instance_path: str) -> dict:
    """Assemble the configuration from defaults and the environment."""
    instance = Path(instance_path)
    env = os.environ.get("PORTAL_ENV", "development")
    development = env in ("development", "test")
    cfg = {
        "PORTAL_ENV": env,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance / 'portal.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # PostgreSQL: seconds to connect, milliseconds a statement may run (portal/db_setup.py).
        "DB_CONNECT_TIMEOUT": int(os.environ.get("DB_CONNECT_TIMEOUT", 5)),
        "DB_STATEMENT_TIMEOUT_MS": int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", 15000)),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance / "uploads"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 26 * 1024 * 1024)),
        "MAX_UPLOAD_BYTES": int(os.environ.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)),
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "PORTAL_LOCALES": ["zh_Hans_CN", "en"],
        "PORTAL_TIMEZONE": "Asia/Shanghai",
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Several portals may share one Redis; each counts under its own prefix.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "portal"),
        # If Redis goes away or hangs, keep limiting per worker in memory rather than failing requests:
        # the error log says "Rate limit storage unreachable - falling back to in-memory storage",
        # later "Rate limit storage recovered" (docs/deploy.md). Any other limiter error is logged, not raised.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Seconds any Redis call may take (connect, send, answer) before the fallback takes over.
        "REDIS_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", 0.25)),
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") != "0",
        # Public pages shared by every worker and node (portal/core/page_cache.py): Redis, by default the
        # rate limiter's. Without it, development keeps pages in the process and production renders each time.
        "PAGE_CACHE_URL": os.environ.get("PAGE_CACHE_URL") or os.environ.get("REDIS_URL") or _redis_or_none(
            os.environ.get("RATELIMIT_STORAGE_URI", "")),
        "PAGE_CACHE_PREFIX": os.environ.get("PAGE_CACHE_PREFIX")
        or os.environ.get("RATELIMIT_KEY_PREFIX", "portal") + ":page:",
        # Seconds a stored page lives (a publish renews it at once); seconds the cache steps aside after a Redis error.
        "PAGE_CACHE_TIMEOUT": int(os.environ.get("PAGE_CACHE_TIMEOUT", 3600)),
        "PAGE_CACHE_RETRY": float(os.environ.get("PAGE_CACHE_RETRY", 5)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Production is served over HTTPS only: cookies never travel in clear text.
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "1" if env == "production" else "0") == "1",
        "REMEMBER_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "1" if env == "production" else "0") == "1",
        # Behind a reverse proxy: trust one hop of X-Forwarded-For/-Proto/-Host (create_app adds ProxyFix).
        "TRUST_PROXY": os.environ.get("TRUST_PROXY", "0") == "1",
        # The proxies whose X-Forwarded-* headers count (gunicorn.conf.py reads the same variable).
        "FORWARDED_ALLOW_IPS": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        # The bare /_bench/hello route, for the benchmark server only.
        "BENCH_ROUTES": os.environ.get("PORTAL_BENCH", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 60)),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "noreply@portal.invalid"),
        # Every SMTP socket operation gives up after this many seconds (a silent server cannot stall the sender).
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", 10)),
        # Failed sends are retried after 1, 2, 4 … minutes; after this many attempts a message is undeliverable.
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", 8)),
        # Where the public reaches the portal (posters, ballot sheets, feeds, e-mails). Required in
        # production; in development the address of each request is used (portal/urls.py).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or None,
        "PAGE_SIZE": 20,
        # Text messages to complainants who chose them: "log" (development) or "http" (a cloud SMS gateway).
        "SMS_PROVIDER": os.environ.get("SMS_PROVIDER", "log"),
        "SMS_API_URL": os.environ.get("SMS_API_URL"),
        "SMS_ACCESS_KEY_ID": os.environ.get("SMS_ACCESS_KEY_ID"),
        "SMS_ACCESS_KEY_SECRET": os.environ.get("SMS_ACCESS_KEY_SECRET"),
        "SMS_SIGN_NAME": os.environ.get("SMS_SIGN_NAME"),
        "SMS_TEMPLATE_CASE_UPDATE": os.environ.get("SMS_TEMPLATE_CASE_UPDATE"),
        "SMS_TEMPLATE_CASE_QUESTION": os.environ.get("SMS_TEMPLATE_CASE_QUESTION"),
        "SMS_REGION": os.environ.get("SMS_REGION", "cn-hangzhou"),
        "SMS_TIMEOUT": float(os.environ.get("SMS_TIMEOUT", 10)),
        "SMS_MAX_ATTEMPTS": int(os.environ.get("SMS_MAX_ATTEMPTS", 6)),
    }
    secret = os.environ.get("SECRET_KEY")
    enc_key = os.environ.get("PORTAL_ENCRYPTION_KEY")
    pepper = os.environ.get("RECEIPT_PEPPER")
    if not development and (not secret or not enc_key or not pepper):
        raise UnsafeConfig(
            "SECRET_KEY, PORTAL_ENCRYPTION_KEY and RECEIPT_PEPPER must be set when PORTAL_ENV is not development"
        )
    if not development and not cfg["PUBLIC_BASE_URL"]:
        raise UnsafeConfig(
            "PUBLIC_BASE_URL must be set when PORTAL_ENV is not development "
            "(e.g. https://portal.example.gov.cn): posters, ballot sheets, feeds and e-mails print it")
    if problems := sms_config_problems(cfg):
        raise UnsafeConfig("; ".join(problems))
    cfg["SECRET_KEY"] = secret or _instance_secret(
        instance, "secret_key", lambda: secrets.token_hex(32)
    )
    cfg["PORTAL_ENCRYPTION_KEY"] = enc_key or _instance_secret(
        instance, "encryption_key", lambda: Fernet.generate_key().decode()
    )
    # A per-deployment salt so receipts and ballot codes can be looked up by hash.
    cfg["RECEIPT_PEPPER"] = pepper or _instance_secret(
        instance, "receipt_pepper", lambda: secrets.token_hex(16)
    )
    # Keyed hashes of ID and card numbers in payment lists (一卡通 self-check); derived from SECRET_KEY when unset.
    cfg["SUBSIDY_HMAC_KEY"] = os.environ.get("SUBSIDY_HMAC_KEY") or None
    return cfg


def _redis_or_none(uri: str) -> str | None:
    # The limiter's redis+unix:// form is not a URL redis-py reads; set PAGE_CACHE_URL for a socket.
    return uri if uri.startswith(("redis://", "rediss://")) else None


SMS_TEMPLATE_SETTINGS = {"case_update": "SMS_TEMPLATE_CASE_UPDATE", "case_question": "SMS_TEMPLATE_CASE_QUESTION"}
SMS_HTTP_SETTINGS = ("SMS_API_URL", "SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET", "SMS_SIGN_NAME",
                     *SMS_TEMPLATE_SETTINGS.values())


def sms_config_problems(cfg) -> list[str]:
    """What is missing or wrong in the SMS settings (empty when the portal can send)."""
    name = (cfg.get("SMS_PROVIDER") or "log").lower()
    if name == "log":
        return []
    if name != "http":
        return [f"SMS_PROVIDER must be 'log' or 'http', not {name!r}"]
    problems = [f"{key} must be set when SMS_PROVIDER is http" for key in SMS_HTTP_SETTINGS if not cfg.get(key)]
    if cfg.get("SMS_API_URL") and urlsplit(cfg["SMS_API_URL"]).scheme not in ("http", "https"):
        problems.append("SMS_API_URL must be an http(s) address")
    return problems


def rate_limit_storage_options(cfg: dict) -> dict:
    """Options for the limiter's Redis client: short timeouts and no retries (a hung Redis must not stall pages)."""
    uri = cfg.get("RATELIMIT_STORAGE_URI") or ""
    if not uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return dict(cfg.get("RATELIMIT_STORAGE_OPTIONS") or {})
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    timeout = cfg.get("REDIS_TIMEOUT", 0.25)
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 0),
            "health_check_interval": 0, **(cfg.get("RATELIMIT_STORAGE_OPTIONS") or {})}
