"""A template's package made ready to take a deck's slides: its example slides gone.

`template_base(data, default)` returns the members of the .potx/.pptx `data` as the PPTX
renderer's base: the example slides and everything only they used (notes pages, comments,
pictures, charts) removed, the presentation's slide list emptied (with the sections and
custom shows that named the slides), a template's content type made a presentation's, and
a notes master added from `default` when the template has none. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from ..errors import DeckgenError

_CT = "application/vnd.openxmlformats-officedocument."
_TEMPLATE_MAIN = ("presentationml.template.main+xml", "presentationml.slideshow.main+xml")
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_SECTIONS = r'<p:ext uri="\{521415D9-36F7-43E2-AB2F-B90AF26B5E84\}">.*?</p:ext>'
_REL = re.compile(r"<Relationship\b[^>]*/>")


def template_base(data: bytes, default: dict[str, bytes]) -> dict[str, bytes]:
    """The template's members, ready for the deck's slides (see the module's doc)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    except (zipfile.BadZipFile, OSError) as exc:
        raise DeckgenError(f"the template is not a PowerPoint package: {exc}") from None
    main = "ppt/presentation.xml"
    rels_name = "ppt/_rels/presentation.xml.rels"
    if main not in members or rels_name not in members:
        raise DeckgenError("the template has no ppt/presentation.xml (expected a .potx or .pptx)")
    rels = members[rels_name].decode()
    rels = _REL.sub(lambda m: "" if f'Type="{_RT}slide"' in m.group(0) else m.group(0), rels)
    members[rels_name] = rels.encode()
    members[main] = _emptied(members[main].decode()).encode()
    props = "ppt/presProps.xml"
    if props in members:  # a slide show of the examples' custom show or slide range
        shown = re.sub(r"<p:custShow\b[^>]*/>|<p:sldRg\b[^>]*/>", "", members[props].decode())
        members[props] = shown.encode()
    if not any(re.fullmatch(r"ppt/notesMasters/[^/]+\.xml", n) for n in members):
        _add_notes_master(members, default)
    reachable = _reachable(members)
    kept = {
        n: d
        for n, d in members.items()
        if n in reachable or n == "[Content_Types].xml" or _rels_of(n) in reachable
    }
    kept["[Content_Types].xml"] = _types(kept["[Content_Types].xml"].decode(), set(kept))
    return kept


def _emptied(xml: str) -> str:
    """presentation.xml with an empty slide list, and nothing that named its slides."""
    xml = re.sub(r"<p:sldIdLst>.*?</p:sldIdLst>|<p:sldIdLst/>", "", xml, flags=re.S)
    xml = re.sub(r"<p:custShowLst>.*?</p:custShowLst>", "", xml, flags=re.S)
    xml = re.sub(r"<p:embeddedFontLst>.*?</p:embeddedFontLst>", "", xml, flags=re.S)
    xml = re.sub(_SECTIONS, "", xml, flags=re.S)
    at = xml.index("<p:sldSz")
    return xml[:at] + "<p:sldIdLst/>" + xml[at:]


def _rels_of(part: str) -> str:
    """The part a relationships part belongs to ("" for others)."""
    folder, base = posixpath.split(part)
    if posixpath.basename(folder) != "_rels" or not base.endswith(".rels"):
        return ""
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def _reachable(members: dict[str, bytes]) -> set[str]:
    """The parts reached from the package's root relationships."""
    seen: set[str] = set()
    todo = [""]
    while todo:
        part = todo.pop()
        folder, base = posixpath.split(part)
        name = posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"
        if name not in members:
            continue
        seen.add(name)
        for rel in _REL.findall(members[name].decode()):
            if 'TargetMode="External"' in rel:
                continue
            m = re.search(r'Target="([^"]*)"', rel)
            if m is None:
                continue
            target = m.group(1)
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            if path in members and path not in seen:
                seen.add(path)
                todo.append(path)
    return seen


def _types(xml: str, parts: set[str]) -> bytes:
    """The content types, attributes in one order, overrides only for parts kept, and a
    template's main part typed as a presentation's."""
    defaults = {}
    for m in re.finditer(r"<Default\b([^>]*)/>", xml):
        ext = re.search(r'Extension="([^"]*)"', m.group(1))
        kind = re.search(r'ContentType="([^"]*)"', m.group(1))
        if ext and kind:
            defaults[ext.group(1)] = kind.group(1)
    overrides = {}
    for m in re.finditer(r"<Override\b([^>]*)/>", xml):
        name = re.search(r'PartName="([^"]*)"', m.group(1))
        kind = re.search(r'ContentType="([^"]*)"', m.group(1))
        if name and kind and name.group(1).lstrip("/") in parts:
            value = kind.group(1)
            for main in _TEMPLATE_MAIN:
                value = value.replace(main, "presentationml.presentation.main+xml")
            overrides[name.group(1)] = value
    return content_types(defaults, overrides)


def content_types(defaults: dict[str, str], overrides: dict[str, str]) -> bytes:
    """`[Content_Types].xml`: the content type of each extension and of each named part."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + "".join(
            f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in sorted(defaults.items())
        )
        + "".join(
            f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in sorted(overrides.items())
        )
        + "</Types>"
    ).encode()


def _add_notes_master(members: dict[str, bytes], default: dict[str, bytes]) -> None:
    """The default package's notes master (and its theme, renamed) added to a template that
    has none: the deck's notes pages need one."""
    n = 1
    while f"ppt/theme/theme{n}.xml" in members:
        n += 1
    theme = f"theme{n}.xml"
    master_rels = default["ppt/notesMasters/_rels/notesMaster1.xml.rels"].decode()
    master_rels = re.sub(r"\.\./theme/theme\d+\.xml", f"../theme/{theme}", master_rels)
    old_theme = re.search(
        r"\.\./theme/(theme\d+\.xml)",
        default["ppt/notesMasters/_rels/notesMaster1.xml.rels"].decode(),
    )
    assert old_theme is not None
    members["ppt/notesMasters/notesMaster1.xml"] = default["ppt/notesMasters/notesMaster1.xml"]
    members["ppt/notesMasters/_rels/notesMaster1.xml.rels"] = master_rels.encode()
    members[f"ppt/theme/{theme}"] = default[f"ppt/theme/{old_theme.group(1)}"]
    rels = members["ppt/_rels/presentation.xml.rels"].decode()
    rid = max((int(x) for x in re.findall(r'Id="rId(\d+)"', rels)), default=0) + 1
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rId{rid}" Type="{_RT}notesMaster" '
        'Target="notesMasters/notesMaster1.xml"/></Relationships>',
    )
    members["ppt/_rels/presentation.xml.rels"] = rels.encode()
    xml = members["ppt/presentation.xml"].decode()
    xml = re.sub(r"<p:notesMasterIdLst>.*?</p:notesMasterIdLst>", "", xml, flags=re.S)
    at = xml.index("</p:sldMasterIdLst>") + len("</p:sldMasterIdLst>")
    entry = f'<p:notesMasterIdLst><p:notesMasterId r:id="rId{rid}"/></p:notesMasterIdLst>'
    members["ppt/presentation.xml"] = (xml[:at] + entry + xml[at:]).encode()
    types = (
        members["[Content_Types].xml"]
        .decode()
        .replace(
            "</Types>",
            f'<Override PartName="/ppt/notesMasters/notesMaster1.xml" '
            f'ContentType="{_CT}presentationml.notesMaster+xml"/>'
            f'<Override PartName="/ppt/theme/{theme}" ContentType="{_CT}theme+xml"/></Types>',
        )
    )
    members["[Content_Types].xml"] = types.encode()
