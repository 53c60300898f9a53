"""The digest of a saved search: new records with links, in the language the search was saved in, with a
one-click unsubscribe link in the body and in the List-Unsubscribe headers (RFC 2369, RFC 8058)."""

from email.message import EmailMessage

from app.alerts.matching import Match
from app.i18n import N_, gettext
from app.mail import build_message
from app.models import SavedSearch
from app.web import localized

SUBJECT = N_("QMarket: {count} new for your saved search “{name}”")
INTRO = N_("New since the last message for your saved search “{name}”:")
MORE = N_("… and {count} more. See them all here: {url}")
RUN = N_("See the search on QMarket: {url}")
FREQUENCY = N_("You receive this {frequency} because you saved this search on QMarket.")
STOP = N_("Stop these e-mails (one click, no sign-in needed): {url}")
MANAGE = N_("Manage your saved searches: {url}")
FREQUENCY_WORDS = {"instant": N_("as soon as there is something new"), "daily": N_("at most once a day"),
                   "weekly": N_("at most once a week")}


def digest(search: SavedSearch, matches: list[Match], *, more: int, to: str, base_url: str,
           unsubscribe_url: str) -> EmailMessage:
    language = search.language

    def say(message: str, **params: object) -> str:
        return gettext(language, message).format(**params)

    run_url = f"{base_url}{search.path}{'?' + search.query if search.query else ''}"
    lines = [say(INTRO, name=search.name), ""]
    for match in matches:
        lines.append(f"- {localized(match, 'title', language)} · {localized(match, 'org_name', language)}"
                     if match.record_type != "organization" else f"- {localized(match, 'title', language)}")
        lines.append(f"  {base_url}{match.path}")
    if more:
        lines += ["", say(MORE, count=more, url=run_url)]
    lines += ["", say(RUN, url=run_url), "", "--",
              say(FREQUENCY, frequency=say(FREQUENCY_WORDS[str(search.frequency)])),
              say(STOP, url=unsubscribe_url), say(MANAGE, url=f"{base_url}/account/searches")]
    message = build_message(to=to, subject=say(SUBJECT, count=len(matches) + more, name=search.name),
                            body="\n".join(lines) + "\n")
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: a POST to the URL unsubscribes
    message["Content-Language"] = "zh-CN" if language == "zh" else "en"
    return message
