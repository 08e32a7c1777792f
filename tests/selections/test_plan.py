"""Export layout and file names: order kept, collisions resolved, names portable."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from curata.models import ExportLayout
from curata.selections.export.plan import (
    DOCUMENTS,
    PlanInput,
    UniqueNames,
    plan,
    safe_component,
    split_name,
)


def _items(*specs: tuple[str, str | None, str | None]) -> list[PlanInput]:
    return [
        PlanInput(n, f"h{n}", name, None, role, group)
        for n, (name, role, group) in enumerate(specs, start=1)
    ]


def test_by_group_flat_and_by_role() -> None:
    items = _items(("a.png", "hero", "Heroes"), ("b.jpg", None, None), ("c.png", "hero", "Heroes"))
    by_group = [p.relative_path for p in plan(items, ExportLayout.BY_GROUP)]
    assert by_group == ["Heroes/001_a.png", "ungrouped/002_b.jpg", "Heroes/003_c.png"]
    by_role = [p.relative_path for p in plan(items, ExportLayout.BY_ROLE)]
    assert by_role == ["hero/001_a.png", "unassigned/002_b.jpg", "hero/003_c.png"]
    flat = [p.relative_path for p in plan(items, ExportLayout.FLAT)]
    assert flat == ["001_a.png", "002_b.jpg", "003_c.png"]


def test_folders_that_sanitize_alike_or_clash_with_documents_are_made_unique() -> None:
    items = _items(
        ("x.png", None, "A/B"),
        ("y.png", None, "A_B"),
        ("z.png", None, "a_b"),
        ("t.png", None, "thumbnails"),
        ("u.png", None, ".."),
    )
    folders = [p.folder for p in plan(items, ExportLayout.BY_GROUP)]
    assert folders == ["A_B", "A_B-2", "a_b-3", "thumbnails-2", "group"]


def test_width_grows_past_999_items() -> None:
    items = [PlanInput(n, f"h{n}", "f.png") for n in range(1, 1201)]
    names = [p.filename for p in plan(items, ExportLayout.FLAT)]
    assert names[0] == "0001_f.png" and names[-1] == "1200_f.png"


def test_names_without_extension_take_the_format() -> None:
    assert split_name("render", "PNG") == ("render", ".png")
    assert split_name("archive.tar.gz", None) == ("archive.tar", ".gz")
    assert split_name("noext", None) == ("noext", "")


def test_safe_component() -> None:
    assert safe_component('a<b>:"c"/d\\e|f?g*', "x") == "a_b_c_d_e_f_g_"
    assert safe_component("  ..hidden ", "x") == "hidden"
    assert safe_component("CON", "x") == "x_CON"
    assert safe_component("", "x") == "x"
    assert safe_component("\udcff\udcfe", "x") == "x"
    assert len(safe_component("n" * 500, "x")) == 80


def test_unique_names_ignore_case() -> None:
    names = UniqueNames(["README.md"])
    assert [names.take("readme", ".md"), names.take("A"), names.take("a")] == [
        "readme-2.md",
        "A",
        "a-2",
    ]


@given(
    st.lists(
        st.tuples(
            st.text(min_size=0, max_size=30),
            st.one_of(st.none(), st.text(max_size=12)),
            st.one_of(st.none(), st.text(max_size=12)),
        ),
        max_size=40,
    ),
    st.sampled_from(list(ExportLayout)),
)
def test_plan_is_unique_portable_and_ordered(
    specs: list[tuple[str, str | None, str | None]], layout: ExportLayout
) -> None:
    items = _items(*specs)
    placements = plan(items, layout)
    assert [p.asset_hash for p in placements] == [i.asset_hash for i in items]
    paths = [p.relative_path.casefold() for p in placements]
    assert len(set(paths)) == len(paths)
    reserved = {d.casefold() for d in DOCUMENTS}
    for place, item in zip(placements, items, strict=True):
        for part in place.relative_path.split("/"):
            assert part and part not in (".", "..") and not part.startswith(".")
            assert not any(c in part for c in '<>:"\\|?*\x00')
        assert place.filename.casefold() not in reserved
        assert place.folder.casefold() not in reserved
        assert place.filename.startswith(f"{item.number:03d}_")
        if layout is ExportLayout.FLAT:
            assert place.folder == ""
