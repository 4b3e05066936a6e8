"""A WordPress export is read as a stream: memory stays that of one post, whatever the file's size."""

import tracemalloc

from samizdat.migrating.wordpress.reader import read_export

from .wxr import export, item


def test_reading_a_big_export_keeps_memory_flat(tmp_path):
    path = tmp_path / "export.xml"
    whole = export(item(1, "Ferry", content="The ferry leaves earlier. " * 40))
    opening, closing = whole.split("</channel>")
    with path.open("w", encoding="utf-8") as out:
        out.write(opening)
        for n in range(8000):
            out.write(item(n + 2, f"Story {n}", content="The harbour council met again. " * 40, tags=[("harbour", "Harbour")]))
        out.write("</channel>" + closing)
    size = path.stat().st_size
    assert size > 15_000_000

    tracemalloc.start()
    try:
        _, entries = read_export(path)
        count = sum(1 for entry in entries if entry.post_type == "post")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 8001
    assert peak < size / 10  # a tree of the whole file would take several times its size
