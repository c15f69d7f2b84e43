"""Every UI string has an English translation."""
from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "app" / "translations"


def test_every_message_is_translated():
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    english = read_po((TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb"))
    missing = [m.id for m in template if m.id and not (english.get(m.id) and english.get(m.id).string)]
    assert missing == []
