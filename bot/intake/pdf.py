"""Read what matters from a PDF, with every walk bounded, without deciding anything.

`read_pdf` returns the facts (pages, the first pages' text, form fields, signature fields) or
raises `PdfRefused` with the problem code to show. pypdf is used with `strict=False` and tighter
resource limits than its defaults; the page tree and the field tree are walked by hand with caps on
nodes and depth, so a file declaring a million pages is refused after reading a handful of objects.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pypdf
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from bot.intake.model import Limits, Refused

# pypdf's warnings quote bytes of the file (e.g. "invalid pdf header: b'...'"); uploads are
# personal data, so they must not reach the logs.
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
warnings.filterwarnings("ignore", module=r"pypdf(\.|$)")

_REQUIRED_FLAG = 1 << 1  # /Ff bit 2: the field must have a value when the form is submitted
_REQUIRED_LOOKING = re.compile(
    r"nome|cognome|fiscale|nascita|nato|residen|indirizzo|comune|provincia|cap|telefono|"
    r"cellulare|mail|pec|ordine|iscrizione|luogo|data|firma",
    re.IGNORECASE,
)


class PdfRefused(Refused):
    """The PDF cannot be accepted; `code` names the problem in messages.yml."""


@dataclass(frozen=True)
class PdfSignatureField:
    """A signed /Sig field: the CMS bytes and the part of the file they cover."""

    cms_der: bytes
    covered: bytes
    sub_filter: str
    covers_whole_file: bool


@dataclass
class PdfFacts:
    pages: int
    text: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    empty_required_fields: list[str] = field(default_factory=list)
    signature_fields: list[PdfSignatureField] = field(default_factory=list)
    unsigned_signature_fields: int = 0
    has_images: bool = False
    text_incomplete: bool = False  # some page's text was too heavy to extract
    owner_protected: bool = False
    active_content: bool = False
    title: str = ""


def read_pdf(data: bytes, max_pages: int, limits: Limits) -> PdfFacts:
    """Open the PDF and collect its facts; raises `PdfRefused` for damaged/locked/too long files."""
    with pypdf.apply_configuration(
        zlib_maximum_output_length=limits.max_stream_bytes,
        lzw_maximum_output_length=limits.max_stream_bytes,
        run_length_maximum_output_length=limits.max_stream_bytes,
        array_based_stream_maximum_output_length=limits.max_stream_bytes,
        brotli_maximum_output_length=limits.max_stream_bytes,
        image_maximum_buffer_size=limits.max_stream_bytes,
        stream_decoding_work_maximum_length=4 * limits.max_stream_bytes,
        stream_parsing_work_maximum_count=limits.max_content_operands,
        xform_maximum_invocations_per_extraction=50,
        page_tree_maximum_entries=max(64, 8 * max_pages),
        page_tree_maximum_depth=limits.max_tree_depth,
        form_fields_maximum_entries=limits.max_fields,
        form_fields_maximum_depth=limits.max_tree_depth,
        jbig2dec_binary=None,  # never run an external decoder on an upload
    ):
        try:
            return _read(data, max_pages, limits)
        except PdfRefused:
            raise
        except (Exception, RecursionError, MemoryError):
            # pypdf raises many exception types on hostile input; all mean "cannot be read".
            raise PdfRefused("pdf_danneggiato") from None


def _read(data: bytes, max_pages: int, limits: Limits) -> PdfFacts:
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    owner_protected = False
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception:
            raise PdfRefused("pdf_protetto") from None
        if opened == pypdf.PasswordType.NOT_DECRYPTED:
            raise PdfRefused("pdf_protetto")
        owner_protected = True
    root = reader.trailer["/Root"].get_object()
    pages_root = root["/Pages"].get_object()
    page_count = _count_pages(pages_root, max_pages, limits.max_tree_depth)
    if page_count == 0:
        raise PdfRefused("pdf_senza_pagine")
    facts = PdfFacts(pages=page_count, owner_protected=owner_protected)
    facts.active_content = _has_active_content(root)
    facts.title = _title(reader)
    _read_fields(root, data, facts, limits)
    text_parts: list[str] = []
    budget = limits.max_text_chars
    for index in range(min(page_count, limits.max_text_pages)):
        page = reader.pages[index]
        facts.has_images = facts.has_images or _has_images(page)
        text = _page_text(page, limits)
        if text is None:
            facts.text_incomplete = True
            continue
        text_parts.append(text[:budget])
        budget -= len(text_parts[-1])
        if budget <= 0:
            break
    facts.text = "\n".join(text_parts)
    return facts


def _page_text(page: pypdf.PageObject, limits: Limits) -> str | None:
    """The page's text, or None when it is too heavy to extract within the limits.

    Text extraction costs about a microsecond per content byte and more per operator, so pages
    with large content streams are skipped; a stream inflating past `max_stream_bytes` is
    hostile (no real form page comes near) and refuses the file.
    """
    try:
        contents = page.get_contents()
        size = len(contents.get_data()) if contents is not None else 0
    except LimitReachedError:
        raise PdfRefused("pdf_danneggiato") from None
    except Exception:
        return None
    if size > limits.max_text_content_bytes:
        return None
    try:
        return page.extract_text() or ""
    except Exception:
        return None  # over the operator budget, or a broken text layer


def _count_pages(pages_root: Any, max_pages: int, max_depth: int) -> int:
    """Leaves of the page tree, refusing as soon as there are more than `max_pages`.

    The declared /Count is trusted only to refuse early; a small /Count is not trusted, the
    walk itself stops after `max_pages + 1` leaves or a few hundred nodes.
    """
    declared = pages_root.get("/Count")
    if isinstance(declared, int) and declared > max_pages:
        raise PdfRefused("troppe_pagine", declared_pages=int(declared), max_pagine=max_pages)
    leaves = 0
    visited: set[int] = set()
    node_budget = 8 * max_pages + 64
    stack: list[tuple[Any, int]] = [(pages_root, 0)]
    while stack:
        node, depth = stack.pop()
        node_budget -= 1
        if node_budget < 0 or depth > max_depth:
            raise PdfRefused("pdf_danneggiato")
        kids = node.get("/Kids")
        if node.get("/Type") == "/Page" or kids is None:
            leaves += 1
            if leaves > max_pages:
                raise PdfRefused("troppe_pagine", max_pagine=max_pages)
            continue
        for kid_ref in reversed(list(kids.get_object())[: node_budget + 1]):
            if isinstance(kid_ref, IndirectObject):
                if kid_ref.idnum in visited:
                    raise PdfRefused("pdf_danneggiato")  # a loop in the page tree
                visited.add(kid_ref.idnum)
            kid = kid_ref.get_object()
            if isinstance(kid, DictionaryObject):
                stack.append((kid, depth + 1))
    return leaves


def _walk_fields(root: Any, limits: Limits) -> Iterator[tuple[str, DictionaryObject, str | None]]:
    """(full name, field dictionary, inherited /FT) for each terminal field, bounded."""
    acroform = root.get("/AcroForm")
    if acroform is None:
        return
    acroform = acroform.get_object()
    top = acroform.get("/Fields")
    if not isinstance(top, (ArrayObject, IndirectObject)):
        return
    budget = limits.max_fields
    visited: set[int] = set()
    stack: list[tuple[Any, str, str | None, int]] = [
        (ref, "", None, 0) for ref in reversed(list(top.get_object())[:budget])
    ]
    while stack and budget > 0:
        ref, parent_name, parent_type, depth = stack.pop()
        budget -= 1
        if isinstance(ref, IndirectObject):
            if ref.idnum in visited:
                continue
            visited.add(ref.idnum)
        node = ref.get_object()
        if not isinstance(node, DictionaryObject) or depth > limits.max_tree_depth:
            continue
        partial = node.get("/T")
        name = parent_name
        if partial is not None:
            name = f"{parent_name}.{partial}" if parent_name else str(partial)
        field_type = node.get("/FT", parent_type)
        kids = node.get("/Kids")
        named_kids = []
        if kids is not None:
            named_kids = [k for k in kids.get_object()[:budget] if "/T" in k.get_object()]
        if named_kids:
            for kid in reversed(named_kids):
                stack.append((kid, name, field_type, depth + 1))
        else:
            yield name, node, field_type


def _read_fields(root: Any, data: bytes, facts: PdfFacts, limits: Limits) -> None:
    for name, node, field_type in _walk_fields(root, limits):
        value = node.get("/V")
        if field_type == "/Sig":
            signature = _signature_field(value, data) if value is not None else None
            if signature is None:
                facts.unsigned_signature_fields += 1
            else:
                facts.signature_fields.append(signature)
            continue
        if field_type not in ("/Tx", "/Ch"):
            continue
        text = _field_text(value)
        facts.fields[name] = text
        flags = node.get("/Ff", 0)
        required = isinstance(flags, int) and bool(flags & _REQUIRED_FLAG)
        if not text.strip() and (required or _REQUIRED_LOOKING.search(name)):
            facts.empty_required_fields.append(name)


def _field_text(value: Any) -> str:
    if value is None:
        return ""
    value = value.get_object()
    if isinstance(value, ArrayObject):
        return ", ".join(str(item) for item in value[:20])
    return str(value)[:500]


def _signature_field(value: Any, data: bytes) -> PdfSignatureField | None:
    """The signature value of a /Sig field, when it has one with a sane /ByteRange."""
    signature = value.get_object()
    if not isinstance(signature, DictionaryObject):
        return None
    contents = signature.get("/Contents")
    byte_range = signature.get("/ByteRange")
    if contents is None or byte_range is None:
        return None
    sub_filter = str(signature.get("/SubFilter", ""))
    numbers = [int(n) for n in byte_range.get_object()]
    if len(numbers) != 4 or any(n < 0 for n in numbers):
        return None
    start1, length1, start2, length2 = numbers
    if start1 + length1 > start2 or start2 + length2 > len(data):
        return None
    covered = data[start1 : start1 + length1] + data[start2 : start2 + length2]
    raw = contents.get_object()
    cms_der = bytes(raw.original_bytes if hasattr(raw, "original_bytes") else raw)
    return PdfSignatureField(
        cms_der=cms_der,  # zero padding after the DER is ignored by the parser
        covered=covered,
        sub_filter=sub_filter,
        covers_whole_file=start1 == 0 and start2 + length2 == len(data),
    )


def _has_active_content(root: Any) -> bool:
    """JavaScript, embedded files, launch actions: stored anyway, flagged for staff."""
    if "/AA" in root:
        return True
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        if "/JavaScript" in names or "/EmbeddedFiles" in names:
            return True
    action = root.get("/OpenAction")
    if action is not None:
        action = action.get_object()
        if isinstance(action, DictionaryObject) and action.get("/S") in ("/JavaScript", "/Launch"):
            return True
    return False


def _has_images(page: Any) -> bool:
    """An image XObject on the page, directly or inside one level of form XObjects."""
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return False
        for ref in list(xobjects.get_object().values())[:50]:
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image":
                return True
            inner = xobject.get("/Resources")
            inner_x = inner.get_object().get("/XObject") if inner is not None else None
            if inner_x is not None and any(
                v.get_object().get("/Subtype") == "/Image"
                for v in list(inner_x.get_object().values())[:50]
            ):
                return True
    except Exception:
        return False
    return False


def _title(reader: pypdf.PdfReader) -> str:
    try:
        info = reader.metadata
        return str(info.title or "")[:300] if info is not None else ""
    except Exception:
        return ""


def page_images(data: bytes, limits: Limits, max_pages: int) -> list[bytes]:
    """The largest picture of each of the first pages, as PNG/JPEG bytes (a scan's pages).

    Within the same pypdf limits as `read_pdf`; pictures above `max_pixels` are skipped.
    """
    found: list[bytes] = []
    with pypdf.apply_configuration(
        zlib_maximum_output_length=limits.max_stream_bytes * 4,
        image_maximum_buffer_size=limits.max_stream_bytes * 4,
        jbig2dec_binary=None,
    ):
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                reader.decrypt("")
            for page in list(reader.pages)[:max_pages]:
                best = None
                for image in list(page.images)[:8]:
                    pixels = image.image
                    if pixels is None or pixels.width * pixels.height > limits.max_pixels:
                        continue
                    if best is None or pixels.width * pixels.height > best.width * best.height:
                        best = pixels
                if best is not None:
                    out = io.BytesIO()
                    best.convert("RGB").save(out, format="JPEG", quality=92)
                    found.append(out.getvalue())
        except (Exception, RecursionError, MemoryError):
            return found
    return found
