"""Every UI string in the code and templates has an English translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [
    ("app/templates/**.html", "jinja2"),
    ("app/templates/**.txt", "jinja2"),
    ("app/templates/**.xml", "jinja2"),
    ("app/**.py", "python"),
]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "N_": None}


def test_every_message_in_the_source_is_translated():
    used = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS)
        if isinstance(message, str)
    }
    assert len(used) > 100
    english = read_po((ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb"))
    missing = sorted(m for m in used if not (english.get(m) and english.get(m).string))
    assert missing == []


def test_numbers_are_formatted_exactly_as_babel_would():
    """The fast formatter against Babel's own patterns, in both languages, with halves and floats."""
    import random
    from decimal import Decimal

    from babel.numbers import parse_pattern
    from flask_babel import get_locale

    from app import create_app
    from app.web.i18n import number, percent

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": "sqlite://", "PAGE_CACHE_SECONDS": 0})
    rng = random.Random(1)
    values = [0, 5, 999, 1000, 183854, 10**9, 0.05, 0.15, 2.5, 71.45, 13.65, 99.95, Decimal("13.65"), Decimal("0.25")]
    values += [rng.randint(0, 10**7) for _ in range(200)] + [
        round(rng.uniform(0, 100), rng.randint(0, 3)) for _ in range(200)
    ]
    values += [Decimal(rng.randint(0, 100000)) / 1000 for _ in range(200)]
    for lang, expected in (("vi", ("183.854", "88,2%")), ("en", ("183,854", "88.2%"))):
        with app.test_request_context(f"/?lang={lang}"):
            assert (number(183854), percent(88.2)) == expected
            for value in values:
                for digits in (0, 1):
                    babel = parse_pattern("#,##0" + ".0" * digits).apply(value, get_locale())
                    assert number(value, digits) == babel, (lang, value, digits)
