"""Cleaning what was uploaded before uploads were cleaned: originals and renditions, in place."""

from dataclasses import dataclass, field

from wagtail.images import get_image_model

from .uploads import clean_file_of


@dataclass
class CleaningReport:
    originals: int = 0
    renditions: int = 0
    cleaned: list = field(default_factory=list)  # (file name, what it carried)


def clean_existing_uploads():
    """Strip the metadata of every stored image and rendition; running it again changes nothing.

    Files keep their names, so published pages that link to renditions stay right. An original
    that turns upright loses its focal point, which was chosen on the picture lying on its side.
    """
    report = CleaningReport()
    image_model = get_image_model()
    for image in image_model.objects.order_by("pk").iterator():
        report.originals += 1
        size = (image.width, image.height)
        found = clean_file_of(image)
        if found:
            fields = ["width", "height", "file_size"]
            if (image.width, image.height) != size:
                image.set_focal_point(None)
                fields += ["focal_point_x", "focal_point_y", "focal_point_width", "focal_point_height"]
            image.save(update_fields=fields)
            report.cleaned.append((image.file.name, sorted(found)))
    for rendition in image_model.get_rendition_model().objects.order_by("pk").iterator():
        report.renditions += 1
        found = clean_file_of(rendition)
        if found:
            rendition.save(update_fields=["width", "height"])
            report.cleaned.append((rendition.file.name, sorted(found)))
    return report
