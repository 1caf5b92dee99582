"""Declared shapes of the JSON the portal stores, checked when it is written.

A shape is a TypedDict (nested TypedDicts, ``list[...]``, ``dict[str, ...]``, ``Literal``, unions and
``Any`` inside it). Keys a shape does not declare are refused, so what one release writes the next
can read: the published record keeps every revision for ever and its hash covers every key.
"""
import types
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict


class ShapeError(ValueError):
    """Content that does not have its declared shape: a programming error, never the user's."""


def check(value, shape, where: str = "content") -> None:
    """Raise ShapeError naming the first place where value differs from shape."""
    problem = _problem(value, shape, where)
    if problem:
        raise ShapeError(problem)


def _problem(value, shape, where: str) -> str | None:
    if shape is Any:
        return None
    if shape is None or shape is type(None):
        return None if value is None else f"{where}: expected null, got {type(value).__name__}"
    origin = get_origin(shape)
    if origin in (Union, types.UnionType):
        problems = [_problem(value, option, where) for option in get_args(shape)]
        return None if None in problems else " or ".join(p for p in problems if p)
    if origin is Literal:
        return None if value in get_args(shape) else f"{where}: {value!r} is not one of {get_args(shape)}"
    if is_typeddict(shape):
        return _record_problem(value, shape, where)
    if origin is list:
        if not isinstance(value, list):
            return f"{where}: expected a list, got {type(value).__name__}"
        (item,) = get_args(shape) or (Any,)
        return next((p for i, v in enumerate(value) if (p := _problem(v, item, f"{where}[{i}]"))), None)
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            return f"{where}: expected an object with text keys"
        _, item = get_args(shape) or (str, Any)
        return next((p for k, v in value.items() if (p := _problem(v, item, f"{where}.{k}"))), None)
    return _scalar_problem(value, shape, where)


def _record_problem(value, shape, where: str) -> str | None:
    if not isinstance(value, dict):
        return f"{where}: expected an object, got {type(value).__name__}"
    missing = shape.__required_keys__ - value.keys()
    if missing:
        return f"{where}: missing {sorted(missing)}"
    extra = value.keys() - shape.__required_keys__ - shape.__optional_keys__
    if extra:
        return f"{where}: keys {sorted(extra)} are not in {shape.__name__}"
    hints = get_type_hints(shape)
    return next((p for key, v in value.items() if (p := _problem(v, hints[key], f"{where}.{key}"))), None)


def _scalar_problem(value, shape, where: str) -> str | None:
    # bool is an int to Python, never to a reader of the record; a float field takes whole numbers too.
    ok = (isinstance(value, bool) if shape is bool else
          isinstance(value, int) and not isinstance(value, bool) if shape is int else
          isinstance(value, int | float) and not isinstance(value, bool) if shape is float else
          isinstance(value, shape))
    return None if ok else f"{where}: expected {getattr(shape, '__name__', shape)}, got {type(value).__name__}"
