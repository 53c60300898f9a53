"""Readable, stable slugs. Chinese is transliterated to pinyin; clashes get a number."""

import re
import unicodedata

from pypinyin import lazy_pinyin
from sqlmodel import Session, SQLModel, select

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_SLUG_LENGTH = 80
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def slugify(text: str, *, fallback: str = "item", max_length: int = MAX_SLUG_LENGTH) -> str:
    # Space the pinyin syllables so that "稀释制冷机" becomes "xi-shi-zhi-leng-ji", not one blob.
    text = _CJK.sub(lambda m: " " + " ".join(lazy_pinyin(m.group(0))) + " ", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback


def unique_slug(session: Session, model: type[SQLModel], base: str, *, taken: set[str] | None = None) -> str:
    """`base`, or `base-2`, `base-3` … whichever is free in the table (and not in `taken`)."""
    taken = taken or set()
    stem = base[: MAX_SLUG_LENGTH - 4].rstrip("-")
    candidate, number = base, 1
    slug_column = model.slug  # type: ignore[attr-defined]
    while candidate in taken or session.exec(select(model).where(slug_column == candidate)).first():
        number += 1
        candidate = f"{stem}-{number}"
    return candidate
