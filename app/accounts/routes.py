"""Signing up, in and out, and looking after one's password and sign-in address."""

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from app.accounts import mails
from app.accounts.email_change import (
    EMAIL_CHANGE_LIFETIME,
    EmailChangeIn,
    confirm_email_change,
    open_email_change,
    request_email_change,
)
from app.accounts.events import event
from app.accounts.schemas import PasswordChange, PasswordReset, SignIn, UserCreate
from app.accounts.service import (
    authenticate,
    change_password,
    create_user,
    finish_password_reset,
    hash_password,
    start_password_reset,
)
from app.deps import CurrentUser, OptionalUser, SessionDep, SettingsDep
from app.errors import Conflict, FieldError, Invalid, by_field
from app.i18n import N_
from app.mail import build_message, send_after_commit
from app.organizations.access import memberships_of
from app.request_context import client_ip
from app.security import sessions
from app.security.ratelimit import RateLimited, hit
from app.validation import field_errors
from app.web import render, safe_next

router = APIRouter(prefix="/account")
Text = Annotated[str, Form(max_length=1000)]
SIGN_IN_FAILED = FieldError("email", N_("the e-mail address or the password is not right"))
# Sign-ups from one address (RELIABILITY 47): enough for a lab behind one NAT, far too few for a bot.
SIGNUPS_PER_IP = 20
SIGNUP_WINDOW_SECONDS = 3600
# "Someone tried to sign up with your address" mails to one address: a nuisance at most, never a flood.
SIGNUP_NOTICES_PER_ADDRESS = 3
SIGNUP_NOTICE_WINDOW_SECONDS = 24 * 3600


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _mail_after_commit(session, settings, message) -> None:
    send_after_commit(session, settings, [message], what=f"account mail ({message['Subject']})")


def _form_page(request: Request, template: str, errors: list[FieldError], values: dict, status: int = 422) -> HTMLResponse:
    return render(request, template, {"errors": by_field(errors), "values": values},
                  status_code=status)


def _signed_in(request: Request, session, user, settings, next_url: str) -> Response:
    sessions.end(session, request.cookies.get(settings.session_cookie))  # a new id on every sign-in
    token = sessions.start(session, user=user, settings=settings, ip=client_ip(request),
                           user_agent=request.headers.get("user-agent"))
    response = RedirectResponse(safe_next(next_url), status_code=303)
    response.set_cookie(settings.session_cookie, token, httponly=True, secure=settings.https, samesite="lax",
                        path="/", max_age=settings.session_max_hours * 3600)
    return response


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request) -> HTMLResponse:
    return render(request, "account_signup.html", {"errors": {}, "values": {}})


@router.post("/signup")
def signup(request: Request, session: SessionDep, settings: SettingsDep, email: Text, password: Text,
           display_name: Annotated[str, Form(max_length=120)] = "") -> Response:
    """A new account, then the sign-in page. The answer is the same whether or not the address already has an
    account (RELIABILITY 2): its owner is told by e-mail instead, and nobody is signed in by this form."""
    ip = client_ip(request)
    hit(session, f"signup:ip:{ip}", limit=SIGNUPS_PER_IP, window_seconds=SIGNUP_WINDOW_SECONDS)
    values = {"email": email, "display_name": display_name}
    try:
        data = UserCreate(email=email, password=password, display_name=display_name)
    except ValidationError as exc:
        return _form_page(request, "account_signup.html", field_errors(exc), values)
    try:
        user = create_user(session, data=data)
    except Conflict:
        hash_password(data.password)  # the same work as a real sign-up, so timing tells nothing either
        event("sign-up with a known address", email=data.email, ip=ip)
        try:
            hit(session, f"signup:notice:{data.email}", limit=SIGNUP_NOTICES_PER_ADDRESS,
                window_seconds=SIGNUP_NOTICE_WINDOW_SECONDS)
        except RateLimited:
            pass  # the owner was told already; the visitor gets the same answer as ever
        else:
            _mail_after_commit(session, settings, mails.signup_attempt(to=data.email, base=_base_url(request)))
    else:
        event("sign-up", user=user.id, ip=ip)
    return RedirectResponse("/account/login?welcome=1", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/account", welcome: str = "") -> HTMLResponse:  # noqa: A002
    return render(request, "account_login.html", {"errors": {}, "values": {}, "next": safe_next(next),
                                                   "welcome": welcome == "1"})


@router.post("/login")
def login(request: Request, session: SessionDep, settings: SettingsDep, email: Text, password: Text,
          next: Text = "/account") -> Response:  # noqa: A002
    try:
        data = SignIn(email=email, password=password)
    except ValidationError as exc:
        return _form_page(request, "account_login.html", field_errors(exc), {"email": email})
    window = settings.signin_window_seconds
    hit(session, f"signin:ip:{client_ip(request)}", limit=settings.signin_limit * 3, window_seconds=window)
    hit(session, f"signin:email:{data.email.strip().lower()}", limit=settings.signin_limit, window_seconds=window)
    user = authenticate(session, email=data.email, password=data.password)
    if user is None:
        event("sign-in failed", email=data.email, ip=client_ip(request))
        page = render(request, "account_login.html", {"errors": by_field([SIGN_IN_FAILED]),
                                                       "values": {"email": email}, "next": safe_next(next)},
                      status_code=401)
        return page
    event("sign-in", user=user.id, ip=client_ip(request))
    return _signed_in(request, session, user, settings, next)


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    sessions.end(session, request.cookies.get(settings.session_cookie))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(settings.session_cookie, path="/", secure=settings.https, httponly=True)
    return response


@router.get("", response_class=HTMLResponse)
def account_home(request: Request, session: SessionDep, user: CurrentUser, saved: str = "") -> HTMLResponse:
    return render(request, "account_home.html", {"user": user, "memberships": memberships_of(session, user),
                                                 "saved": saved == "group_mail"})


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, user: CurrentUser) -> HTMLResponse:
    return render(request, "account_password.html", {"errors": {}, "done": False, "values": {}})


@router.post("/password", response_class=HTMLResponse)
def password_change(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser,
                    current_password: Text, new_password: Text,
                    other_sessions: Literal["end", "keep"] = Form("end")) -> HTMLResponse:
    """The current password is required; other browsers are signed out unless the user chose to keep them."""
    hit(session, f"password:user:{user.id}", limit=10, window_seconds=3600)
    end_others = other_sessions == "end"
    values = {"other_sessions": other_sessions}
    try:
        data = PasswordChange(current_password=current_password, new_password=new_password)
        change_password(session, user=user, data=data, keep_session_token=request.cookies.get(settings.session_cookie),
                        end_other_sessions=end_others)
    except ValidationError as exc:
        return _form_page(request, "account_password.html", field_errors(exc), values)
    except Invalid as exc:
        return _form_page(request, "account_password.html", exc.errors, values)
    event("password changed", user=user.id, others_signed_out=end_others)
    _mail_after_commit(session, settings, mails.password_changed(to=user.email, base=_base_url(request),
                                                                 others_signed_out=end_others))
    return render(request, "account_password.html", {"errors": {}, "done": True, "ended_others": end_others,
                                                      "values": values})


# ---- changing the sign-in address (RELIABILITY 7) ---------------------------------------------------


def _email_page(request: Request, context: dict, status: int = 200) -> HTMLResponse:
    base = {"state": "form", "errors": {}, "values": {}}
    return render(request, "account_email.html", base | context, status_code=status)


@router.get("/email", response_class=HTMLResponse)
def email_page(request: Request, user: CurrentUser) -> HTMLResponse:
    return _email_page(request, {"user": user})


@router.post("/email", response_class=HTMLResponse)
def email_change(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser,
                 new_email: Text, current_password: Text) -> HTMLResponse:
    window = settings.signin_window_seconds  # a password check: limited like signing in
    hit(session, f"signin:ip:{client_ip(request)}", limit=settings.signin_limit * 3, window_seconds=window)
    hit(session, f"email-change:user:{user.id}", limit=settings.signin_limit, window_seconds=window)
    values = {"new_email": new_email}
    try:
        data = EmailChangeIn(new_email=new_email, current_password=current_password)
        _, token = request_email_change(session, user=user, data=data)
    except ValidationError as exc:
        return _email_page(request, {"user": user, "errors": by_field(field_errors(exc)),
                                     "values": values}, status=422)
    except Invalid as exc:
        return _email_page(request, {"user": user, "errors": by_field(exc.errors),
                                     "values": values}, status=422)
    base = _base_url(request)
    # Sent whether or not the address already has an account: the answer below must not tell.
    _mail_after_commit(session, settings, mails.email_change_link(
        to=data.new_email, link=f"{base}/account/email/confirm/{token}",
        hours=int(EMAIL_CHANGE_LIFETIME.total_seconds() // 3600)))
    _mail_after_commit(session, settings, mails.email_change_requested(to=user.email, new_email=data.new_email,
                                                                       base=base))
    event("e-mail change requested", user=user.id)
    return _email_page(request, {"user": user, "state": "sent", "values": {"new_email": data.new_email}})


@router.get("/email/confirm/{token}", response_class=HTMLResponse)
def email_confirm_page(request: Request, session: SessionDep, token: str) -> HTMLResponse:
    """Opening the link changes nothing (mail scanners open links): the page asks for a click."""
    try:
        change, _ = open_email_change(session, token=token)
    except Invalid as exc:
        return _email_page(request, {"state": "problem", "problem": exc.errors[0]}, status=422)
    return _email_page(request, {"state": "confirm", "token": token, "new_email": change.new_email})


@router.post("/email/confirm/{token}", response_class=HTMLResponse)
def email_confirm(request: Request, session: SessionDep, settings: SettingsDep, token: str) -> HTMLResponse:
    try:
        user, old_email = confirm_email_change(session, token=token)
    except Invalid as exc:
        return _email_page(request, {"state": "problem", "problem": exc.errors[0]}, status=422)
    except Conflict as exc:
        return _email_page(request, {"state": "problem", "problem": exc}, status=409)
    _mail_after_commit(session, settings, mails.email_changed(to=old_email, new_email=user.email,
                                                              base=_base_url(request)))
    event("e-mail changed", user=user.id)
    return _email_page(request, {"state": "confirmed", "new_email": user.email})


@router.get("/reset", response_class=HTMLResponse)
def reset_request_page(request: Request) -> HTMLResponse:
    return render(request, "account_reset_request.html", {"errors": {}, "sent": False})


@router.post("/reset", response_class=HTMLResponse)
def reset_request(request: Request, session: SessionDep, settings: SettingsDep, email: Text) -> HTMLResponse:
    hit(session, f"reset:ip:{client_ip(request)}", limit=settings.reset_limit * 4, window_seconds=settings.reset_window_seconds)
    hit(session, f"reset:email:{email.strip().lower()}", limit=settings.reset_limit, window_seconds=settings.reset_window_seconds)
    started = start_password_reset(session, email=email)
    event("password reset asked", email=email, known=bool(started), ip=client_ip(request))
    if started:
        user, token = started
        link = f"{str(request.base_url).rstrip('/')}/account/reset/{token}"
        message = build_message(
            to=user.email,
            subject="QMarket: reset your password / 重置密码",
            body=(f"To choose a new QMarket password, open this link within an hour:\n{link}\n\n"
                  f"请在一小时内打开以下链接设置新的 QMarket 密码：\n{link}\n\n"
                  "If you did not ask for this, ignore this message. 如非本人操作，请忽略本邮件。\n"),
        )
        _mail_after_commit(session, settings, message)
    # The same page whether or not the address has an account: nothing to learn here.
    return render(request, "account_reset_request.html", {"errors": {}, "sent": True})


@router.get("/reset/{token}", response_class=HTMLResponse)
def reset_page(request: Request, token: str) -> HTMLResponse:
    return render(request, "account_reset.html", {"errors": {}, "token": token})


@router.post("/reset/{token}")
def reset(request: Request, session: SessionDep, settings: SettingsDep, token: str, new_password: Text,
          current: OptionalUser) -> Response:
    try:
        user = finish_password_reset(session, token=token[:100], data=PasswordReset(new_password=new_password))
    except ValidationError as exc:
        return render(request, "account_reset.html", {"errors": by_field(field_errors(exc)),
                                                      "token": token}, status_code=422)
    except Invalid as exc:
        return render(request, "account_reset.html", {"errors": by_field(exc.errors),
                                                      "token": token}, status_code=422)
    event("password reset", user=user.id)
    return _signed_in(request, session, user, settings, "/account")
