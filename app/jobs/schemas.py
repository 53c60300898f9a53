"""What callers may send about a job posting."""

from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from app.errors import InvalidValue
from app.i18n import N_
from app.models.vocab import EmploymentType, JobFunction, SalaryPeriod, Workplace
from app.validation import CityName, CountryCode, Email, HttpsUrl, InputModel, LongText, OptionalTitle, Slug, Title

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class JobIn(InputModel):
    slug: Slug | None = None
    title: Title
    title_zh: OptionalTitle | None = None
    function: JobFunction
    employment_type: EmploymentType
    workplace: Workplace
    country: CountryCode
    city: CityName | None = None
    province: str | None = Field(default=None, max_length=6)
    description: LongText = ""
    description_zh: LongText = ""
    requirements: LongText = ""
    requirements_zh: LongText = ""
    apply_url: HttpsUrl | None = None
    apply_email: Email | None = None
    salary_min: int | None = Field(default=None, ge=0, le=100_000_000)
    salary_max: int | None = Field(default=None, ge=0, le=100_000_000)
    salary_currency: Currency | None = None
    salary_period: SalaryPeriod | None = None
    published_at: AwareDatetime | None = None
    expires_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "JobIn":
        if bool(self.apply_url) == bool(self.apply_email):
            raise InvalidValue(N_("give either an application page or an application e-mail address, not both"), field="apply_url")
        salary = (self.salary_min, self.salary_max, self.salary_currency, self.salary_period)
        if any(v is not None for v in salary) and any(v is None for v in salary):
            raise InvalidValue(N_("give the whole salary: the amounts from and to, the currency and per month or per year"),
                               field="salary_min")
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            raise InvalidValue(N_("must not be less than the amount it starts from"), field="salary_max")
        if self.published_at and self.expires_at and self.expires_at <= self.published_at:
            raise InvalidValue(N_("must be after the date it is published"), field="expires_at")
        return self
