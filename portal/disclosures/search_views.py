"""Search inside the county's disclosures (/disclosures/search?q=)."""
from flask import Blueprint, render_template, request

from portal.core.http import conditional
from portal.core.timezone import local_today
from portal.disclosures import search as service
from portal.disclosures.archive import DOMAINS

bp = Blueprint("search", __name__)


@bp.get("/disclosures/search")
@conditional
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
    # The answer's own bytes are its validator (conditional): a search has no single "last modified" moment.
    return (body, 400) if errors else body
