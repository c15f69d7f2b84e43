"""What htmx does with a fragment, for tests that compare it with the page it came from."""

from __future__ import annotations

from tests.conftest import soup


def swapped(fragment) -> tuple[str, dict[str, str]]:
    """The markup swapped into the target, and each out-of-band element by id (without hx-swap-oob)."""
    page = soup(fragment)
    out_of_band = {}
    for element in page.select("[hx-swap-oob]"):
        element.extract()
        del element["hx-swap-oob"]
        out_of_band[element["id"]] = str(element)
    return str(page).strip(), out_of_band


def assert_same_as_page(full, fragment, target: str) -> dict[str, str]:
    """Check that the fragment brings exactly the page's markup: the target's content, each out-of-band part."""
    main, out_of_band = swapped(fragment)
    page = soup(full)
    assert main == page.select_one(target).decode_contents().strip()
    for element_id, markup in out_of_band.items():
        assert markup == str(page.select_one(f"#{element_id}")), element_id
    return out_of_band
