"""Fixtures of the community tests."""

import pytest

from app.db import unit_of_work
from app.models import WorkingGroupChair
from app.models.vocab import MemberRole
from tests.community.group_world import GroupWorld, add_person
from tests.factories import make_group, make_org


@pytest.fixture
def group_world(engine) -> GroupWorld:
    with unit_of_work(engine) as session:
        founder = make_org(session, slug="founder", name="Founder Photonics")
        joiner = make_org(session, slug="joiner", name="Joiner Quantum")
        other = make_org(session, slug="other", name="Other Cryo")
        group = make_group(session, members=[founder], name="Quantum networking", name_zh="量子网络工作组")
        group.slug = "qnet"
        chair = add_person(session, "chair@qnet.example", founder, display_name="Dr. Chair Person")
        session.add(WorkingGroupChair(group_id=group.id, user_id=chair.id))
        add_person(session, "owner@joiner.example", joiner)
        add_person(session, "editor@joiner.example", joiner, MemberRole.editor)
        add_person(session, "owner@other.example", other)
        add_person(session, "staff@alliance.example", is_staff=True)
        session.flush()
        return GroupWorld(group.id, "qnet", founder.id, joiner.id, other.id)
