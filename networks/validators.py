"""
Checks of the files editors upload: logos and documents, judged by their content, not their name.

Each refusal is a ValidationError with a message in the editor's language, so a bad file gives a
form error and never a 500.
"""

import warnings

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4000
# Pillow's format name -> the extension the stored file gets.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
PDF_SIGNATURE = b"%PDF-"

# Pillow refuses outright images over twice this many pixels (decompression bombs) and warns
# above it; the checks below turn the warning into a refusal too.
Image.MAX_IMAGE_PIXELS = LOGO_MAX_SIDE * LOGO_MAX_SIDE


def check_size(file, limit):
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)s: the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


def head(file, length=1024):
    """Return the first bytes of `file`, leaving it at its start."""
    file.seek(0)
    start = file.read(length)
    file.seek(0)
    return start


def open_image(file):
    """Return the Pillow image in `file`, checked whole, or raise ValidationError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file) as image:
                image.verify()
            # verify() leaves the image unusable: open it again to read its pixels.
            file.seek(0)
            image = Image.open(file)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image has too many pixels: at most %(side)s × %(side)s."),
            code="too_many_pixels",
            params={"side": LOGO_MAX_SIDE},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This file is not an image, or it is damaged."), code="not_an_image"
        ) from None
    finally:
        file.seek(0)
    return image


def already_stored(file):
    """Tell a file saved earlier, checked when it was uploaded, from a new upload."""
    return getattr(file, "_committed", False) is True


def validate_logo(file):
    if already_stored(file):
        return  # it may even be gone from the disk: that is no reason to refuse the form
    check_size(file, LOGO_MAX_BYTES)
    if b"<svg" in head(file).lower():
        raise ValidationError(
            _("SVG logos are not accepted: upload the logo as PNG, JPEG or WebP."), code="svg"
        )
    image = open_image(file)
    if image.format not in LOGO_FORMATS:
        raise ValidationError(_("Upload the logo as PNG, JPEG or WebP."), code="format")
    if max(image.size) > LOGO_MAX_SIDE:
        raise ValidationError(
            _("The image is %(width)s × %(height)s pixels: at most %(side)s on each side."),
            code="too_many_pixels",
            params={"width": image.width, "height": image.height, "side": LOGO_MAX_SIDE},
        )


def validate_pdf(file):
    if already_stored(file):
        return
    check_size(file, DOCUMENT_MAX_BYTES)
    if not head(file, len(PDF_SIGNATURE)) == PDF_SIGNATURE:
        raise ValidationError(_("This file is not a PDF document."), code="not_a_pdf")
