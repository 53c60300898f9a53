"""Organisation logos: checked, decoded and re-encoded, stored under a name the server makes up.

An upload is never stored as sent. Only PNG, JPEG and WebP are opened (Pillow's other decoders have a
history of bombs), the pixel count is capped before anything is decoded, and the image is copied pixel
by pixel into a fresh PNG: EXIF/GPS, text chunks and anything appended to the file (polyglots) are gone.
"""

import io
import re
import secrets
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session, select

from app.audit import record
from app.db import after_commit
from app.errors import DomainError, Invalid
from app.i18n import N_
from app.models import Organization, User
from app.models.base import utcnow
from app.outbox import enqueue
from app.security.ratelimit import hit

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 20_000_000
MAX_STORED_SIDE = 512  # logos are shown small; a big one is scaled down
QUOTA_WINDOW_SECONDS = 24 * 3600
ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP")
LOGO_NAME = re.compile(r"^[0-9a-f]{32}\.png$")
LOGO_DIR = "logos"

# Pillow refuses images past twice this limit with DecompressionBombError, and warns past it.
Image.MAX_IMAGE_PIXELS = MAX_LOGO_PIXELS


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "too_large"


def logo_folder(upload_path: str) -> Path:
    return Path(upload_path) / LOGO_DIR


def reencode(data: bytes) -> bytes:
    """The upload as a clean PNG, or Invalid naming the field "logo"."""
    if not data:
        raise Invalid.field("logo", N_("choose an image file"))
    if len(data) > MAX_LOGO_BYTES:
        raise PayloadTooLarge(N_("the logo must be at most 2 MB"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
                width, height = image.size
                if width * height > MAX_LOGO_PIXELS or max(width, height) > 10_000:
                    raise Invalid.field("logo", N_("the image is too large (at most 20 megapixels)"))
                image.load()
                image = ImageOps.exif_transpose(image)  # shown upright once its EXIF is dropped
                mode = "RGBA" if image.mode in ("RGBA", "LA", "PA", "P") or "transparency" in image.info else "RGB"
                pixels = image.convert(mode)
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid.field("logo", N_("the image is too large (at most 20 megapixels)")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise Invalid.field("logo", N_("must be a PNG, JPEG or WebP image")) from None
    clean = Image.new(mode, pixels.size)  # a fresh image: no metadata travels with the pixels
    clean.paste(pixels)
    clean.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def set_logo(session: Session, *, org: Organization, data: bytes, upload_path: str, actor: User,
             uploads_per_day: int | None = None) -> str:
    """Store the new logo and point the organisation at it; the old file goes once the change commits.

    `uploads_per_day` (QM_LOGO_UPLOADS_PER_DAY): every attempt counts, refused ones too, and it is counted
    before anything is decoded, so a flood of uploads buys neither CPU nor disk (RateLimited: 429)."""
    if uploads_per_day is not None:
        hit(session, f"logo:org:{org.id}", limit=uploads_per_day, window_seconds=QUOTA_WINDOW_SECONDS)
    png = reencode(data)
    folder = logo_folder(upload_path)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.png"
    (folder / name).write_bytes(png)
    old = org.logo_path
    org.logo_path, org.updated_at = name, utcnow()
    enqueue(session, "organization", org.id)
    record(session, action="organization.logo_changed", target_type="organization", target_id=org.id,
           actor_id=actor.id, organization_id=org.id)
    if old and LOGO_NAME.match(old):
        after_commit(session, lambda: (folder / old).unlink(missing_ok=True))
    return name


def logo_file(session: Session, *, name: str, upload_path: str) -> Path | None:
    """The file behind /logos/{name}: only a current logo of an organisation, by its server-made name."""
    if not LOGO_NAME.match(name):
        return None
    if session.exec(select(Organization.id).where(Organization.logo_path == name)).first() is None:
        return None
    path = logo_folder(upload_path) / name
    return path if path.is_file() else None
