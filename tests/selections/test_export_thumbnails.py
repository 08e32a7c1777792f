"""The export's contact sheet shows each image as the server does: turned by its EXIF tag."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from curata import Curata
from tests.selections.conftest import PROJECT, add, new_selection
from tests.selections.test_export import export
from tests.server.test_thumbnails import rotated_jpeg


def test_the_contact_sheet_shows_a_portrait_jpeg_upright(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "camera"
    folder.mkdir()
    photo = rotated_jpeg(folder / "portrait.jpg")  # stored 96x48, EXIF orientation 6
    with Curata(database=db_path) as cur:
        cur.scan(folder, workers=1, project=PROJECT)
        sid = new_selection(cur)
        add(cur, sid, photo)
        target = tmp_path / "out"
        (item,) = export(cur, sid, target, layout="flat").items
    with Image.open(target / "thumbnails" / f"{item.exported_path}.jpg") as thumb:
        assert thumb.size == (48, 96)  # portrait, as the camera meant it
        assert thumb.getpixel((24, 10))[2] > 150  # the blue half is on top
