"""Every status field and its allowed transitions, in one place.

A service changes a status only through `Machine.move`, so a forbidden transition is always a Conflict.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Generic, TypeVar

from app.errors import Conflict


class OrgStatus(StrEnum):
    pending = "pending"  # applied, waiting for staff
    active = "active"
    rejected = "rejected"
    suspended = "suspended"
    deleted = "deleted"  # by its owners; staff may restore it within the retention period, then it is purged


class ListingStatus(StrEnum):
    draft = "draft"
    review = "review"  # a new organisation's first listings wait for staff before they go public
    published = "published"
    archived = "archived"
    deleted = "deleted"  # by its organisation; restorable by staff within the retention period


class JobStatus(StrEnum):
    draft = "draft"
    review = "review"
    published = "published"
    rejected = "rejected"
    closed = "closed"


class RequestStatus(StrEnum):
    """A member's request to the alliance: a proposal to present a webinar, a request to join a group."""

    pending = "pending"  # waiting for staff (or the group's chairs)
    approved = "approved"
    declined = "declined"  # with a reason the requester sees
    withdrawn = "withdrawn"  # by the requester, while it was pending


class InquiryStatus(StrEnum):
    held = "held"  # a new member's first inquiries wait for staff; the recipients see nothing yet
    open = "open"
    answered = "answered"
    closed = "closed"


S = TypeVar("S", bound=StrEnum)


class Machine(Generic[S]):
    def __init__(self, name: str, transitions: Mapping[S, frozenset[S]]) -> None:
        self.name = name
        self.transitions = transitions

    def allowed(self, current: S) -> frozenset[S]:
        return self.transitions.get(current, frozenset())

    def can(self, current: S, target: S) -> bool:
        return target in self.allowed(current)

    def move(self, record: Any, target: S, *, field: str = "status") -> None:
        current = getattr(record, field)
        if not self.can(current, target):
            raise Conflict(f"{self.name} cannot go from {current} to {target}")
        setattr(record, field, target)


ORGANIZATION = Machine(
    "organization",
    {
        OrgStatus.pending: frozenset({OrgStatus.active, OrgStatus.rejected}),
        OrgStatus.rejected: frozenset({OrgStatus.pending}),  # the applicant may apply again
        OrgStatus.active: frozenset({OrgStatus.suspended, OrgStatus.deleted}),
        OrgStatus.suspended: frozenset({OrgStatus.active}),
        OrgStatus.deleted: frozenset({OrgStatus.active}),  # staff restore
    },
)

LISTING = Machine(
    "listing",
    {
        ListingStatus.draft: frozenset({ListingStatus.published, ListingStatus.review, ListingStatus.archived,
                                        ListingStatus.deleted}),
        ListingStatus.review: frozenset({ListingStatus.published, ListingStatus.draft, ListingStatus.deleted}),
        # → review: reports from independent members hide it until staff look.
        ListingStatus.published: frozenset({ListingStatus.draft, ListingStatus.review, ListingStatus.archived,
                                            ListingStatus.deleted}),
        ListingStatus.archived: frozenset({ListingStatus.published, ListingStatus.review, ListingStatus.draft,
                                           ListingStatus.deleted}),
        # Staff restore a deleted listing as a draft: its organisation decides when it goes public again.
        ListingStatus.deleted: frozenset({ListingStatus.draft}),
    },
)

JOB = Machine(
    "job",
    {
        JobStatus.draft: frozenset({JobStatus.review, JobStatus.closed}),
        JobStatus.review: frozenset({JobStatus.published, JobStatus.rejected, JobStatus.draft}),
        # A rejected posting is edited and resubmitted, never published directly.
        JobStatus.rejected: frozenset({JobStatus.review, JobStatus.draft, JobStatus.closed}),
        JobStatus.published: frozenset({JobStatus.closed, JobStatus.review}),
        JobStatus.closed: frozenset({JobStatus.review}),  # renewal goes back through review
    },
)

INQUIRY = Machine(
    "inquiry",
    {
        InquiryStatus.held: frozenset({InquiryStatus.open, InquiryStatus.closed}),  # staff release or refuse
        InquiryStatus.open: frozenset({InquiryStatus.answered, InquiryStatus.closed}),
        InquiryStatus.answered: frozenset({InquiryStatus.closed, InquiryStatus.open}),
        InquiryStatus.closed: frozenset({InquiryStatus.open}),
    },
)

# Webinar proposals and join requests: decided once; a declined or withdrawn request is followed by a new one.
REQUEST = Machine(
    "request",
    {
        RequestStatus.pending: frozenset({RequestStatus.approved, RequestStatus.declined, RequestStatus.withdrawn}),
    },
)
