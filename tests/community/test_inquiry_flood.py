"""One account flooding inquiries (RELIABILITY 46): 50 in a minute, then the same text to many organisations →
429 + Retry-After past the limits; outbound mail never exceeds the accepted inquiries; excess attempts are
logged with the sender's id and never the text."""

import logging

from app.community import inquiries as inquiry_service
from app.db import unit_of_work
from app.models import Inquiry
from tests.community.helpers import count, make_client, send, sign_in, world  # noqa: F401
from tests.factories import make_org

SECRET_WORDS = "Unrepeatable-marketing-phrase-42"


def test_fifty_inquiries_in_a_minute_are_cut_at_the_limit_and_mail_never_exceeds_it(
        settings, engine, smtp, world, caplog):
    with make_client(settings, smtp, review_first_inquiries=0) as client:
        sign_in(client, "carol@org-c.example")
        caplog.set_level(logging.WARNING, logger="qmarket.inquiries")
        answers = [send(client, subject=f"Question {n}", message=f"{SECRET_WORDS} number {n}") for n in range(50)]
    accepted = [a for a in answers if a.status_code == 303]
    refused = [a for a in answers if a.status_code != 303]
    assert len(accepted) == inquiry_service.PER_HOUR == count(engine, Inquiry)
    assert {a.status_code for a in refused} == {429} and len(refused) == 50 - inquiry_service.PER_HOUR
    assert all(int(a.headers["retry-after"]) > 0 for a in refused)
    assert len(smtp.messages) == len(accepted)  # one owner each: mail never exceeds the accepted inquiries
    lines = [r.getMessage() for r in caplog.records if r.name == "qmarket.inquiries"]
    assert len(lines) == len(refused)  # every excess attempt is logged…
    assert all(f"sender {world['carol']}" in line for line in lines)  # …with the sender's id…
    assert not any(SECRET_WORDS.lower() in line.lower() for line in lines)  # …and never the text


def test_the_same_text_to_many_organisations_stops_at_the_limit(settings, engine, smtp, world):
    with unit_of_work(engine) as session:
        for n in range(20):
            make_org(session, slug=f"target-{n}")
    with make_client(settings, smtp, review_first_inquiries=0) as client:
        sign_in(client, "carol@org-c.example")
        answers = [send(client, org=f"target-{n}", subject="Offer", message="Buy our qubits now!").status_code
                   for n in range(20)]
    limit = inquiry_service.SAME_TEXT_PER_DAY
    assert answers == [303] * limit + [429] * (20 - limit)
    assert count(engine, Inquiry) == limit
    assert len(smtp.messages) <= limit  # the target organisations of the factory have no owners to mail


def test_held_inquiries_count_against_the_limits_too(settings, engine, smtp, world):
    with make_client(settings, smtp, review_first_inquiries=100) as client:  # everything is held
        sign_in(client, "carol@org-c.example")
        answers = [send(client, subject=f"Q {n}", message=f"Message {n}").status_code for n in range(15)]
    assert answers.count(303) == inquiry_service.PER_HOUR and answers.count(429) == 15 - inquiry_service.PER_HOUR
    assert smtp.messages == []
