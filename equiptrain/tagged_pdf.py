"""Every PDF the platform makes goes through here: WeasyPrint writes it as PDF/UA-1 (tagged, the document's
language and title, XMP metadata), then each table header cell gets the /Scope attribute PDF/UA asks for
(Matterhorn 15-003), which WeasyPrint does not write.

A header cell in a row that also has data cells heads its row (/Row); a header cell in a row of header cells
heads its column (/Column). Templates follow that: row headers sit beside their data, column headers in a row
of their own.
"""

from __future__ import annotations

import io


def write(html: str, *, font_config=None) -> bytes:
    """The tagged PDF/UA-1 bytes of `html` (which must set <html lang> and <title>)."""
    from weasyprint import HTML  # slow to import: only when a PDF is made

    data = HTML(string=html).write_pdf(font_config=font_config, pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    return add_header_scopes(data)


def add_header_scopes(data: bytes) -> bytes:
    """The same PDF with /Scope on every /TH structure element."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        changed = False
        for row in _rows(root):
            cells = [k for k in _kids(row) if _tag(k) in ("/TH", "/TD")]
            scope = pikepdf.Name.Row if any(_tag(c) == "/TD" for c in cells) else pikepdf.Name.Column
            for cell in cells:
                if _tag(cell) != "/TH":
                    continue
                attributes = cell.get("/A")
                if attributes is None:
                    cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)
                elif isinstance(attributes, pikepdf.Dictionary):
                    attributes.Scope = scope
                else:  # an array of attribute dictionaries
                    table = next((a for a in attributes if a.get("/O") == pikepdf.Name.Table), None)
                    if table is None:
                        attributes.append(pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope))
                    else:
                        table.Scope = scope
                changed = True
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out, compress_streams=True)
        return out.getvalue()


def _tag(node) -> str | None:
    import pikepdf

    if not isinstance(node, pikepdf.Dictionary):
        return None
    s = node.get("/S")
    return str(s) if s is not None else None


def _kids(node) -> list:
    import pikepdf

    k = node.get("/K")
    if k is None:
        return []
    if isinstance(k, pikepdf.Array):
        return [x for x in k if isinstance(x, pikepdf.Dictionary)]
    return [k] if isinstance(k, pikepdf.Dictionary) else []


def _rows(root):
    """Every /TR structure element, depth first (iteratively: a long document nests deeply)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        key = node.objgen if node.is_indirect else id(node)
        if key in seen:
            continue
        seen.add(key)
        if _tag(node) == "/TR":
            yield node
        stack.extend(reversed(_kids(node)))
