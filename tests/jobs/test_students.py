"""The students' view of the jobs board: internships and PhD/postdoc positions only, with its own feed."""

import pytest

from app.search.service import drain_all
from tests.factories import make_job, make_org
from tests.jobs.helpers import entry_links, listed
from tests.helpers import assert_left_out


@pytest.fixture
def jobs(session):
    org = make_org(session, name="Kestrel Quantum")
    made = {kind: make_job(session, org, slug=f"{kind.replace('_', '-')}-role", title=f"{kind} role", employment_type=kind)
            for kind in ("internship", "phd_postdoc", "full_time", "contract")}
    session.commit()
    return made


@pytest.mark.parametrize(("language", "heading"), [("en", "For students"), ("zh", "面向学生")])
def test_only_internships_and_phd_positions_are_listed(client, jobs, language, heading):
    page = client.get("/jobs/students", params={"lang": language})
    assert page.status_code == 200 and heading in page.text
    assert set(listed(page.text)) == {"internship-role", "phd-postdoc-role"}
    assert 'action="/jobs/students"' in page.text
    assert 'href="/jobs/students"' in client.get("/jobs", params={"lang": language}).text


def test_choosing_one_student_type_narrows_and_others_cannot_widen_it(client, jobs):
    assert listed(client.get("/jobs/students", params={"employment_type": "internship"}).text) == ["internship-role"]
    widened = client.get("/jobs/students", params=[("employment_type", "full_time"), ("employment_type", "internship")])
    assert listed(widened.text) == ["internship-role"]
    assert_left_out(client.get("/jobs/students", params={"employment_type": "astronaut", "lang": "en"}), "employment_type")


def test_words_search_within_the_students_view(client, engine, jobs):
    drain_all(engine, client.app.state.search)
    assert listed(client.get("/jobs/students", params={"q": "role"}).text) != []
    assert set(listed(client.get("/jobs/students", params={"q": "role"}).text)) <= {"internship-role", "phd-postdoc-role"}


def test_the_students_feed_holds_only_their_positions(client, jobs):
    feed = client.get("/jobs/students/feed.xml", params={"lang": "en"})
    assert feed.headers["content-type"].startswith("application/atom+xml")
    links = entry_links(feed)
    assert len(links) == 2 and all(link.endswith(("/jobs/internship-role", "/jobs/phd-postdoc-role")) for link in links)
