"""The parsers of the national portal's flattened fields, on texts taken from real records."""

from app.imports.flattened import (
    parse_channels,
    parse_documents,
    parse_legal_bases,
    parse_results,
    parse_steps,
    split_form,
)
from app.text import fold, slugify


def test_channels_with_working_days_and_no_fee():
    text = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảDịch vụ bưu chính22 Ngày làm việcMiễn phí"
        "Trực tiếp22 Ngày làm việcMiễn phí"
    )
    channels = parse_channels(text)
    assert [c["method"] for c in channels] == ["postal", "direct"]
    assert all(c["processing_time"]["value"] == 22 for c in channels)
    assert all(c["processing_time"]["unit"] == "working_day" for c in channels)
    assert channels[0]["fees"] == [{"amount_vnd": 0, "text": "Miễn phí"}]


def test_channel_fee_amount_and_method_words_inside_description():
    text = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến3 Ngày làm việc100,000 VNĐ(Phí công bố "
        "nội dung đăng ký doanh nghiệp: 100.000 đồng/lần)Trực tiếp: nộp tại Bộ phận một cửa"
        "Trực tiếp3 Ngày làm việcKhông có thông tin"
    )
    channels = parse_channels(text)
    assert [c["method"] for c in channels] == ["online", "direct"]
    assert channels[0]["fees"][0]["amount_vnd"] == 100000
    assert "Trực tiếp: nộp tại" in channels[0]["description"]


def test_channel_bare_number_and_glued_fee():
    channels = parse_channels("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp1Miễn phíTrực tuyến1100 VNĐ")
    assert channels[0]["processing_time"] == {"value": 1, "unit": None, "text": "1"}
    assert channels[1]["processing_time"]["value"] == 1
    assert channels[1]["fees"][0]["amount_vnd"] == 100


def test_fee_found_in_description_when_the_fee_cell_is_empty():
    text = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15 NgàyKhông có thông tin"
        "Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần."
    )
    channel = parse_channels(text)[0]
    assert channel["processing_time"]["unit"] == "day"
    assert channel["fees"][0]["amount_vnd"] == 135000


def test_documents_with_forms_quantities_and_groups():
    text = (
        "--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị theo Mẫu số 08 ban hành kèm theo Nghị "
        "định số 121/2021/NĐ-CP;Mus08.docx1 bản chínhBản sao giấy chứng nhận0 bản chính,1 bản sao"
        "Ngoài hồ sơ trên, nộp thêmTên giấy tờMẫu đơn, tờ khaiSố lượngGiấy phép lao động0 bản chính,2 bản sao"
    )
    docs = parse_documents(text)
    assert [d["name"] for d in docs] == [
        "Đơn đề nghị theo Mẫu số 08 ban hành kèm theo Nghị định số 121/2021/NĐ-CP;",
        "Bản sao giấy chứng nhận",
        "Giấy phép lao động",
    ]
    assert docs[0]["form"] == "Mus08.docx"
    assert (docs[0]["original_qty"], docs[0]["copy_qty"]) == (1, 0)
    assert (docs[1]["original_qty"], docs[1]["copy_qty"]) == (0, 1)
    assert docs[0]["group"] is None and docs[2]["group"] == "Ngoài hồ sơ trên, nộp thêm"


def test_split_form_on_glued_words_and_several_files():
    assert split_form("Tờ khai theo mẫu của Chính phủMẫu M02a.docx") == (
        "Tờ khai theo mẫu của Chính phủ",
        "Mẫu M02a.docx",
    )
    name, form = split_form("Biên bản;Mẫu số 1.1 To trinh.docxMẫu số 1.2 Bien ban.docx")
    assert name == "Biên bản;" and form == "Mẫu số 1.1 To trinh.docx; Mẫu số 1.2 Bien ban.docx"
    assert split_form("Giấy tờ không có mẫu") == ("Giấy tờ không có mẫu", None)


def test_legal_bases_pairs_titles_and_numbers():
    text = (
        "Tên văn bản pháp lýMã văn bảnHướng dẫn xử lý khiếu nại68/2013/TT-BCALuật Khiếu nại năm 2011"
        "02/2011/QH13Nghị định 05/2012/NĐ-CP05/2012/NĐ-CPLuật 54/2014/QH1354/2014/QH13"
        "Nghị định quy định chức năng33/2025/NĐ-CPsửa đổi Thông tư số 261/2016/TT-BTC ngày 14/11/2016"
        "74/2021/TT-BTC"
    )
    assert parse_legal_bases(text) == [
        {"number": "68/2013/TT-BCA", "title": "Hướng dẫn xử lý khiếu nại"},
        {"number": "02/2011/QH13", "title": "Luật Khiếu nại năm 2011"},
        {"number": "05/2012/NĐ-CP", "title": "Nghị định 05/2012/NĐ-CP"},
        {"number": "54/2014/QH13", "title": "Luật 54/2014/QH13"},
        {"number": "33/2025/NĐ-CP", "title": "Nghị định quy định chức năng"},
        {"number": "74/2021/TT-BTC", "title": "sửa đổi Thông tư số 261/2016/TT-BTC ngày 14/11/2016"},
    ]
    assert parse_legal_bases("Không có thông tin") == []


def test_steps_and_results():
    steps = parse_steps("Bước 1: Nộp hồ sơ\n\nTại một cửa.\nBước 2: Nhận kết quả")
    assert steps == ["Bước 1: Nộp hồ sơ\nTại một cửa.", "Bước 2: Nhận kết quả"]
    results = parse_results(
        "Quyết định giải quyết khiếu nạiMã: KQ.G01.00262Văn bản từ chốiMã: G19-KQ0060102"
        "Từ khóaKhông có thông tinMô tảKhông có thông tin"
    )
    assert results == [
        {"name": "Quyết định giải quyết khiếu nại", "code": "KQ.G01.00262"},
        {"name": "Văn bản từ chối", "code": "G19-KQ0060102"},
    ]


def test_fold_and_slug():
    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert fold("Ủy ban") == fold("Uỷ ban")
    assert slugify("Hộ tịch") == "ho-tich"
