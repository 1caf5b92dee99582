"""The resident's 一卡通 self-check: ID number and name in, their own payments out (POST only, nothing logged)."""
from flask import render_template, request

from portal.subsidies import service
from portal.subsidies.blueprint import bp
from portal.subsidies.keys import compact, mask_id
from portal.subsidies.ratelimit import check_limit


@bp.errorhandler(429)
def too_many(_exc):
    return render_template("subsidies/rate_limited.html"), 429


@bp.route("/check", methods=["GET", "POST"])
@check_limit
def check_show():
    if request.method == "GET":
        return render_template("subsidies/check_form.html", errors={}, typed={})
    id_text, name_text = request.form.get("id_number", ""), request.form.get("name", "")
    lines, errors = service.lookup(id_text, name_text)
    if errors:  # what was typed comes back beside the messages; nothing is kept
        typed = {"id_number": id_text[:40], "name": name_text[:40]}
        return render_template("subsidies/check_form.html", errors=errors, typed=typed), 400
    return render_template("subsidies/check_result.html", lines=lines, total=sum(line.amount or 0 for line in lines),
                           name=name_text.strip()[:40], masked=mask_id(compact(id_text)))
