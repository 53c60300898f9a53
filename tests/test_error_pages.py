"""Field error messages in the reader's language: pydantic's, our validators' and the services' texts are
Chinese on Chinese pages (422 pages and htmx fragments) and English with ?lang=en; the JSON API keeps English.

The world is the member API's (organisation A with its owner and token, tests/api/conftest.py): the same
input goes through the workspace listing form and through the API."""

import pytest
from pydantic import ValidationError
from sqlmodel import select

from app.errors import Conflict, FieldError, Invalid, InvalidValue
from app.i18n import error_text, gettext
from app.jobs.schemas import JobIn
from app.models import Listing
from app.validation import field_errors
from app.workspace.schemas import ListingForm
from tests.api.conftest import OWNER, api, sign_in  # noqa: F401  (api is the fixture)
from tests.helpers import csrf_headers

FORM = "/account/orgs/org-a/listings/new"
API = "/api/v1/orgs/org-a/listings"
LISTING = {"kind": "product", "category": "hardware/cryogenics", "title": "Dilution fridge",
           "summary": "10 mK", "tags": "cryostat", "trl": "7", "datasheet_url": "https://alpha.example/ds.pdf"}

# (what is sent, the Chinese text, the English text)
CASES = {
    "too_long_title": ({"title": "x" * 201}, "最多 200 个字符", "must be at most 200 characters long"),
    "http_url": ({"datasheet_url": "http://alpha.example/ds.pdf"}, "必须是以 https:// 开头的网址",
                 "must be an https:// address"),
    "unknown_category": ({"category": "hardware/no-such-thing"}, "请从列表中选择一个类别",
                         "choose a category from the list"),
}
# What pydantic says in its own words: never shown on a page any more, in either language.
PYDANTIC_WORDS = ("String should", "Input should", "Value error")


def listing_count(api) -> int:
    with api.session() as session:
        return len(session.exec(select(Listing)).all())


def post_form(api, data: dict, *, lang: str = "zh", htmx: bool = False):
    headers = {"Accept-Language": "zh-CN,zh;q=0.9"}
    if htmx:
        headers["HX-Request"] = "true"
    token = csrf_headers(api.client)["X-CSRF-Token"]
    url = FORM + ("?lang=en" if lang == "en" else "")
    return api.client.post(url, data={"csrf_token": token, **data}, headers=headers, follow_redirects=False)


@pytest.mark.parametrize("case", CASES)
def test_a_chinese_form_page_says_the_field_error_in_chinese_and_nothing_is_written(api, case):
    change, chinese, english = CASES[case]
    sign_in(api.client, OWNER)
    before = listing_count(api)
    page = post_form(api, LISTING | change)
    assert page.status_code == 422 and "<html" in page.text
    assert chinese in page.text and english not in page.text
    assert not any(words in page.text for words in PYDANTIC_WORDS)
    assert listing_count(api) == before


@pytest.mark.parametrize("case", CASES)
def test_the_same_page_in_english_says_it_in_english(api, case):
    change, chinese, english = CASES[case]
    sign_in(api.client, OWNER)
    page = post_form(api, LISTING | change, lang="en")
    assert page.status_code == 422 and english in page.text and chinese not in page.text


def test_an_htmx_fragment_of_the_error_page_is_translated_too(api):
    """An htmx request that fails gets the error page's alert block alone: the field errors of a form route
    (FastAPI's RequestValidationError, through the same mapping) and a service's message, translated."""
    sign_in(api.client, OWNER)
    token = csrf_headers(api.client)["X-CSRF-Token"]
    for lang, required, missing in (("zh", "<strong>密码</strong>: 为必填项", "该产品服务不存在"),
                                    ("en", "<strong>Password</strong>: is required", "no such listing")):
        headers = {"HX-Request": "true", "Accept-Language": "zh-CN"}
        fragment = api.client.post(f"/account/login?lang={lang}", headers=headers, follow_redirects=False,
                                   data={"csrf_token": token, "email": "a@b.example"})
        assert fragment.status_code == 422 and "<html" not in fragment.text and 'role="alert"' in fragment.text
        assert required in fragment.text and "password: " not in fragment.text  # no English summary line
        gone = api.client.get(f"/account/orgs/org-a/listings/999999/edit?lang={lang}", headers=headers)
        assert gone.status_code == 404 and "<html" not in gone.text and missing in gone.text


@pytest.mark.parametrize("case", CASES)
def test_the_json_api_keeps_english_for_the_same_input(api, case):
    change, chinese, english = CASES[case]
    body = {"kind": "product", "category": "hardware/cryogenics", "title": "Dilution fridge", "trl": 7,
            "datasheet_url": "https://alpha.example/ds.pdf"} | change
    answer = api.client.post(API, json=body, headers=api.bearer("a") | {"Accept-Language": "zh-CN"})
    assert answer.status_code == 422, answer.text
    messages = [e["message"] for e in answer.json()["errors"]]
    assert english in messages and english in answer.json()["message"]
    assert chinese not in answer.text


def test_a_missing_form_field_on_the_error_page_is_translated(api):
    """A route taking plain form fields answers FastAPI's RequestValidationError with the error page: its
    field errors go through the same mapping (app.validation.pydantic_error)."""
    token = csrf_headers(api.client)["X-CSRF-Token"]
    for lang, expected, absent in (("zh", "<strong>密码</strong>: 为必填项", "is required"),
                                   ("en", "<strong>Password</strong>: is required", "为必填项")):
        page = api.client.post(f"/account/login?lang={lang}", data={"csrf_token": token, "email": "a@b.example"},
                               follow_redirects=False)
        assert page.status_code == 422 and expected in page.text and absent not in page.text
        assert "Field required" not in page.text


# ---- units -------------------------------------------------------------------------------------------


def zh(message: str) -> str:
    return gettext("zh", message)


def en(message: str) -> str:
    return gettext("en", message)


def test_error_text_translates_templates_with_their_params_plain_messages_and_strings():
    templated = FieldError.of("title", "must be at most {max_length} characters long", max_length=200)
    assert templated.message == "must be at most 200 characters long"  # the English text, for the API and logs
    assert templated == FieldError("title", "must be at most 200 characters long")  # equality as before
    assert error_text(templated, zh) == "最多 200 个字符"
    assert error_text(templated, en) == "must be at most 200 characters long"
    assert error_text(FieldError("url", "must be an https:// address"), zh) == "必须是以 https:// 开头的网址"
    assert error_text("no such listing", zh) == "该产品服务不存在"
    assert error_text("a text nobody translated", zh) == "a text nobody translated"
    assert error_text(None, zh) == "" and error_text("", zh) == ""
    assert error_text(Invalid.field("confirm", "type {slug} to confirm", slug="org-a").errors[0], zh) == \
        "请输入 org-a 以确认"
    conflict = Conflict("{what} was changed", what="it")  # a DomainError with params: English message filled in
    assert conflict.message == "it was changed" and error_text(conflict, en) == "it was changed"
    assert error_text(Conflict("this inquiry was already decided"), zh) == "该询盘已被处理"


def test_a_translation_with_a_broken_placeholder_falls_back_to_english():
    error = FieldError.of("title", "must be at most {max_length} characters long", max_length=5)
    assert error_text(error, lambda _: "最多 {length} 个字符") == "must be at most 5 characters long"


def errors_of(model, data: dict) -> dict[str, FieldError]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return {e.field: e for e in field_errors(caught.value)}


def test_field_errors_maps_pydantic_types_to_our_templates_and_keeps_their_params():
    errors = errors_of(ListingForm, {"kind": "gadget", "category": "hardware/cryogenics", "title": "",
                                     "summary": "s" * 301, "tags": ["t"] * 21, "trl": "ten",
                                     "datasheet_url": "http://x.example", "colour": "red"})
    assert errors["title"].msgid == "is required" and errors["title"].message == "is required"  # min_length 1
    assert (errors["summary"].msgid, errors["summary"].params) == ("must be at most {max_length} characters long",
                                                                   {"max_length": 300})
    assert errors["summary"].message == "must be at most 300 characters long"
    assert (errors["tags"].msgid, errors["tags"].params["max_length"]) == ("must have at most {max_length} items", 20)
    assert errors["trl"].msgid == "must be a whole number"
    assert errors["kind"].msgid == "must be one of: {expected}" and "product" in errors["kind"].params["expected"]
    assert errors["datasheet_url"].message == "must be an https:// address"  # our validator: its text is the msgid
    assert errors["colour"].msgid == "is not a known field"
    assert error_text(errors["summary"], zh) == "最多 300 个字符"
    assert errors_of(ListingForm, {"kind": "product", "title": "t"})["category"].msgid == "is required"  # missing
    assert errors_of(ListingForm, {"kind": "product", "category": "c", "title": "t", "trl": 12})["trl"].params == \
        {"le": 9}


def test_field_errors_keeps_the_field_a_cross_field_rule_blames_and_a_validators_params():
    job = {"title": "Engineer", "function": "engineering", "employment_type": "full_time", "workplace": "onsite",
           "country": "CN", "city": "Hefei", "description": "d"}
    errors = errors_of(JobIn, job)  # neither apply_url nor apply_email
    assert errors["apply_url"].msgid == "give either an application page or an application e-mail address, not both"
    country = errors_of(JobIn, job | {"apply_url": "https://a.example", "country": "XX"})["country"]
    assert (country.msgid, country.params) == ("'{value}' is not an ISO 3166-1 alpha-2 country code", {"value": "XX"})
    assert error_text(country, zh) == "“XX”不是 ISO 3166-1 两位字母国家代码"
    with pytest.raises(ValidationError) as caught:
        ListingForm.model_validate({"kind": "product", "title": "t"})
    assert [e.field for e in field_errors(caught.value, prefix="listings[3]")] == ["listings[3].category"]


def test_invalid_value_reads_as_before_for_the_cli():
    problem = InvalidValue("must be at least {min_length} characters long", field="password", min_length=10)
    assert str(problem) == "password: must be at least 10 characters long"
    assert problem.field_error() == FieldError("password", "must be at least 10 characters long")
