"""Pictures as a phone or camera writes them: GPS, maker, serial number, XMP, a comment."""

from io import BytesIO

from PIL import Image, ImageCms, PngImagePlugin

CAMERA_MAKE = "SecretCamCo"
SERIAL = "SN-778899"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="55,45.12N"/></rdf:RDF></x:xmpmeta>'
)
GPS_IFD = 0x8825
TELLTALES = [CAMERA_MAKE.encode(), SERIAL.encode(), b"xmpmeta", b"GPSLatitude", b"Jane Source"]


def camera_exif(orientation=1):
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0112] = orientation
    exif[0xA431] = SERIAL  # BodySerialNumber
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (55.0, 45.0, 7.2), 3: "E", 4: (37.0, 37.0, 1.5)})
    return exif


def picture(size=(600, 400)):
    """Red, with a blue square in its top-left corner: turned, the square moves."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (0, 0, size[0] // 5, size[1] // 5))
    return image


def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def tagged_photo(image_format="JPEG", orientation=1, size=(600, 400)):
    """A picture with GPS, maker, serial and XMP, as a phone would save it, in `image_format`."""
    image, output = picture(size), BytesIO()
    if image_format == "GIF":
        frames = [picture(size).rotate(180)]
        image.save(output, "GIF", save_all=True, append_images=frames, duration=100, loop=0,
                   comment=f"{CAMERA_MAKE} {SERIAL}".encode())
    elif image_format == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "Jane Source")
        text.add_itxt("XML:com.adobe.xmp", XMP)
        image.save(output, "PNG", exif=camera_exif(orientation), pnginfo=text, icc_profile=srgb_profile())
    else:
        extra = {"comment": SERIAL.encode()} if image_format == "JPEG" else {}
        image.save(output, image_format, exif=camera_exif(orientation), xmp=XMP.encode(),
                   icc_profile=srgb_profile(), **extra)
    return output.getvalue()


def telltales_in(data):
    """What in these bytes would tell an adversary where or with what the picture was taken."""
    found = [telltale.decode() for telltale in TELLTALES if telltale in data]
    with Image.open(BytesIO(data)) as image:
        exif = image.getexif()
        if exif.get_ifd(GPS_IFD):
            found.append("GPS")
        if exif.get(0x010F):
            found.append("Make")
        if "xmp" in image.info:
            found.append("XMP")
    return found


def phone_mpo(orientation=6, size=(600, 400)):
    """A JPEG with a second, smaller picture inside (MPO), as most phones write it: GPS and
    orientation in the first picture's EXIF, and EXIF of its own in the second."""
    output = BytesIO()
    second = picture((size[0] // 2, size[1] // 2))
    picture(size).save(output, "MPO", save_all=True, append_images=[second], exif=camera_exif(orientation))
    return output.getvalue()
