"""How a job posting is described outside its page body: schema.org JobPosting, plain text (its salary text is
app.web.salary_range, which the cards use too)."""

import re
from html import unescape
from typing import Any

import nh3

from app.markdown import render_markdown
from app.models import Job, Organization
from app.models.vocab import EmploymentType, SalaryPeriod, Workplace
from app.web import localized

# schema.org / Google's employmentType values; a PhD or postdoc position has no value of its own.
SCHEMA_EMPLOYMENT_TYPE = {
    EmploymentType.full_time: "FULL_TIME",
    EmploymentType.part_time: "PART_TIME",
    EmploymentType.internship: "INTERN",
    EmploymentType.contract: "CONTRACTOR",
    EmploymentType.phd_postdoc: "OTHER",
}
SCHEMA_SALARY_UNIT = {SalaryPeriod.month: "MONTH", SalaryPeriod.year: "YEAR"}
_BLANK_LINES = re.compile(r"\n\s*\n+")


def markdown_text(source: str | None) -> str:
    """Member Markdown as plain text (for structured data and feeds): no markup, no HTML entities."""
    text = unescape(nh3.clean(str(render_markdown(source)), tags=set()))
    return _BLANK_LINES.sub("\n\n", text).strip()


def job_posting_ld(job: Job, org: Organization, *, language: str, job_url: str) -> dict[str, Any]:
    """schema.org JobPosting, as search engines read it (only for a live job: a closed one has none)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": localized(job, "title", language),
        "description": markdown_text(localized(job, "description", language)) or localized(job, "title", language),
        "datePosted": job.published_at.isoformat() if job.published_at else None,
        "validThrough": job.expires_at.isoformat() if job.expires_at else None,
        "employmentType": SCHEMA_EMPLOYMENT_TYPE[job.employment_type],
        "url": job_url,
        "directApply": False,
        "identifier": {"@type": "PropertyValue", "name": localized(org, "name", language), "value": job.slug},
        "hiringOrganization": {"@type": "Organization", "name": localized(org, "name", language)},
        "jobLocation": {
            "@type": "Place",
            "address": {"@type": "PostalAddress", "addressLocality": job.city or "", "addressCountry": job.country},
        },
    }
    if requirements := markdown_text(localized(job, "requirements", language)):
        data["qualifications"] = requirements
    if org.website:
        data["hiringOrganization"]["sameAs"] = org.website
    if job.workplace == Workplace.remote:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": job.country}
    if job.salary_min is not None and job.salary_max is not None and job.salary_currency and job.salary_period:
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": job.salary_currency,
            "value": {
                "@type": "QuantitativeValue",
                "minValue": job.salary_min,
                "maxValue": job.salary_max,
                "unitText": SCHEMA_SALARY_UNIT[job.salary_period],
            },
        }
    return data
