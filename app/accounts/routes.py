"""Signing up, in and out, and looking after one's password."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from app.accounts import sessions
from app.accounts.schemas import PasswordChange, PasswordReset, SignIn, UserCreate
from app.accounts.service import authenticate, change_password, create_user, finish_password_reset, start_password_reset
from app.db import after_commit
from app.deps import CurrentUser, OptionalUser, SessionDep, SettingsDep, client_ip
from app.errors import Conflict, FieldError, Invalid
from app.mail import build_message, send
from app.organizations.access import memberships_of
from app.security.ratelimit import hit
from app.validation import field_errors
from app.web import render, safe_next

router = APIRouter(prefix="/account")
Text = Annotated[str, Form(max_length=1000)]
SIGN_IN_FAILED = FieldError("email", "the e-mail address or the password is not right")


def _form_page(request: Request, template: str, errors: list[FieldError], values: dict, status: int = 422) -> HTMLResponse:
    return render(request, template, {"errors": {e.field: e.message for e in errors}, "values": values},
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
    hit(session, f"signup:ip:{client_ip(request)}", limit=20, window_seconds=3600)
    values = {"email": email, "display_name": display_name}
    try:
        user = create_user(session, data=UserCreate(email=email, password=password, display_name=display_name))
    except ValidationError as exc:
        return _form_page(request, "account_signup.html", field_errors(exc), values)
    except Conflict:
        # The same answer as for a new address would reveal nothing, but a person who already has an
        # account needs to know where to go: point them to sign-in and password reset.
        return _form_page(request, "account_signup.html", [FieldError(
            "email", "cannot be used to sign up; if it is yours, sign in or reset your password")], values)
    return _signed_in(request, session, user, settings, "/account")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/account") -> HTMLResponse:  # noqa: A002
    return render(request, "account_login.html", {"errors": {}, "values": {}, "next": safe_next(next)})


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
        page = render(request, "account_login.html", {"errors": {"email": SIGN_IN_FAILED.message},
                                                       "values": {"email": email}, "next": safe_next(next)},
                      status_code=401)
        return page
    return _signed_in(request, session, user, settings, next)


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    sessions.end(session, request.cookies.get(settings.session_cookie))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(settings.session_cookie, path="/", secure=settings.https, httponly=True)
    return response


@router.get("", response_class=HTMLResponse)
def account_home(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    return render(request, "account_home.html", {"user": user, "memberships": memberships_of(session, user)})


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, user: CurrentUser) -> HTMLResponse:
    return render(request, "account_password.html", {"errors": {}, "done": False})


@router.post("/password", response_class=HTMLResponse)
def password_change(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser,
                    current_password: Text, new_password: Text) -> HTMLResponse:
    hit(session, f"password:user:{user.id}", limit=10, window_seconds=3600)
    try:
        data = PasswordChange(current_password=current_password, new_password=new_password)
        change_password(session, user=user, data=data, keep_session_token=request.cookies.get(settings.session_cookie))
    except ValidationError as exc:
        return _form_page(request, "account_password.html", field_errors(exc), {})
    except Invalid as exc:
        return _form_page(request, "account_password.html", exc.errors, {})
    return render(request, "account_password.html", {"errors": {}, "done": True})


@router.get("/reset", response_class=HTMLResponse)
def reset_request_page(request: Request) -> HTMLResponse:
    return render(request, "account_reset_request.html", {"errors": {}, "sent": False})


@router.post("/reset", response_class=HTMLResponse)
def reset_request(request: Request, session: SessionDep, settings: SettingsDep, email: Text) -> HTMLResponse:
    hit(session, f"reset:ip:{client_ip(request)}", limit=settings.reset_limit * 4, window_seconds=settings.reset_window_seconds)
    hit(session, f"reset:email:{email.strip().lower()}", limit=settings.reset_limit, window_seconds=settings.reset_window_seconds)
    started = start_password_reset(session, email=email)
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
        after_commit(session, lambda: send(settings, message))
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
        return render(request, "account_reset.html", {"errors": {e.field: e.message for e in field_errors(exc)},
                                                      "token": token}, status_code=422)
    except Invalid as exc:
        return render(request, "account_reset.html", {"errors": {e.field: e.message for e in exc.errors},
                                                      "token": token}, status_code=422)
    return _signed_in(request, session, user, settings, "/account")
