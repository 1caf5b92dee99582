"""Configuration: safe defaults, environment overrides, keys kept in instance/."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

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
        # If Redis goes away, keep limiting per worker in memory rather than failing requests.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") != "0",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Production is served over HTTPS only: cookies never travel in clear text.
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "1" if env == "production" else "0") == "1",
        "REMEMBER_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "1" if env == "production" else "0") == "1",
        # Behind a reverse proxy: trust one hop of X-Forwarded-For/-Proto/-Host (create_app adds ProxyFix).
        "TRUST_PROXY": os.environ.get("TRUST_PROXY", "0") == "1",
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
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "PAGE_SIZE": 20,
    }
    secret = os.environ.get("SECRET_KEY")
    enc_key = os.environ.get("PORTAL_ENCRYPTION_KEY")
    pepper = os.environ.get("RECEIPT_PEPPER")
    if not development and (not secret or not enc_key or not pepper):
        raise UnsafeConfig(
            "SECRET_KEY, PORTAL_ENCRYPTION_KEY and RECEIPT_PEPPER must be set when PORTAL_ENV is not development"
        )
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
    return cfg
