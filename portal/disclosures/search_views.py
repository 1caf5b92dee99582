"""Search inside the county's disclosures (/disclosures/search?q=)."""
import hashlib

from flask import Blueprint, render_template, request

from portal.core.http import cached_page, not_modified, page_etag
from portal.core.timezone import local_today
from portal.disclosures import search as service
from portal.disclosures.archive import DOMAINS

bp = Blueprint("search", __name__)


@bp.get("/disclosures/search")
def disclosure_search():
    criteria, errors = service.parse(request.args, service.village_by_code)
    results = None
    if criteria.query and not errors:
        try:
            results = service.search(criteria, local_today().year)
        except service.SearchError as exc:
            errors[exc.field] = exc.message
    body = render_template("disclosures/search.html", criteria=criteria, results=results, errors=errors,
                           domains=DOMAINS, years=service.years())
    if errors:
        return body, 400
    # The answer's own bytes are its validator: a search has no single "last modified" moment.
    etag = page_etag("disclosure-search", hashlib.sha256(body.encode()).hexdigest())
    return not_modified(etag, None) or cached_page(body, etag, None)
