"""The receipt after filing: kept for the visit until the resident says it is saved; copy, picture, print."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from portal.complaints import holds
from portal.complaints.blueprint import bp
from portal.complaints.clock import clock
from portal.complaints.receipt_card import find_cjk_font, render
from portal.complaints.receipts import format_receipt

SLOT = "receipt_hold"


def keep_receipt(complaint, receipt: str) -> None:
    """Keep the new case's receipt on the server for this visit (the session holds only a random key)."""
    due = clock().state(complaint).due
    holds.put(SLOT, {"case": complaint.public_reference or complaint.case_number, "receipt": receipt,
                     "due": due.isoformat() if due else None}, holds.RECEIPT_SECONDS)


def _kept() -> dict | None:
    kept = holds.get(SLOT)
    if not kept or not isinstance(kept.get("receipt"), str):
        return None
    from datetime import date

    return {"case_number": kept.get("case"), "receipt": format_receipt(kept["receipt"]),
            "due": date.fromisoformat(kept["due"]) if kept.get("due") else None}


@bp.get("/receipt")
def receipt_show():
    kept = _kept()
    if kept is None:
        return render_template("complaints/receipt_gone.html")
    return render_template("complaints/receipt_show.html", **kept,
                           print_view=request.args.get("view") == "print")


@bp.post("/receipt/saved")
def receipt_saved():
    holds.drop(SLOT)
    flash(_("The receipt is no longer shown on this device. Use it to follow your report."), "success")
    return redirect(url_for("complaints.track_show"), code=303)


def card_lines(kept: dict, track_url: str) -> list[tuple[str, str]]:
    """The text of the receipt picture, in the page's language."""
    lines = [("title", _("Sunshine Village Affairs: report received")),
             ("label", _("Case number")), ("big", kept["case_number"] or ""),
             ("label", _("Your receipt")), ("big", kept["receipt"])]
    if kept["due"]:
        lines.append(("text", _("The township will decide whether to accept it by %(date)s.",
                                date=format_date(kept["due"], "long"))))
    lines += [("text", _("To follow it, open %(url)s and enter the receipt.", url=track_url)),
              ("note", _("Keep it to yourself: whoever has it can see the case."))]
    return lines


@bp.get("/receipt/card.png")
def receipt_card():
    kept = _kept()
    if kept is None:
        return render_template("complaints/receipt_gone.html"), 404
    font = find_cjk_font(current_app.config.get("RECEIPT_FONT"))
    track_url = url_for("complaints.track_show", _external=True)
    if font is None:  # no Chinese font on this server: an English card still carries the digits
        with force_locale("en"):
            png = render(card_lines(kept, track_url), None)
    else:
        png = render(card_lines(kept, track_url), font)
    response = current_app.response_class(png, mimetype="image/png")
    response.headers["Content-Disposition"] = f'attachment; filename="{kept["case_number"] or "receipt"}.png"'
    return response
