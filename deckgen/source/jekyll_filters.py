"""Jekyll's Liquid filters, for the Liquid engine in liquid.py.

python-liquid has Shopify's standard filters (`date`, `escape`, `where`, `sort`, `prepend`,
`append`, ...); these are the ones Jekyll adds: site URLs, dates in Jekyll's formats,
`markdownify`, `slugify`, `jsonify`, array helpers. Each takes the value and its arguments
as Liquid passes them; none reads the clock or the network, so a build stays deterministic.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from liquid import Undefined
from liquid.filter import with_environment

from .site import slugify as _slugify

if TYPE_CHECKING:
    from .liquid import JekyllEnvironment


def _text(value: object) -> str:
    if value is None or isinstance(value, Undefined):
        return ""
    return str(value)


@with_environment
def relative_url(value: object, *, environment: JekyllEnvironment) -> str:
    return environment.site.relative_url(_text(value))


@with_environment
def absolute_url(value: object, *, environment: JekyllEnvironment) -> str:
    return environment.site.absolute_url(_text(value))


# after fromisoformat: the first three are ISO forms Python 3.10's does not read (3.11's does)
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%z", "%Y%m%d", "%Y-%m-%d %H:%M:%S %z",
                 "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%B %d, %Y")  # fmt: skip


def _date(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = _text(value).strip()
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _jekyll_date(value: object, month: str, kind: object = None, style: object = None) -> str:
    d = _date(value)
    if d is None:
        return _text(value)
    name = d.strftime(month)
    if kind == "ordinal":
        if style == "US":
            return f"{name} {_ordinal(d.day)}, {d.year}"
        return f"{_ordinal(d.day)} {name} {d.year}"
    return f"{d.day:02d} {name} {d.year}"


def date_to_string(value: object, kind: object = None, style: object = None) -> str:
    return _jekyll_date(value, "%b", kind, style)


def date_to_long_string(value: object, kind: object = None, style: object = None) -> str:
    return _jekyll_date(value, "%B", kind, style)


def date_to_xmlschema(value: object) -> str:
    d = _date(value)
    return d.isoformat() if d is not None else _text(value)


def date_to_rfc822(value: object) -> str:
    d = _date(value)
    if d is None:
        return _text(value)
    zone = d.strftime("%z") or "+0000"
    return d.strftime("%a, %d %b %Y %H:%M:%S ") + zone


def markdownify(value: object) -> str:
    import markdown

    return markdown.markdown(_text(value), extensions=["extra"], output_format="html")


def slugify(value: object, mode: object = "default") -> str:
    return _slugify(_text(value), str(mode or "default"))


def _plain(value: object) -> Any:
    """A value JSON can hold: mappings, lists, text, numbers, dates as ISO text."""
    if isinstance(value, Undefined) or value is None:
        return None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def jsonify(value: object) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def inspect(value: object) -> str:
    return json.dumps(_plain(value), ensure_ascii=False)


def xml_escape(value: object) -> str:
    return html.escape(_text(value))


def cgi_escape(value: object) -> str:
    return urllib.parse.quote_plus(_text(value))


def uri_escape(value: object) -> str:
    return urllib.parse.quote(_text(value), safe="!#$&'()*+,/:;=?@[]~")


def number_of_words(value: object, mode: object = None) -> int:
    return len(_text(value).split())


def array_to_sentence_string(value: object, connector: object = "and") -> str:
    items = [_text(v) for v in value] if isinstance(value, list | tuple) else [_text(value)]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {connector} {items[1]}"
    return f"{', '.join(items[:-1])}, {connector} {items[-1]}"


def normalize_whitespace(value: object) -> str:
    return re.sub(r"\s+", " ", _text(value)).strip()


def to_integer(value: object) -> int:
    try:
        return int(float(_text(value)))
    except ValueError:
        return 0


def _items(value: object) -> list[Any]:
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, list | tuple):
        return list(value)
    return [] if isinstance(value, Undefined) or value is None else [value]


def push(value: object, item: object) -> list[Any]:
    return [*_items(value), item]


def pop(value: object, n: object = 1) -> list[Any]:
    items = _items(value)
    return items[: max(len(items) - to_integer(n), 0)]


def shift(value: object, n: object = 1) -> list[Any]:
    return _items(value)[to_integer(n) :]


def unshift(value: object, item: object) -> list[Any]:
    return [item, *_items(value)]


def sample(value: object, n: object = None) -> object:
    """Jekyll picks at random; a deck is built the same way every time: the first ones."""
    items = _items(value)
    return items[: to_integer(n)] if n is not None else (items[0] if items else None)


def _get(item: object, key: str) -> object:
    return item.get(key) if isinstance(item, Mapping) else None


def group_by(value: object, key: object) -> list[dict[str, Any]]:
    groups: dict[str, list[Any]] = {}
    for item in _items(value):
        groups.setdefault(_text(_get(item, str(key))), []).append(item)
    return [{"name": k, "items": v, "size": len(v)} for k, v in groups.items()]


def _test(environment: JekyllEnvironment, name: object, expression: object) -> Callable[..., bool]:
    template = environment.from_string(f"{{% if {expression} %}}1{{% endif %}}")
    return lambda item: template.render(**{str(name): item}) == "1"


@with_environment
def where_exp(
    value: object, name: object, expression: object, *, environment: JekyllEnvironment
) -> list[Any]:
    test = _test(environment, name, expression)
    return [item for item in _items(value) if test(item)]


@with_environment
def find_exp(
    value: object, name: object, expression: object, *, environment: JekyllEnvironment
) -> object:
    test = _test(environment, name, expression)
    return next((item for item in _items(value) if test(item)), None)


def _identity(value: object, *args: object) -> object:
    return value


FILTERS: dict[str, Callable[..., Any]] = {
    "relative_url": relative_url,
    "absolute_url": absolute_url,
    "date_to_string": date_to_string,
    "date_to_long_string": date_to_long_string,
    "date_to_xmlschema": date_to_xmlschema,
    "date_to_rfc822": date_to_rfc822,
    "markdownify": markdownify,
    "smartify": _identity,
    "slugify": slugify,
    "jsonify": jsonify,
    "inspect": inspect,
    "xml_escape": xml_escape,
    "cgi_escape": cgi_escape,
    "uri_escape": uri_escape,
    "number_of_words": number_of_words,
    "array_to_sentence_string": array_to_sentence_string,
    "normalize_whitespace": normalize_whitespace,
    "to_integer": to_integer,
    "push": push,
    "pop": pop,
    "shift": shift,
    "unshift": unshift,
    "sample": sample,
    "group_by": group_by,
    "where_exp": where_exp,
    "find_exp": find_exp,
    "scssify": _identity,
    "sassify": _identity,
}
