"""Every UI string in the code and templates has an English translation."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("app/templates/**.html", "jinja2"), ("app/**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "_l": None}


def test_every_message_in_the_source_is_translated():
    used = {message for _file, _line, message, _comments, _context
            in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS) if isinstance(message, str)}
    assert len(used) > 100
    english = read_po((ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb"))
    missing = sorted(m for m in used if not (english.get(m) and english.get(m).string))
    assert missing == []
