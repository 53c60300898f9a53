"""Reading the jobs board's pages and feeds in tests."""

import re
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def listed(html: str) -> list[str]:
    """Slugs of the job cards on a page, in order."""
    return re.findall(r'class="card-title"><a href="/jobs/([^"]+)"', html)


def feed_entries(response) -> list[ET.Element]:
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def entry_links(response) -> list[str]:
    return [entry.find(f"{ATOM}link").get("href") for entry in feed_entries(response)]
