"""The e-mails about one's own account. Bilingual, like every QMarket mail; never a password in them."""

from email.message import EmailMessage

from app.mail import build_message

IGNORE = "If you did not ask for this, ignore this message. 如非本人操作，请忽略本邮件。\n"
NOT_YOU = ("If this was not you, reset your password now: {base}/account/reset\n"
           "如非本人操作，请立即重置密码：{base}/account/reset\n")


def signup_attempt(*, to: str, base: str) -> EmailMessage:
    return build_message(
        to=to,
        subject="QMarket: someone tried to sign up with your address / 有人尝试用您的邮箱注册",
        body=(f"Someone tried to create a QMarket account with this e-mail address, which already has one.\n"
              f"If it was you, sign in at {base}/account/login or reset your password at {base}/account/reset.\n\n"
              f"有人尝试用本邮箱地址注册 QMarket 账户，但该地址已有账户。\n"
              f"如是您本人，请在 {base}/account/login 登录，或在 {base}/account/reset 重置密码。\n\n" + IGNORE),
    )


def email_change_link(*, to: str, link: str, hours: int) -> EmailMessage:
    return build_message(
        to=to,
        subject="QMarket: confirm your new e-mail address / 确认新的邮箱地址",
        body=(f"To make this the sign-in address of your QMarket account, open this link within {hours} hours "
              f"and confirm:\n{link}\n\n"
              f"如需将本地址设为您 QMarket 账户的登录邮箱，请在 {hours} 小时内打开以下链接并确认：\n{link}\n\n"
              + IGNORE),
    )


def email_change_requested(*, to: str, new_email: str, base: str) -> EmailMessage:
    return build_message(
        to=to,
        subject="QMarket: a change of your e-mail address was requested / 有人申请更改您的邮箱地址",
        body=(f"Someone signed in to your QMarket account asked to change its e-mail address to {new_email}.\n"
              "Nothing changes until the link sent to that address is confirmed.\n\n"
              f"有人登录您的 QMarket 账户，申请将邮箱地址改为 {new_email}。在新地址确认之前不会有任何变化。\n\n"
              + NOT_YOU.format(base=base)),
    )


def email_changed(*, to: str, new_email: str, base: str) -> EmailMessage:
    return build_message(
        to=to,
        subject="QMarket: your e-mail address was changed / 您的邮箱地址已更改",
        body=(f"The sign-in address of your QMarket account is now {new_email}; this address no longer signs in.\n\n"
              f"您的 QMarket 账户登录邮箱已改为 {new_email}，本地址不能再用于登录。\n\n"
              "If this was not you, contact the alliance staff at once. 如非本人操作，请立即联系联盟工作人员。\n"),
    )


def password_changed(*, to: str, base: str, others_signed_out: bool) -> EmailMessage:
    others = ("Other browsers where you were signed in have been signed out.\n其他已登录的浏览器已退出登录。\n"
              if others_signed_out else "")
    return build_message(
        to=to,
        subject="QMarket: your password was changed / 您的密码已更改",
        body=(f"The password of your QMarket account was just changed.\n您 QMarket 账户的密码刚刚已更改。\n{others}\n"
              + NOT_YOU.format(base=base)),
    )
