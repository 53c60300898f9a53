"""Webinar and working-group pages, and the webinar calendar files."""

import json
import re
from datetime import timedelta

import pytest

from app.models.base import utcnow
from app.models.states import JOB, LISTING, ORGANIZATION, JobStatus, ListingStatus, OrgStatus
from tests.factories import make_group, make_job, make_listing, make_org, make_pending_org, make_webinar
from tests.webinars.ics import assert_well_formed, parse_ics, unescape
from tests.helpers import assert_left_out

def suspend(org):
    ORGANIZATION.move(org, OrgStatus.suspended)


def main_of(html: str) -> str:
    """The page's <main>: what this page shows, without the shared header and footer."""
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


# ---- /webinars ----------------------------------------------------------------------------------------


@pytest.fixture
def webinars(session):
    presenter = make_org(session, name="Beiyan Cryogenics", name_zh="北燕低温")
    hidden_presenter = make_org(session, name="Suspended Presenter Ltd", name_zh="已暂停机构")
    suspend(hidden_presenter)
    records = {
        "later": make_webinar(session, days_from_now=40, title="Later upcoming", presenters=[presenter]),
        "soon": make_webinar(session, days_from_now=3, title="Soon upcoming", title_zh="即将举行的研讨会",
                             presenters=[presenter, hidden_presenter]),
        "recent": make_webinar(session, days_from_now=-3, title="Recent past", presenters=[hidden_presenter]),
        "old": make_webinar(session, days_from_now=-60, title="Old past", recording_url=None),
    }
    session.commit()
    return records | {"presenter": presenter, "hidden_presenter": hidden_presenter}


def test_webinars_lists_upcoming_soonest_first_then_past_newest_first(client, webinars):
    response = client.get("/webinars?lang=en")
    assert response.status_code == 200
    assert "HX-Request" in response.headers["vary"]
    page = main_of(response.text)
    order = [page.index(title) for title in ("Soon upcoming", "Later upcoming", "Recent past", "Old past")]
    assert order == sorted(order)
    assert page.index("Upcoming webinars") < order[0] and order[1] < page.index("Past webinars") < order[2]


def test_webinar_cards_carry_date_theme_presenters_and_the_right_links(client, webinars):
    page = main_of(client.get("/webinars?lang=en").text)
    soon, recent, old = (webinars[key] for key in ("soon", "recent", "old"))
    upcoming_part, past_part = page.split("Past webinars", 1)
    # upcoming: registration and calendar; no recording
    assert f'href="{soon.registration_url}"' in upcoming_part
    assert f'href="/webinars/{soon.slug}.ics"' in upcoming_part
    assert "Watch the recording" not in upcoming_part
    # past: the recording, no registration or calendar file
    assert f'href="{recent.recording_url}"' in past_part
    assert "/register/" not in past_part and ".ics" not in past_part
    assert old.recording_url is None and "No recording is available yet." in past_part
    # the date in Beijing time, the theme, the presenter linked to its organisation
    assert "Beijing time" in page
    assert f'datetime="{soon.starts_at.isoformat()}"' in page
    assert '<a href="/marketplace/hardware/cryogenics">Cryogenics</a>' in page
    assert f'<a href="/orgs/{webinars["presenter"].slug}">Beiyan Cryogenics</a>' in page
    assert 'href="/webinars.ics"' in page


def test_a_suspended_presenter_is_never_shown(client, webinars):
    hidden = webinars["hidden_presenter"]
    for path in ("/webinars?lang=en", f"/webinars/{webinars['soon'].slug}?lang=en",
                 f"/webinars/{webinars['recent'].slug}?lang=en"):
        html = client.get(path).text
        assert "Suspended Presenter" not in html and f"/orgs/{hidden.slug}" not in html, path


def test_webinars_in_chinese(client, webinars):
    response = client.get("/webinars?lang=zh")
    assert '<html lang="zh-CN">' in response.text
    page = main_of(response.text)
    assert "即将举行的研讨会" in page and "北燕低温" in page and "低温" in page
    assert "北京时间" in page and "年" in page
    assert "Beiyan Cryogenics" not in page


def test_webinars_fragment_is_only_the_lists(client, webinars):
    response = client.get("/webinars?lang=en", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Request" in response.headers["vary"]
    assert "<html" not in response.text and "<main" not in response.text
    assert 'id="past-results"' in response.text and "Soon upcoming" in response.text and "Old past" in response.text
    # a history restore gets the whole page
    restore = client.get("/webinars", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text


def test_past_webinars_are_paged(client, session):
    for days in range(1, 15):
        make_webinar(session, days_from_now=-days, title=f"Past session {days:02d}")
    session.commit()
    first = main_of(client.get("/webinars?lang=en").text)
    assert "Past session 01" in first and "Past session 12" in first and "Past session 13" not in first
    assert "Webinars 1–12 of 14" in first and 'href="/webinars?lang=en&amp;page=2"' in first
    second = client.get("/webinars?lang=en&page=2", headers={"HX-Request": "true"}).text
    assert "Past session 13" in second and "Past session 14" in second and "Past session 01" not in second
    beyond = main_of(client.get("/webinars?lang=en&page=9").text)
    assert "There is no such page." in beyond


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "100000000000000000000000"])
def test_a_bad_page_number_is_left_out_and_named(client, page):
    assert_left_out(client.get(f"/webinars?lang=en&page={page}"), "page")


def test_no_webinars_at_all(client):
    page = main_of(client.get("/webinars?lang=en").text)
    assert "No webinars are scheduled yet." in page and "No webinars have taken place yet." in page


# ---- /webinars/{slug} ----------------------------------------------------------------------------------


def test_webinar_page_shows_description_presenters_and_only_visible_listings(client, session):
    org = make_org(session, name="Guangbo Detectors")
    shown = make_listing(session, org, title="SNSPD eight-channel system", title_zh="八通道超导纳米线探测器")
    draft = make_listing(session, org, title="Draft detector prototype")
    LISTING.move(draft, ListingStatus.draft)
    archived = make_listing(session, org, title="Archived old detector")
    LISTING.move(archived, ListingStatus.archived)
    suspended_org = make_org(session, name="Gone Photonics")
    of_suspended = make_listing(session, suspended_org, title="Listing of a suspended organisation")
    suspend(suspended_org)
    webinar = make_webinar(
        session, days_from_now=10, presenters=[org, suspended_org], listings=[shown, draft, archived, of_suspended],
        description="Detectors **matter**.\n\n<script>alert('x')</script>",
    )
    session.commit()

    response = client.get(f"/webinars/{webinar.slug}?lang=en")
    assert response.status_code == 200 and "HX-Request" in response.headers["vary"]
    page = main_of(response.text)
    assert f"<h1 id=\"webinar-title\">{webinar.title}</h1>" in page
    assert "Detectors <strong>matter</strong>." in page
    assert "<script>alert" not in response.text and "&lt;script&gt;" in page
    assert f'href="/listings/{shown.slug}"' in page and "SNSPD eight-channel system" in page
    for hidden in (draft, archived, of_suspended):
        assert hidden.slug not in page and hidden.title not in page
    assert f'href="/orgs/{org.slug}"' in page and "Gone Photonics" not in page
    assert f'href="{webinar.registration_url}"' in page and f'href="/webinars/{webinar.slug}.ics"' in page
    assert "90 minutes" in page


def test_webinar_page_json_ld_is_an_event(client, session):
    org = make_org(session)
    webinar = make_webinar(session, days_from_now=5, presenters=[org], description="With a </script> inside")
    session.commit()
    html = client.get(f"/webinars/{webinar.slug}?lang=en").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "Event" and data["name"] == webinar.title
    assert data["startDate"] == webinar.starts_at.isoformat()
    assert data["eventAttendanceMode"].endswith("OnlineEventAttendanceMode")
    assert data["performer"][0]["url"].endswith(f"/orgs/{org.slug}")


def test_past_webinar_page_links_the_recording_and_offers_no_registration(client, session):
    webinar = make_webinar(session, days_from_now=-20)
    session.commit()
    page = main_of(client.get(f"/webinars/{webinar.slug}?lang=en").text)
    assert f'href="{webinar.recording_url}"' in page
    assert webinar.registration_url not in page and ".ics" not in page


def test_webinar_page_in_chinese(client, session):
    webinar = make_webinar(session, days_from_now=7)
    session.commit()
    response = client.get(f"/webinars/{webinar.slug}?lang=zh")
    assert '<html lang="zh-CN">' in response.text
    page = main_of(response.text)
    assert webinar.title_zh in page and webinar.description_zh in page and "北京时间" in page
    assert webinar.title not in page


def test_unknown_webinars_are_404(client):
    for path in ("/webinars/no-such-webinar?lang=en", "/webinars/no-such-webinar.ics"):
        response = client.get(path)
        assert response.status_code == 404, path
    assert "Page not found" in client.get("/webinars/no-such-webinar?lang=en").text


# ---- calendar files ------------------------------------------------------------------------------------


def test_calendar_lists_only_upcoming_webinars(client, webinars):
    response = client.get("/webinars.ics?lang=en")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    body = response.content.decode("utf-8")
    assert_well_formed(body)
    parsed = parse_ics(body)
    assert parsed["calendar"]["VERSION"] == "2.0" and parsed["calendar"]["PRODID"]
    uids = [event["UID"] for event in parsed["events"]]
    assert uids == [f"{webinars['soon'].slug}@qmarket", f"{webinars['later'].slug}@qmarket"]
    soon = parsed["events"][0]
    start = webinars["soon"].starts_at
    assert soon["DTSTART"] == start.strftime("%Y%m%dT%H%M%SZ")
    assert soon["DTEND"] == (start + timedelta(minutes=90)).strftime("%Y%m%dT%H%M%SZ")
    assert re.fullmatch(r"\d{8}T\d{6}Z", soon["DTSTAMP"])
    assert unescape(soon["SUMMARY"]) == "Soon upcoming"
    assert soon["URL"] == f"http://testserver/webinars/{webinars['soon'].slug}"
    assert webinars["soon"].registration_url in unescape(soon["DESCRIPTION"])


def test_calendar_text_is_plain_escaped_and_folded(client, session):
    description = ("Heat loads, wiring; and **helium**.\n\nSecond paragraph with a [link](https://x.example) "
                   + "and a long tail " * 10)
    webinar = make_webinar(session, days_from_now=2, title="Fridges, helium; uptime", description=description,
                           description_zh="低温、氦气；" + "很长的中文描述" * 20)
    session.commit()
    body = client.get("/webinars.ics?lang=en").content.decode("utf-8")
    assert_well_formed(body)
    assert "\r\n " in body  # long lines were folded
    event = parse_ics(body)["events"][0]
    assert event["SUMMARY"] == r"Fridges\, helium\; uptime"
    text = unescape(event["DESCRIPTION"])
    assert text.startswith("Heat loads, wiring; and helium.\n\nSecond paragraph with a link and a long tail")
    assert "**" not in text and "<" not in text
    zh = parse_ics(client.get("/webinars.ics?lang=zh").content.decode("utf-8"))["events"][0]
    assert unescape(zh["SUMMARY"]) == webinar.title_zh
    assert unescape(zh["DESCRIPTION"]).startswith("低温、氦气；很长的中文描述")


def test_one_webinar_calendar_file(client, webinars):
    webinar = webinars["soon"]
    response = client.get(f"/webinars/{webinar.slug}.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert f'filename="{webinar.slug}.ics"' in response.headers["content-disposition"]
    parsed = parse_ics(response.content.decode("utf-8"))
    assert [event["UID"] for event in parsed["events"]] == [f"{webinar.slug}@qmarket"]


def test_an_empty_calendar_when_nothing_is_scheduled(client, session):
    make_webinar(session, days_from_now=-1)
    session.commit()
    parsed = parse_ics(client.get("/webinars.ics").content.decode("utf-8"))
    assert parsed["events"] == []


# ---- /groups -------------------------------------------------------------------------------------------


@pytest.fixture
def group_world(session):
    active = make_org(session, name="Alpha Quantum Optics", name_zh="阿尔法量子光学")
    other = make_org(session, name="Beta Cryo Systems")
    pending = make_pending_org(session, name="Pending Applicant Co")
    suspended = make_org(session, name="Suspended Member Inc")
    suspend(suspended)
    older = make_listing(session, active, title="Older laser system", category="hardware/lasers")
    newer = make_listing(session, other, title="Newer dilution fridge")
    draft = make_listing(session, active, title="Secret draft listing")
    LISTING.move(draft, ListingStatus.draft)
    make_listing(session, suspended, title="Listing of suspended member")
    older.published_at = utcnow() - timedelta(days=30)
    make_job(session, active)
    make_job(session, other)
    expired = make_job(session, other)
    expired.expires_at = utcnow() - timedelta(days=1)
    closed = make_job(session, active)
    JOB.move(closed, JobStatus.closed)
    make_job(session, suspended)
    group = make_group(session, members=[active, other, pending, suspended], name="QKD networks and standards",
                       name_zh="量子密钥分发网络与标准工作组",
                       mission="Agree on **test methods** for QKD.\n\nSecond paragraph.")
    empty = make_group(session, members=[pending], name="Brand new group")
    session.commit()
    return {"group": group, "empty": empty, "active": active, "other": other, "pending": pending,
            "suspended": suspended, "older": older, "newer": newer, "draft": draft}


def test_groups_list_names_missions_and_counts_only_active_members(client, group_world):
    response = client.get("/groups?lang=en")
    assert response.status_code == 200 and "HX-Request" in response.headers["vary"]
    page = main_of(response.text)
    assert f'href="/groups/{group_world["group"].slug}"' in page and "QKD networks and standards" in page
    assert "2 member organisations" in page  # active and other; not the pending or suspended one
    assert "0 member organisations" in page  # the group whose only member is pending
    assert "Agree on test methods for QKD." in page and "**" not in page


def test_groups_list_in_chinese(client, group_world):
    response = client.get("/groups?lang=zh")
    assert '<html lang="zh-CN">' in response.text
    assert "量子密钥分发网络与标准工作组" in main_of(response.text)


def test_group_page_shows_mission_active_members_and_what_they_offer(client, group_world):
    group = group_world["group"]
    response = client.get(f"/groups/{group.slug}?lang=en")
    assert response.status_code == 200 and "HX-Request" in response.headers["vary"]
    page = main_of(response.text)
    assert "Agree on <strong>test methods</strong> for QKD." in page
    assert f'href="/orgs/{group_world["active"].slug}"' in page and f'href="/orgs/{group_world["other"].slug}"' in page
    for hidden in ("pending", "suspended"):
        assert group_world[hidden].slug not in page and group_world[hidden].name not in page
    assert "Secret draft listing" not in page and "Listing of suspended member" not in page
    assert page.index("Newer dilution fridge") < page.index("Older laser system")
    assert "2 listings in the marketplace" in page
    assert '<a href="/jobs">2 open positions</a>' in page  # not the expired, closed or suspended member's job
    assert 'href="/marketplace/hardware/cryogenics"' in page and 'href="/marketplace/hardware/lasers"' in page


def test_group_page_in_chinese(client, group_world):
    response = client.get(f"/groups/{group_world['group'].slug}?lang=zh")
    assert '<html lang="zh-CN">' in response.text
    page = main_of(response.text)
    assert "量子密钥分发网络与标准工作组" in page and "阿尔法量子光学" in page and "低温" in page


def test_a_group_without_visible_members(client, group_world):
    page = main_of(client.get(f"/groups/{group_world['empty'].slug}?lang=en").text)
    assert "This group has no member organisations yet." in page
    assert "The members have not listed any products or services yet." in page
    assert "Pending Applicant" not in page


def test_unknown_group_is_404(client):
    response = client.get("/groups/no-such-group?lang=zh")
    assert response.status_code == 404 and "页面不存在" in response.text


def test_the_calendar_is_the_same_bytes_until_its_webinars_change(client, engine, monkeypatch):
    """DTSTAMP comes from the data, so a subscribed calendar's conditional request gets a 304."""
    from datetime import timedelta

    import app.webinars.routes as routes
    from app.db import unit_of_work
    from app.models.base import utcnow
    from tests.factories import make_webinar

    with unit_of_work(engine) as session:
        make_webinar(session, days_from_now=5)
    first = client.get("/webinars.ics")
    later = utcnow() + timedelta(seconds=3)
    monkeypatch.setattr(routes, "utcnow", lambda: later)  # a request a few seconds on
    again = client.get("/webinars.ics", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    with unit_of_work(engine) as session:
        make_webinar(session, days_from_now=9, title="A new session")
    assert client.get("/webinars.ics", headers={"If-None-Match": first.headers["etag"]}).status_code == 200
