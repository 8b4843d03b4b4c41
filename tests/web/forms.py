"""Read a page's form the way a browser submits it (inputs, checked boxes, selected options),
so page tests post exactly what the page offers and change only what a user would."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, str] = {}
        self.select: str | None = None
        self.first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = found.get("id") == self.form_id
        if not self.inside:
            return
        name = found.get("name")
        if tag == "input" and name and found.get("type") not in ("submit", "button"):
            if found.get("type") in ("checkbox", "radio"):
                if "checked" in found:
                    self.values[name] = found.get("value") or "on"
            else:
                self.values[name] = found.get("value", "")
        elif tag == "select" and name:
            self.select, self.first_option = name, None
        elif tag == "option" and self.select is not None:
            value = found.get("value", "")
            if self.first_option is None:
                self.first_option = value
                self.values.setdefault(self.select, value)
            if "selected" in found:
                self.values[self.select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def read_form(html: str, form_id: str) -> dict[str, str]:
    """The values the form `form_id` would submit as it stands."""
    reader = _FormReader(form_id)
    reader.feed(html)
    assert reader.values, f"no form {form_id!r} on the page"
    return reader.values
