"""
Where uploads are stored and in what form: unguessable names, logos re-encoded.

A logo is re-encoded from its pixels, so no metadata (camera, location, comments) and no payload
hidden after the image data survives; documents keep their bytes but not their name.
"""

import io
import uuid
from pathlib import PurePath

from django.core.files.base import ContentFile
from PIL import ImageOps

from .validators import LOGO_FORMATS, open_image

# Under MEDIA_ROOT; imagekit keeps the renditions under settings.IMAGEKIT_CACHEFILE_DIR.
LOGO_FOLDER = "networks/logos"


def unguessable_name(folder, filename):
    return f"{folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def logo_upload_to(instance, filename):
    return unguessable_name(LOGO_FOLDER, filename)


def document_upload_to(instance, filename):
    # Straight under PRIVATE_MEDIA_ROOT: the name is the last part of the document's URL.
    return f"{uuid.uuid4().hex}.pdf"


def reencoded_logo(file):
    """Return a new file with only the pixels of the (already validated) image in `file`."""
    image = open_image(file)
    image_format = image.format
    image = ImageOps.exif_transpose(image)  # keep the orientation the photo was taken in
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # Pillow copies some of image.info (ICC profile, EXIF, text chunks) into what it writes:
    # keep only the palette transparency, which is part of the picture.
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    output = io.BytesIO()
    image.save(output, format=image_format)
    return ContentFile(output.getvalue(), name=f"logo.{LOGO_FORMATS[image_format]}")
