"""Language by URL: `/en/...` (or `?lang=en`) is English, everything else Vietnamese.

A small WSGI middleware moves a leading `/en` into SCRIPT_NAME, so that every `url_for` on an
English page keeps the prefix without any view knowing about it.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Flask, current_app, request
from flask_babel import Babel, get_locale, gettext

ENV_KEY = "tthc.lang"


class LanguagePrefix:
    def __init__(self, wsgi_app, languages: tuple[str, ...]):
        self.wsgi_app = wsgi_app
        self.prefixes = [lang for lang in languages if lang != "vi"]

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        for lang in self.prefixes:
            prefix = f"/{lang}"
            if path == prefix or path.startswith(prefix + "/"):
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                environ["PATH_INFO"] = path[len(prefix) :] or "/"
                environ[ENV_KEY] = lang
                break
        return self.wsgi_app(environ, start_response)


def select_locale() -> str:
    """Pick the language from the URL prefix, else `?lang=`, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    lang: str = request.environ.get(ENV_KEY) or request.args.get("lang", "")
    return lang if lang in languages else "vi"


def switch_language_url(lang: str) -> str:
    """Return the current page's address in `lang`."""
    root = request.root_url.rstrip("/")
    current = request.environ.get(ENV_KEY)
    if current:
        root = root[: -len(current) - 1]
    prefix = "" if lang == "vi" else f"/{lang}"
    # The language is the prefix's: a `lang` parameter left in would hold the page in its language.
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "lang"])
    return f"{root}{prefix}{request.path}" + (f"?{query}" if query else "")


@lru_cache(maxsize=8)
def _separators(locale: str) -> dict[int, str]:
    # A late table formats hundreds of cells per page: the locale's symbols are looked up once.
    return {ord(","): get_group_symbol(locale), ord("."): get_decimal_symbol(locale)}


def number(value, digits: int = 0) -> str:
    """Format a number the locale's way: `183.854`, `88,2` in Vietnamese (rounded half to even, as Babel)."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))  # 0.05 is rounded as written, not as its binary neighbour
    return f"{value:,.{digits}f}".translate(_separators(str(get_locale())))


def percent(value) -> str:
    """Format a percentage to one decimal: `88,2%` in Vietnamese; a dash when there is none."""
    if value is None:
        return "–"
    return number(value, 1) + "%"


def score(value) -> str:
    """An average score to one decimal (`13,7`); a dash when there is none."""
    return "–" if value is None else number(value, 1)


def formatted(value, kind: str):
    """A table cell's value in its column's format (app/columns.py FORMATS)."""
    if kind == "number":
        return number(value)
    if kind == "percent":
        return percent(value)
    if kind == "score":
        return score(value)
    if kind in ("change", "points"):
        return signed(value, 1 if kind == "points" else 0)
    return "" if value is None else value


def signed(value, digits: int = 0) -> str:
    """A change with its sign: `+12`, `−3,5` (a true minus), `0`; a dash when there is none."""
    if value is None:
        return "–"
    if not value:
        return number(0, digits)
    return ("+" if value > 0 else "−") + number(abs(value), digits)


def month_label(value) -> str:
    """`2022-08` as people write it: `08/2022`."""
    text = str(value)
    return f"{text[5:7]}/{text[:4]}" if len(text) == 7 else text


def period_label(first, last) -> str:
    """A period of months as a title: "Tháng 08/2022", or "Từ tháng 01/2022 đến tháng 08/2022"."""
    if str(first) == str(last):
        return gettext("Tháng %(month)s", month=month_label(first))
    return gettext("Từ tháng %(first)s đến tháng %(last)s", first=month_label(first), last=month_label(last))


def date_label(value) -> str:
    """A date as Vietnamese write it: `23/11/2026`."""
    return value.strftime("%d/%m/%Y") if value else ""


def datetime_label(value) -> str:
    """A moment as Vietnamese write it: `14:05 23/11/2026`."""
    return value.strftime("%H:%M %d/%m/%Y") if value else ""


def deadline_label(value) -> str:
    """A due moment (app/late/rules.Deadline): its day, and its time when the promise names one."""
    if value is None:
        return ""
    if value.time is None:
        return value.day.strftime("%d/%m/%Y")
    return f"{value.time.strftime('%H:%M')} {value.day.strftime('%d/%m/%Y')}"


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    _warn_of_missing_catalogues(app)
    app.wsgi_app = LanguagePrefix(app.wsgi_app, app.config["LANGUAGES"])  # type: ignore[method-assign]
    app.jinja_env.globals.update(
        switch_language_url=switch_language_url, get_locale=get_locale, period_label=period_label
    )
    app.jinja_env.filters.update(
        number=number,
        deadline_label=deadline_label,
        percent=percent,
        score=score,
        signed=signed,
        formatted=formatted,
        month_label=month_label,
        date_label=date_label,
        datetime_label=datetime_label,
    )


def _warn_of_missing_catalogues(app: Flask) -> None:
    """Log each language whose catalogue is not compiled: its pages would come out in Vietnamese."""
    directory = Path(app.root_path) / app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations").split(";")[0]
    for lang in app.config["LANGUAGES"]:
        catalogue = directory / lang / "LC_MESSAGES" / "messages.mo"
        if lang != app.config["BABEL_DEFAULT_LOCALE"] and not catalogue.exists():
            app.logger.warning(
                "%s is missing, so %s pages show the Vietnamese text: run `make install` "
                "(or `pybabel compile -d app/translations`)",
                catalogue,
                lang,
            )
