"""Rewrite an uploaded PDF without anything that runs, opens, carries files or names its author.

The file is parsed by qpdf (through pikepdf), so objects hidden in compressed
object streams, names spelled with #xx escapes and incremental updates are
seen exactly as a reader sees them. Every dictionary reachable from the
document is walked; scripts, automatic actions, launch and other actions
(except jumps inside the document), embedded files, form XFA, XMP and the
document information (author, producer, …) are removed, and the document is
written anew (only reachable objects are kept). The result is opened again and
checked; a PDF that cannot be read, rewritten or checked is refused.
"""
import io

import pikepdf
from pikepdf import Array, Dictionary, Stream

# Keys that hold code, automatic actions, attached files, form scripts or metadata.
DROP_KEYS = frozenset({
    "/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles", "/EmbeddedFile", "/XFA", "/Metadata",
    "/PieceInfo", "/RichMediaContent", "/RichMediaSettings", "/Collection", "/AcroForm", "/URI", "/Launch",
    "/SubmitForm", "/ImportData", "/RichMedia",
})
# Annotations that play media or carry a file.
DROP_ANNOTS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
# The only action kept: a jump to a place inside the same document.
SAFE_ACTIONS = frozenset({"/GoTo"})


class PdfRefused(ValueError):
    """The PDF cannot be read or made safe."""


def _is_bad_action(value) -> bool:
    if isinstance(value, Dictionary) or isinstance(value, Stream):
        kind = value.get("/S")
        return kind is None or str(kind) not in SAFE_ACTIONS or "/Next" in value
    return True


def _clean_object(obj, seen: set) -> None:
    """Remove the dangerous keys from obj and everything it reaches (each indirect object once)."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, (Dictionary, Stream, Array)) and item.is_indirect:
            key = item.objgen
            if key in seen:
                continue
            seen.add(key)
        if isinstance(item, Array):
            stack.extend(item)
            continue
        if not isinstance(item, (Dictionary, Stream)):
            continue
        for key in list(item.keys()):
            if key in DROP_KEYS:
                del item[key]
            elif key == "/A" and _is_bad_action(item[key]):
                del item[key]
            elif key == "/Annots" and isinstance(item[key], Array):
                kept = [a for a in item[key]
                        if not (isinstance(a, Dictionary) and str(a.get("/Subtype", "")) in DROP_ANNOTS)]
                item[key] = Array(kept)
        stack.extend(item[key] for key in item.keys() if key not in ("/Parent", "/P"))


def _leftovers(pdf: pikepdf.Pdf) -> list[str]:
    """Name what is still dangerous in a parsed PDF (every object, including those in object streams)."""
    found = []
    if "/Info" in pdf.trailer:
        found.append("/Info")
    for obj in pdf.objects:
        if isinstance(obj, (Dictionary, Stream)):
            for key in obj.keys():
                if key in DROP_KEYS:
                    found.append(key)
                elif key == "/A" and _is_bad_action(obj[key]):
                    found.append("/A")
            kind = obj.get("/S")
            if kind is not None and str(kind) in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData"):
                found.append(str(kind))
            if str(obj.get("/Type", "")) in ("/EmbeddedFile", "/Filespec"):
                found.append(str(obj.get("/Type")))
    return found


def rewrite(data: bytes) -> bytes:
    """Return a clean copy of the PDF, or raise PdfRefused."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) == 0:
                raise PdfRefused("no pages")
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            seen: set = set()
            _clean_object(pdf.Root, seen)
            for obj in list(pdf.objects):  # also objects only reachable in odd ways
                _clean_object(obj, seen)
            out = io.BytesIO()
            pdf.remove_unreferenced_resources()
            pdf.save(out, encryption=False, fix_metadata_version=False, deterministic_id=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.disable)
        cleaned = out.getvalue()
        with pikepdf.open(io.BytesIO(cleaned)) as check:
            if _leftovers(check) or len(check.pages) == 0:
                raise PdfRefused("left overs")
    except PdfRefused:
        raise
    except Exception as exc:  # qpdf raises many kinds on malformed, encrypted or hostile files
        raise PdfRefused(str(exc)[:200]) from exc
    return cleaned
