"""The staff's review queue for listings: a new organisation's first listings wait here (RELIABILITY 64).

Approve publishes the listing; send back returns it to the organisation as a draft with a note they read.
Two staff deciding at once: the listing is locked, and whoever comes second gets 409.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.catalog.review import approve_listing, listing_for_decision, required_note, review_queue, send_back_listing
from app.deps import SessionDep, StaffUser
from app.staff.service import request_id
from app.web import render

router = APIRouter(prefix="/staff/listings", tags=["staff"])
ListingId = Annotated[int, Path(ge=1, le=2_147_483_647)]
NOTICES = ("approved", "sent_back")


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, staff: StaffUser, done: str = "") -> HTMLResponse:
    context = {"items": review_queue(session), "done": done if done in NOTICES else ""}
    return render(request, "staff_listings.html", context)


@router.post("/{listing_id}/approve")
def approve(request: Request, session: SessionDep, staff: StaffUser, listing_id: ListingId) -> RedirectResponse:
    listing = listing_for_decision(session, listing_id=listing_id)
    approve_listing(session, listing=listing, staff=staff, request_id=request_id(request))
    return RedirectResponse("/staff/listings?done=approved", status_code=303)


@router.post("/{listing_id}/send-back")
def send_back(request: Request, session: SessionDep, staff: StaffUser, listing_id: ListingId,
              note: Annotated[str, Form()] = "") -> RedirectResponse:
    listing = listing_for_decision(session, listing_id=listing_id)
    send_back_listing(session, listing=listing, staff=staff, note=required_note(note), request_id=request_id(request))
    return RedirectResponse("/staff/listings?done=sent_back", status_code=303)
