"""Lists of the API: `page` and `per_page` read by a schema, pages cut by Flask-SQLAlchemy's paginate."""
from flask import request, url_for
from flask_sqlalchemy.pagination import Pagination
from marshmallow import Schema, ValidationError
from sqlalchemy import Select

from portal.api.blueprint import BadRequest
from portal.api.schemas import MAX_PER_PAGE
from portal.extensions import db


class ListPagination(Pagination):
    """The same pages over a list already in memory (search results, capped)."""

    def _query_items(self) -> list:
        return self._query_args["rows"][self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def read_args(schema: Schema) -> dict:
    """Load the query string with `schema`; a wrong page or size is a 400 naming the parameter."""
    try:
        return schema.load(request.args.to_dict())
    except ValidationError as exc:
        raise BadRequest({name: [str(m) for m in messages] for name, messages in exc.messages.items()}) from exc


def paginate(rows: Select | list, args: dict) -> Pagination:
    """One page of a statement (counted by the database) or of a list."""
    page, per_page = args["page"], args["per_page"]
    if isinstance(rows, list):
        return ListPagination(page, per_page, MAX_PER_PAGE, error_out=False, rows=rows)
    return db.paginate(rows, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False)


def page_answer(pagination: Pagination, schema: type[Schema]) -> dict:
    """Write a page as {items, page, per_page, total, next} with `schema` (a page schema)."""
    following = None
    if pagination.has_next:
        args = {**(request.view_args or {}), **request.args.to_dict(), "page": pagination.page + 1,
                "per_page": pagination.per_page}
        following = url_for(request.endpoint, **args)
    return schema().dump({"items": pagination.items, "page": pagination.page, "per_page": pagination.per_page,
                          "total": pagination.total, "next": following})
