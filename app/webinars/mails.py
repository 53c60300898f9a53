"""The mails of the webinar programme, in both languages (like every QMarket mail): a registration's
confirmation with the session as an .ics attachment, the day-before reminder, and a proposal's decision."""

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from app.mail import build_message
from app.models import Organization, Webinar, WebinarProposal
from app.web import BEIJING
from app.webinars.ical import CalendarEvent, markdown_to_text, serialize_calendar


def _titles(webinar: Webinar) -> str:
    return f"{webinar.title} / {webinar.title_zh}" if webinar.title_zh else webinar.title


def _when(webinar: Webinar) -> str:
    beijing = webinar.starts_at.astimezone(BEIJING)
    utc = webinar.starts_at.astimezone(UTC)
    return (f"{beijing:%Y-%m-%d %H:%M} Beijing time / 北京时间 ({utc:%H:%M} UTC), "
            f"{webinar.duration_minutes} min")


def calendar_file(webinar: Webinar, *, base_url: str, stamp: datetime) -> str:
    """The one session as a calendar object, both titles in its summary."""
    description = "\n\n".join(part for part in (markdown_to_text(webinar.description),
                                                markdown_to_text(webinar.description_zh)) if part)
    event = CalendarEvent(
        uid=f"{webinar.slug}@qmarket", starts_at=webinar.starts_at,
        ends_at=webinar.starts_at + timedelta(minutes=webinar.duration_minutes),
        summary=_titles(webinar), description=description, url=f"{base_url}/webinars/{webinar.slug}")
    return serialize_calendar([event], stamp=stamp)


def confirmation(webinar: Webinar, *, to: str, base_url: str, stamp: datetime) -> EmailMessage:
    page = f"{base_url}/webinars/{webinar.slug}"
    message = build_message(
        to=to,
        subject=f"QMarket webinar: you are registered / 已报名: {_titles(webinar)}",
        body=(
            f"You are registered for the QMarket member webinar \"{webinar.title}\".\n"
            f"您已报名 QMarket 会员网络研讨会「{webinar.title_zh or webinar.title}」。\n\n"
            f"When / 时间: {_when(webinar)}\n"
            f"Details, and to cancel / 详情与取消报名: {page}\n\n"
            "The attached calendar file adds the session to your calendar; we will remind you the day before.\n"
            "附件中的日历文件可将本场活动加入您的日历；我们会在活动前一天提醒您。\n"
        ),
    )
    ics = calendar_file(webinar, base_url=base_url, stamp=stamp).encode("utf-8")
    message.add_attachment(ics, maintype="text", subtype="calendar", filename=f"{webinar.slug}.ics",
                           params={"method": "PUBLISH", "charset": "utf-8"})
    return message


def reminder(webinar: Webinar, *, to: str, base_url: str) -> EmailMessage:
    page = f"{base_url}/webinars/{webinar.slug}"
    return build_message(
        to=to,
        subject=f"Tomorrow: QMarket webinar / 明天: {_titles(webinar)}",
        body=(
            f"A reminder: the QMarket member webinar \"{webinar.title}\" you registered for starts soon.\n"
            f"提醒：您报名的 QMarket 会员网络研讨会「{webinar.title_zh or webinar.title}」即将开始。\n\n"
            f"When / 时间: {_when(webinar)}\nDetails / 详情: {page}\n"
        ),
    )


def proposal_decision(proposal: WebinarProposal, *, to: str, org: Organization, base_url: str,
                      webinar: Webinar | None) -> EmailMessage:
    """The decision on a proposal: the scheduled session (`webinar`), or the decline with its reason."""
    org_name = org.name
    proposals = f"{base_url}/account/orgs/{org.slug}/webinars"
    if webinar is not None:
        text = (f"The alliance accepted {org_name}'s proposal to present \"{proposal.title}\". "
                f"The session is scheduled for {_when(webinar)}: {base_url}/webinars/{webinar.slug}\n"
                f"联盟已接受 {org_name} 的网络研讨会报告提议「{proposal.title_zh or proposal.title}」，"
                f"时间：{_when(webinar)}。\n")
        subject = f"QMarket webinar proposal accepted / 报告提议已接受: {proposal.title}"
    else:
        text = (f"The alliance could not take {org_name}'s proposal to present \"{proposal.title}\".\n"
                f"Reason: {proposal.decline_reason}\n\n"
                f"联盟暂未接受 {org_name} 的网络研讨会报告提议「{proposal.title_zh or proposal.title}」。\n"
                f"原因：{proposal.decline_reason}\n")
        subject = f"QMarket webinar proposal declined / 报告提议未获接受: {proposal.title}"
    return build_message(to=to, subject=subject, body=f"{text}\nYour proposals / 贵机构的提议: {proposals}\n")
