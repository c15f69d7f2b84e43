"""The two public forms (Flask-WTF: CSRF, lengths, choices) and their honeypot."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.codes import CodeList
from app.feedback.codes import FeedbackKind, Overall
from app.feedback.criteria import SCORES, CriteriaSet

MAX_CONTENT = 5000
MAX_COMMENT = 2000
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^\+?[0-9][0-9 .()-]{5,18}[0-9]$"


def choices(codes: type[CodeList]) -> list[SelectChoice]:
    """One radio button per code of the list, labelled in the visitor's language."""
    return [SelectChoice(code.value, _l(code.label)) for code in codes]


class Choice(RadioField):
    """Radio buttons whose "not a choice" message is in the visitor's language (WTForms has no Vietnamese)."""

    def pre_validate(self, form) -> None:
        # Whether an answer is required is the validators' business.
        if self.data is not None and str(self.data) not in {str(choice.value) for choice in self.choices}:
            raise ValidationError(_l("Lựa chọn không hợp lệ."))


def _visible(form, field) -> None:
    """Some letters or digits: a text of spaces, zero-width or other invisible characters says nothing."""
    if field.data and not any(unicodedata.category(c)[0] in "LN" for c in field.data):
        raise ValidationError(_l("Hãy viết nội dung phản ánh, kiến nghị."))


def _empty(form, field) -> None:
    """The honeypot: a field people never see; software that fills every field fills it."""
    if field.data:
        raise ValidationError(_l("Không gửi được biểu mẫu. Vui lòng thử lại."))


class FeedbackForm(FlaskForm):
    kind = Choice(
        _l("Loại"), choices=choices(FeedbackKind), validators=[DataRequired(_l("Hãy chọn phản ánh hay kiến nghị."))]
    )
    procedure_code = StringField(_l("Thủ tục hành chính"), validators=[Optional(), Length(max=64)])
    agency_code = StringField(_l("Cơ quan"), validators=[Optional(), Length(max=50)])
    content = TextAreaField(
        _l("Nội dung"),
        validators=[
            DataRequired(_l("Hãy viết nội dung phản ánh, kiến nghị.")),
            _visible,
            Length(max=MAX_CONTENT, message=_l("Nội dung dài quá %(max)d ký tự.", max=MAX_CONTENT)),
        ],
    )
    name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=200)])
    email = StringField(
        _l("Thư điện tử"),
        validators=[Optional(), Length(max=254), Regexp(EMAIL, message=_l("Địa chỉ thư điện tử không đúng dạng."))],
    )
    phone = StringField(
        _l("Số điện thoại"), validators=[Optional(), Regexp(PHONE, message=_l("Số điện thoại không đúng dạng."))]
    )
    publish_consent = BooleanField(
        _l("Tôi đồng ý công khai nội dung và câu trả lời (không kèm thông tin liên hệ)"),
        false_values=("", "0", "false", "off"),
    )
    website = StringField(_l("Để trống ô này"), validators=[_empty])


class RatingForm(FlaskForm):
    """The rating form; the criteria fields are added per criteria set by `rating_form`."""

    agency_code = StringField(_l("Cơ quan"), validators=[Optional(), Length(max=50)])
    procedure_code = StringField(_l("Thủ tục hành chính"), validators=[Optional(), Length(max=64)])
    officer_code = StringField(_l("Mã cán bộ"), validators=[Optional(), Length(max=64)])
    case_code = StringField(_l("Mã hồ sơ"), validators=[Optional(), Length(max=100)])
    # The receipt token (SPEC §6): with the case code, it makes the rating verified.
    t = StringField(_l("Mã xác thực"), validators=[Optional(), Length(max=64)])
    overall = Choice(
        _l("Nhìn chung, bạn có hài lòng không?"),
        choices=choices(Overall),
        validators=[DataRequired(_l("Hãy chọn mức độ hài lòng."))],
    )
    comment = TextAreaField(
        _l("Góp ý thêm"),
        validators=[Optional(), Length(max=MAX_COMMENT, message=_l("Góp ý dài quá %(max)d ký tự.", max=MAX_COMMENT))],
    )
    website = StringField(_l("Để trống ô này"), validators=[_empty])

    criteria_fields: list[str] = []


def rating_form(criteria: CriteriaSet, locale: str, **kwargs) -> RatingForm:
    """A RatingForm with `criterion_1` ... `criterion_N` for the set in force."""

    class Form(RatingForm):
        pass

    names = []
    for criterion in criteria.criteria:
        name = f"criterion_{criterion.number}"
        choices = [SelectChoice(str(score), criterion.level(score, locale)) for score in SCORES]
        setattr(Form, name, Choice(criterion.label(locale), choices=choices, validators=[Optional()]))
        names.append(name)
    Form.criteria_fields = names
    return Form(**kwargs)


class SubscriptionForm(FlaskForm):
    """Subscribing an address to the monthly publication (the province's, or one agency's)."""

    email = StringField(
        _l("Thư điện tử"),
        validators=[
            DataRequired(_l("Hãy nhập địa chỉ thư điện tử.")),
            Length(max=254, message=_l("Địa chỉ thư điện tử dài quá %(max)d ký tự.", max=254)),
            Regexp(EMAIL, message=_l("Địa chỉ thư điện tử không đúng dạng.")),
        ],
    )
    agency_code = StringField(_l("Cơ quan"), validators=[Optional(), Length(max=50)])
    website = StringField(_l("Để trống ô này"), validators=[_empty])
