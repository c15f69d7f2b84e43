"""The summary at the top of a procedure's page: where to go, how long, how much, what to bring,
online or not; and what a printout carries."""

from types import SimpleNamespace

from app.catalogue.checklist import checklist, item_name
from tests.conftest import soup


def test_the_summary_answers_before_the_full_record(client, loaded, app):
    page = soup(client.get("/procedures/2.001610"))
    glance = page.select_one("section.at-a-glance")
    assert glance is not None
    # The summary comes before every full part of the record.
    assert page.select("article.procedure section")[0] is glance
    text = " ".join(glance.text.split())
    assert "Mất bao lâu" in text and "3 ngày làm việc" in text
    assert "Phí, lệ phí" in text and "Nộp ở đâu" in text
    assert glance.select("ul.checklist li"), "what to bring"
    online = glance.select_one(".online-links a")
    assert online is not None and online["href"].startswith("https://dichvucong.gov.vn/")
    button = glance.select_one("button[data-print]")
    assert button is not None and button.has_attr("hidden")  # shown by print.js where scripts run
    printed = page.select_one("p.printed").text
    assert "/procedures/2.001610" in printed and "dichvucong.gov.vn" in printed
    assert __import__("re").search(r"lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}", printed)


def test_the_provinces_portal_is_offered_when_configured(client, loaded, app):
    app.config["PROVINCE_PORTAL_URL"] = "https://dichvucong.example.gov.vn/thu-tuc?ma={code}"
    links = [a["href"] for a in soup(client.get("/procedures/2.001610?x=1")).select(".online-links a")]
    assert links[0] == "https://dichvucong.example.gov.vn/thu-tuc?ma=2.001610"
    assert links[1].startswith("https://dichvucong.gov.vn/")


def doc(name, group=None, form=None):
    return SimpleNamespace(name=name, group_name=group, form=form)


def test_the_checklist_puts_forms_first_and_leaves_remarks_out():
    documents = [
        doc("- Trường hợp ủy quyền thì phải có văn bản ủy quyền", "* Giấy tờ phải nộp:"),
        doc("- Giấy chứng sinh", "* Giấy tờ phải nộp:"),
        doc("+ Cá nhân có quyền lựa chọn nơi đăng ký", "* Lưu ý:"),
        doc("- Tờ khai đăng ký khai sinh theo mẫu"),
        doc("Giấy chứng sinh"),  # the same paper again, for another case
    ]
    shown = [item_name(d) for d in checklist(documents)]
    assert shown == [
        "Tờ khai đăng ký khai sinh theo mẫu",
        "Giấy chứng sinh",
        "Trường hợp ủy quyền thì phải có văn bản ủy quyền",
    ]
    assert len(checklist([doc(f"Giấy {i}") for i in range(10)], limit=6)) == 6
