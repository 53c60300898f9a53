"""What callers may send about accounts."""

from typing import Annotated

from pydantic import StringConstraints, model_validator

from app.accounts.passwords import MAX_LENGTH, problems
from app.validation import Email, InputModel

# Long passphrases are welcome; the upper bound only stops abuse of the hashing cost.
Password = Annotated[str, StringConstraints(max_length=MAX_LENGTH, strip_whitespace=False)]
DisplayName = Annotated[str, StringConstraints(max_length=120)]


class UserCreate(InputModel):
    email: Email
    password: Password
    display_name: DisplayName = ""
    is_staff: bool = False

    @model_validator(mode="after")
    def _strong_password(self) -> "UserCreate":
        problem = problems(self.password, email=self.email)
        if problem:
            raise problem
        return self


class SignIn(InputModel):
    email: Annotated[str, StringConstraints(max_length=254)]
    password: Password


class PasswordChange(InputModel):
    current_password: Password
    new_password: Password

    @model_validator(mode="after")
    def _strong_password(self) -> "PasswordChange":
        problem = problems(self.new_password, field="new_password")
        if problem:
            raise problem
        return self


class PasswordReset(InputModel):
    new_password: Password

    @model_validator(mode="after")
    def _strong_password(self) -> "PasswordReset":
        problem = problems(self.new_password, field="new_password")
        if problem:
            raise problem
        return self
