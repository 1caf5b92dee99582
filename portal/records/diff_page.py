"""The public "what changed" page between two revisions of any published subject."""
from flask import abort, render_template, request, url_for

from portal.core.http import revalidate
from portal.records.diff import diff_revisions, pick_pair


def diff_response(village, revisions, *, etag_key: str, back_url: str, endpoint: str, **endpoint_args):
    """Answer the diff page for the revisions named by ?from=&to= (404 when they do not exist).

    Call it from a view decorated with `core.http.conditional`.
    """
    pair = pick_pair(revisions, request.args.get("from", type=int), request.args.get("to", type=int))
    if pair is None:
        abort(404)
    old, new = pair
    revalidate(etag_key, old.subject_id, old.number, new.number, village.content_version,
               last_modified=new.published_at)
    return render_template(
        "records/revision_diff.html", village=village, old=old, new=new, revisions=revisions,
        diff=diff_revisions(old.title, old.content, new.title, new.content), back_url=back_url,
        pair_url=lambda a, b: url_for(endpoint, **endpoint_args, **{"from": a, "to": b}),
    )
