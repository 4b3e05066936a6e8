"""Pictures without what identifies where, when and with what they were taken.

EXIF (GPS, camera make, model and serial, time), XMP, IPTC/Photoshop blocks, comments and PNG
text chunks are dropped; the EXIF orientation is applied to the pixels first, so the picture
stays upright once the tag that turned it is gone. A phone's JPEG with a second picture inside
(MPO: a preview or depth map, with EXIF of its own) is stored as a plain JPEG of its first one.
The ICC colour profile is kept: it describes colours, not the photographer. Everything is done
with Pillow, the library Wagtail's Willow uses.
"""

from io import BytesIO

from PIL import Image, ImageOps, JpegImagePlugin, UnidentifiedImageError

# What a picture may keep: how to show it, nothing about who made it.
KEPT_INFO = {"icc_profile", "transparency", "duration", "loop", "background", "disposal", "dpi"}
IDENTIFYING_INFO = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc"}
# JPEG application segments that hold only how to decode and show the picture.
# MPF (APP2) only says where an MPO's further pictures start; those pictures are counted apart.
HARMLESS_JPEG_SEGMENTS = {("APP0", b"JFIF"), ("APP2", b"ICC_PROFILE"), ("APP2", b"MPF\0"), ("APP14", b"Adobe")}
MORE_PICTURES = "MPO pictures after the first"
ORIENTATION = 0x0112
JPEG_QUALITY = 90  # when the pixels are turned, the picture is encoded again


class DamagedPicture(ValueError):
    """A picture that carries metadata but can't be read to the end, so can't be stored clean."""


def identifying_metadata(picture):
    """The names of what this opened picture carries beyond its pixels and colour profile."""
    found = {key for key in picture.info if key in IDENTIFYING_INFO}
    found.update(f"text:{key}" for key in getattr(picture, "text", {}) or {})
    for marker, content in getattr(picture, "applist", []):
        if not any(marker == kept and content.startswith(prefix) for kept, prefix in HARMLESS_JPEG_SEGMENTS):
            found.add(marker)
    if picture.format == "MPO" and getattr(picture, "n_frames", 1) > 1:
        found.add(MORE_PICTURES)  # each carries its own EXIF, which Pillow doesn't show for the first
    return found


def metadata_in(data):
    """What these image bytes carry beyond pixels and colours (empty for clean ones and non-pictures)."""
    try:
        with Image.open(BytesIO(data)) as picture:
            return identifying_metadata(picture)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError):
        return set()


def without_metadata(data):
    """These image bytes again without metadata, upright, in the same format; None when already clean
    (or not a picture at all). DamagedPicture when it carries metadata but can't be decoded.

    A JPEG that needs no turning keeps its own quantisation tables (no visible loss); animated GIFs
    and WebPs keep every frame. An MPO (a phone's JPEG with more pictures inside, which Pillow
    opens as frames) is a JPEG of its first picture: turned upright, stored as JPEG, so once clean
    it stays so.
    """
    try:
        picture = Image.open(BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError):
        return None  # not a picture Pillow reads: Wagtail's own checks refuse it
    with picture:
        if not identifying_metadata(picture):
            return None
        image_format = picture.format
        is_mpo = image_format == "MPO"
        if is_mpo:
            image_format = "JPEG"
        animated = not is_mpo and getattr(picture, "n_frames", 1) > 1
        orientation = picture.getexif().get(ORIENTATION, 1)
        options = {}
        if animated:
            options["save_all"] = True
            shown = picture
        elif orientation != 1:
            try:
                shown = ImageOps.exif_transpose(picture)
            except (OSError, SyntaxError, ValueError) as error:
                raise DamagedPicture(str(error)) from error
        else:
            shown = picture
            if is_mpo:  # "keep", which Pillow allows only for what it opened as JPEG
                options["qtables"] = picture.quantization
                options["subsampling"] = JpegImagePlugin.get_sampling(picture)
            elif image_format == "JPEG":
                options["quality"] = "keep"
        if image_format == "JPEG" and "quality" not in options and "qtables" not in options:
            options["quality"] = JPEG_QUALITY
        if image_format == "WEBP":
            options["quality"] = JPEG_QUALITY
        icc_profile = picture.info.get("icc_profile")
        if icc_profile:
            options["icc_profile"] = icc_profile
        shown.info = {key: value for key, value in shown.info.items() if key in KEPT_INFO}
        if hasattr(shown, "applist"):
            shown.applist = []
        output = BytesIO()
        try:
            shown.save(output, format=image_format, **options)
        except (OSError, SyntaxError, ValueError) as error:  # Pillow's errors for a broken file
            raise DamagedPicture(str(error)) from error
        return output.getvalue()
