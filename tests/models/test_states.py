import pytest

from app.errors import Conflict
from app.models import Job
from app.models.states import INQUIRY, JOB, LISTING, ORGANIZATION, JobStatus, ListingStatus, OrgStatus

MACHINES = [ORGANIZATION, LISTING, JOB, INQUIRY]


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_every_status_has_a_row_and_targets_are_known(machine):
    statuses = set(type(next(iter(machine.transitions))))
    assert set(machine.transitions) == statuses
    for targets in machine.transitions.values():
        assert targets <= statuses


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_no_status_moves_to_itself(machine):
    for status, targets in machine.transitions.items():
        assert status not in targets


def test_job_lifecycle_follows_review():
    job = Job(status=JobStatus.draft)
    JOB.move(job, JobStatus.review)
    JOB.move(job, JobStatus.published)
    JOB.move(job, JobStatus.closed)
    assert job.status == JobStatus.closed


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (JobStatus.draft, JobStatus.published),  # skipping review
        (JobStatus.rejected, JobStatus.published),  # rejected must be resubmitted
        (JobStatus.closed, JobStatus.published),  # renewal goes through review
        (JobStatus.published, JobStatus.rejected),
    ],
)
def test_forbidden_job_transitions_are_conflicts(start, target):
    job = Job(status=start)
    with pytest.raises(Conflict, match=f"job cannot go from {start} to {target}"):
        JOB.move(job, target)
    assert job.status == start


def test_organization_must_be_approved_before_it_can_be_suspended():
    assert not ORGANIZATION.can(OrgStatus.pending, OrgStatus.suspended)
    assert ORGANIZATION.can(OrgStatus.pending, OrgStatus.active)
    assert ORGANIZATION.can(OrgStatus.active, OrgStatus.suspended)
    assert ORGANIZATION.can(OrgStatus.suspended, OrgStatus.active)


def test_archived_listing_can_be_restored():
    assert LISTING.can(ListingStatus.archived, ListingStatus.published)
    assert LISTING.allowed(ListingStatus.draft) == {ListingStatus.published, ListingStatus.review,
                                                    ListingStatus.archived, ListingStatus.deleted}


def test_deleted_listing_comes_back_only_as_a_draft():
    assert LISTING.allowed(ListingStatus.deleted) == {ListingStatus.draft}
