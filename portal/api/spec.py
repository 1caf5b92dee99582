"""The OpenAPI 3.1 document of /api/v1 (served by openapi.py), built from the views and their schemas.

The document is never written by hand: it is assembled from the url_map, so every endpoint appears where
it is served, with the marshmallow schemas that also write its JSON (apispec turns them into JSON Schema).

How to add an endpoint (for example in a new module ``portal/api/subsidies.py``):

1. Describe the answer with marshmallow schemas (next to the module, e.g. ``subsidy_schemas.py``); name the
   classes ``<Name>Schema`` and they appear in the document as ``<Name>``. Fields worked out from the object
   use ``schemas.computed(fn, kind, **json_schema)``; a list answer uses ``schemas.page_of(Item, "ItemPage")``
   with ``paging.read_args`` / ``paging.paginate`` / ``paging.page_answer``.
2. Write the view on ``blueprint.bp``, calling the capability's service, and answer with ``Schema().dump(...)``.
   A public GET also carries ``@conditional`` (core.http) and gets ETag/304; errors go through
   ``core.errors.json_error`` or ``blueprint.BadRequest`` (the one error envelope, ``Error`` in the document).
3. Put ``@operation(...)`` (from this module) right above the ``def`` (below ``@bp.get`` / ``@conditional``)::

       @bp.get("/villages/<code>/subsidies")
       @conditional
       @operation("A village's subsidy payments", "listSubsidies", "open data", params=[VILLAGE_CODE],
                  query=PagingArgsSchema, answers={200: SubsidyPageSchema, 400: "Bad paging", 404: NO_VILLAGE})
       def village_subsidies(code): ...

4. Import the module in ``portal/__init__.py`` (``_register_blueprints``) like the others. Nothing else:
   tests/api/test_api_contract.py fails for any /api/v1 route missing from the document and checks the
   error envelope; tests/api/test_openapi.py validates real answers and runs schemathesis on the document.

Porting a hand-written fragment (``SCHEMAS`` and ``PATHS`` dicts, as the complaint endpoints once had):
each ``SCHEMAS[name]`` becomes ``class <name>Schema`` (``nullable`` → ``allow_none=True``, ``enum`` →
``validate.OneOf``, ``minLength``/``maxLength`` → ``validate.Length``, ``minimum``/``maximum`` →
``validate.Range``, anything else JSON Schema says → ``metadata={...}``); each ``PATHS[path][method]``
becomes the view's ``@operation(summary, operationId, tag, params=..., query=..., body=..., answers=...)``;
the hand-written serialiser of the view becomes ``<name>Schema().dump(obj)``. Then delete the fragment.
"""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from marshmallow import Schema

from portal.api.blueprint import bp
from portal.api.schemas import CODE_PATTERN
from portal.core.errors import ErrorEnvelope

OPENAPI_VERSION = "3.1.0"
VILLAGE_CODE = {"name": "code", "in": "path", "required": True, "description": "12-digit village code",
                "schema": {"type": "string", "pattern": CODE_PATTERN}}
NO_VILLAGE = "No village with this code"


def operation(summary: str, operation_id: str, tag: str, *, answers: dict, params: list | None = None,
              query: type[Schema] | None = None, body: dict | None = None, description: str | None = None):
    """Describe the view's operation in the document.

    `answers` maps a status to a response schema (JSON), or to a description alone for an error (then the
    answer is the error envelope). `body` maps a media type to the request schema.
    """
    spec = {"summary": summary, "operationId": operation_id, "tags": [tag],
            "responses": {str(code): _response(answer) for code, answer in answers.items()}}
    parameters = list(params or [])
    if query is not None:
        parameters.append({"in": "query", "schema": query})
    if parameters:
        spec["parameters"] = parameters
    if body is not None:
        spec["requestBody"] = {"required": True, "content": {kind: {"schema": schema}
                                                             for kind, schema in body.items()}}
    if description:
        spec["description"] = description

    def mark(view):
        view.openapi_operation = spec
        return view

    return mark


def _response(answer) -> dict:
    if isinstance(answer, str):
        return {"description": answer, "content": {"application/json": {"schema": ErrorEnvelope}}}
    if isinstance(answer, tuple):
        description, schema = answer
    else:
        description, schema = "OK", answer
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _described(view) -> dict | None:
    while view is not None:
        if hasattr(view, "openapi_operation"):
            return view.openapi_operation
        view = getattr(view, "__wrapped__", None)
    return None


def document() -> dict:
    """Assemble the document from every described view under the blueprint's prefix."""
    spec = APISpec(
        title="Sunshine Village Portal (阳光村务) API", version="1.0.0", openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()], servers=[{"url": bp.url_prefix}],
        info={"description": "Open data on village power lists and disclosures, and safe complaint filing."},
    )
    spec.components.schema("Error", schema=ErrorEnvelope)
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        described = _described(current_app.view_functions[rule.endpoint])
        if described is None or not rule.rule.startswith(bp.url_prefix + "/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(bp.url_prefix))
        method = "post" if "POST" in rule.methods else "get"
        spec.path(path=path, operations={method: _copy(described)})
    return spec.to_dict()


def _copy(node):
    """A fresh copy (apispec rewrites schema references in place)."""
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node
