"""What callers may send about accounts."""

from typing import Annotated

from pydantic import StringConstraints

from app.validation import Email, InputModel

# Long passphrases are welcome; the upper bound only stops abuse of the hashing cost.
Password = Annotated[str, StringConstraints(min_length=10, max_length=256)]


class UserCreate(InputModel):
    email: Email
    password: Password
    display_name: Annotated[str, StringConstraints(max_length=120)] = ""
    is_staff: bool = False
