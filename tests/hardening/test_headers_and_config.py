"""Security headers, request size limits and the refusal to start without secrets."""
import pytest
from demo_ids import VILLAGE

from portal import create_app
from portal.config import UnsafeConfig

PUBLIC_PAGES = ["/", f"/villages/{VILLAGE}", "/townships/339901101", "/no-such-page"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_sends_a_strict_policy(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS


def test_pages_have_no_inline_script_or_style(client):
    body = client.get(f"/villages/{VILLAGE}").get_data(as_text=True)
    assert "<script" not in body and "style=" not in body and "<style" not in body


def test_hsts_under_https(client):
    headers = client.get("/", base_url="https://portal.example").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("url", ["/complaints/new", "/complaints/track", "/auth/login"])
def test_private_areas_keep_their_referrer_on_site_and_send_no_store(client, url):
    headers = client.get(url).headers
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_oversized_request_gets_a_friendly_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/complaints/track", data={"receipt": "1" * 4096})
    assert response.status_code == 413
    assert "太大" in response.get_data(as_text=True)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "PORTAL_ENCRYPTION_KEY", "RECEIPT_PEPPER"])
def test_production_refuses_to_start_without_secrets(monkeypatch, tmp_path, missing):
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    monkeypatch.setenv("PORTAL_ENV", "production")
    for name in ("SECRET_KEY", "PORTAL_ENCRYPTION_KEY", "RECEIPT_PEPPER"):
        monkeypatch.setenv(name, "x" * 44)
    monkeypatch.setenv("PORTAL_ENCRYPTION_KEY", "q5xJ5o0m0h8O5c0mN0Yq7r1m4b2x2n7zQf3m8T0lV2U=")
    monkeypatch.delenv(missing)
    with pytest.raises(UnsafeConfig):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not (tmp_path / "secret_key").exists()


def test_production_secure_cookies(monkeypatch, tmp_path, database_url):
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example.gov.cn")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("PORTAL_ENCRYPTION_KEY", "q5xJ5o0m0h8O5c0mN0Yq7r1m4b2x2n7zQf3m8T0lV2U=")
    monkeypatch.setenv("RECEIPT_PEPPER", "p" * 32)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
