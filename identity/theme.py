"""
Bootstrap Italia in the administration's primary colour.

The Comuni template is themed by its primary colour: Bootstrap Italia derives every shade of its
blue (the header, the buttons, the links, the hover and focus tints) from one hue, saturation and
lightness. Its compiled CSS writes those shades out, so the site's kit.css is rewritten here with
each shade moved to the administration's colour, lightness for lightness. Bootstrap Italia's
own way, recompiling its Sass with other $primary-h/s/b variables, would need Node and the
sources on every server.
"""

import colorsys
import re

from django.utils.translation import gettext_lazy as _

DEFAULT_PRIMARY = "#0066CC"
# How the administration gives its colour: # and six hex digits.
HEX_COLOUR = r"#[0-9A-Fa-f]{6}"
# WCAG 2.1 AA for text: white on the primary colour (the header, the buttons) and the primary
# colour on white (the links) have the same contrast ratio.
MINIMUM_CONTRAST = 4.5
CONTRAST_MESSAGE = _(
    "White text on this colour, and this colour on white, would have a contrast of %(ratio)s:1; "
    "the accessibility guidelines (WCAG AA) ask for at least 4.5:1. Choose a darker colour."
)

# Bootstrap Italia's primary: hsl(210, 100%, 40%). Its shades and tints keep the hue and most of
# the saturation; its grey-blues (hsl(210, 17%, 44%)) and dark blue (54%) are other colours.
PRIMARY_HUE = 210
PRIMARY_LIGHTNESS = 40
MINIMUM_SATURATION = 60

COLOUR = re.compile(
    r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b"
    r"|(?:rgb|hsl)a?\(\s*[0-9.]+%?\s*,\s*[0-9.]+%?\s*,\s*[0-9.]+%?\s*(?:,\s*[0-9.]+\s*)?\)"
    # Bootstrap's "--bs-primary-rgb: 0, 102, 204" custom properties.
    r"|(?<=-rgb: )[0-9.]+, [0-9.]+, [0-9.]+"
)


def rgb_of(hex_colour):
    """Return the red, green and blue of "#RRGGBB" or "#RGB", from 0 to 1."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return tuple(int(digits[index : index + 2], 16) / 255 for index in (0, 2, 4))


def luminance(rgb):
    """The relative luminance of WCAG 2.1."""
    linear = [part / 12.92 if part <= 0.04045 else ((part + 0.055) / 1.055) ** 2.4 for part in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour):
    return 1.05 / (luminance(rgb_of(hex_colour)) + 0.05)


def parse(token):
    """Return (hue, saturation, lightness, alpha or None, kind) of a colour: 0-360, 0-100, 0-100."""
    if token.startswith("#"):
        red, green, blue = rgb_of(token)
        alpha, kind = None, "hex"
    else:
        numbers = [float(part.strip().rstrip("%")) for part in re.findall(r"[0-9.]+%?", token)]
        alpha = numbers[3] if len(numbers) > 3 else None
        if token.startswith("hsl"):
            return numbers[0], numbers[1], numbers[2], alpha, "hsl"
        red, green, blue = (part / 255 for part in numbers[:3])
        kind = "triple" if token[0].isdigit() else "rgb"
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    return hue * 360, saturation * 100, lightness * 100, alpha, kind


def write(hue, saturation, lightness, alpha, kind):
    if kind == "triple":
        rgb = colorsys.hls_to_rgb(hue / 360, lightness / 100, saturation / 100)
        return ", ".join(f"{part * 255:.1f}".removesuffix(".0") for part in rgb)
    colour = f"{hue:.1f}, {saturation:.1f}%, {lightness:.1f}%"
    return f"hsla({colour}, {alpha:g})" if alpha is not None else f"hsl({colour})"


def moved_lightness(lightness, target):
    """Map 0 → 0, Bootstrap Italia's primary → `target`, 100 → 100, linearly in between."""
    if lightness <= PRIMARY_LIGHTNESS:
        return lightness * target / PRIMARY_LIGHTNESS
    return target + (lightness - PRIMARY_LIGHTNESS) * (100 - target) / (100 - PRIMARY_LIGHTNESS)


def themed(css, primary):
    """Return `css` with every shade of Bootstrap Italia's primary moved to `primary`."""
    red, green, blue = rgb_of(primary)
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    target = (hue * 360, saturation * 100, lightness * 100)

    def replace(match):
        token = match.group(0)
        source_hue, source_saturation, source_lightness, alpha, kind = parse(token)
        if abs(source_hue - PRIMARY_HUE) > 1.5 or source_saturation < MINIMUM_SATURATION:
            return token
        return write(
            target[0],
            target[1] * source_saturation / 100,
            moved_lightness(source_lightness, target[2]),
            alpha,
            kind,
        )

    return COLOUR.sub(replace, css)
