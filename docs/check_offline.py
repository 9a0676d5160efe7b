"""Fail when the built documentation would load anything from another host.

The site must work without network access: opened from disk or served from a
machine with no internet, every script, stylesheet, font and image it needs
has to come from the build itself. This script reads every ``.html`` and
``.css`` file under the build directory and lists each resource a browser
would fetch from another host when showing the page:

- ``<script src=...>``;
- ``<link href=...>`` whose ``rel`` makes the browser load it (a stylesheet,
  a preload, a module preload or an icon);
- ``<img>``, ``<iframe>``, ``<source>``, ``<audio>``, ``<video>``,
  ``<embed>`` and ``<object>`` sources;
- ``@import`` and ``url(...)`` in stylesheets, in ``<style>`` elements and in
  ``style`` attributes.

Ordinary links (``<a href=...>``) are not resources: following one is the
reader's choice. A reference is external when it names a scheme that reaches
a network (``http:``, ``https:``, ``ftp:``) or starts with ``//`` (the
page's own scheme, on another host); relative paths and ``data:`` URLs are
local.

Run it after the Sphinx build, from the repository root::

    python docs/check_offline.py docs/_build/html

It prints one line per external resource, ``file:line: what``, and exits
with status 1 when there is any, 0 when there is none.
"""

import argparse
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

EXTERNAL_URL = re.compile(r"^\s*(?:(?:https?|ftp):)?//", re.IGNORECASE)

# ``@import "x.css";``, ``@import url(x.css);`` and ``url(x)`` anywhere else
# (fonts, background images), each with or without quotes.
CSS_IMPORT = re.compile(
    r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.IGNORECASE
)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')\s]+)""", re.IGNORECASE)

# The <link rel=...> values for which a browser fetches ``href`` on its own.
LOADED_LINK_RELS = {"stylesheet", "preload", "modulepreload", "icon", "prefetch"}

# Elements whose ``src`` (or ``data`` for <object>) the browser loads.
SOURCE_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "audio": ("src",),
    "video": ("src", "poster"),
    "embed": ("src",),
    "object": ("data",),
}


def is_external(url):
    """Whether ``url`` reaches another host.

    Parameters
    ----------
    url : str
        A URL as written in a page or a stylesheet.

    Returns
    -------
    bool
        True for ``http:``, ``https:`` and ``ftp:`` URLs and for
        scheme-relative ones (``//host/...``).
    """
    return bool(EXTERNAL_URL.match(url))


def css_external_urls(css):
    """The external URLs that a piece of CSS imports or loads.

    Parameters
    ----------
    css : str
        A stylesheet, the text of a ``<style>`` element or a ``style``
        attribute.

    Returns
    -------
    list of (int, str)
        ``(line, description)`` pairs, ``line`` counted from 1 within ``css``.
    """
    found = {}
    for pattern, kind in ((CSS_IMPORT, "@import"), (CSS_URL, "url()")):
        for match in pattern.finditer(css):
            url = match.group(1)
            if is_external(url):
                line = css.count("\n", 0, match.start()) + 1
                # ``@import url(...)`` matches both patterns: the URL's
                # position keys it, so it is reported once, as the import.
                found.setdefault(match.start(1), (line, f"CSS {kind} {url}"))
    return sorted(found.values())


class ExternalResourceFinder(HTMLParser):
    """Collect the external resources referenced by one HTML page.

    After ``feed``, :attr:`found` holds ``(line, description)`` pairs.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._style_start_line = None
        self._style_text = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        attributes = {name: value or "" for name, value in attrs}
        for name in SOURCE_ATTRIBUTES.get(tag, ()):
            # srcset lists "url width" candidates separated by commas.
            for candidate in attributes.get(name, "").split(","):
                url = candidate.strip().split(" ")[0]
                if url and is_external(url):
                    self.found.append((line, f"<{tag} {name}={url}>"))
        if tag == "link":
            rels = set(attributes.get("rel", "").lower().split())
            url = attributes.get("href", "")
            if rels & LOADED_LINK_RELS and is_external(url):
                rel = " ".join(sorted(rels))
                self.found.append((line, f"<link rel={rel} href={url}>"))
        if "style" in attributes:
            for _, description in css_external_urls(attributes["style"]):
                self.found.append((line, f"style attribute: {description}"))
        if tag == "style":
            self._style_start_line = line
            self._style_text = []

    def handle_data(self, data):
        if self._style_start_line is not None:
            self._style_text.append(data)

    def handle_endtag(self, tag):
        if tag == "style" and self._style_start_line is not None:
            css = "".join(self._style_text)
            for line, description in css_external_urls(css):
                line += self._style_start_line - 1
                self.found.append((line, f"<style>: {description}"))
            self._style_start_line = None


def external_resources(build_dir):
    """Every external resource referenced by the pages of a built site.

    Parameters
    ----------
    build_dir : path-like
        The HTML output directory of the Sphinx build.

    Returns
    -------
    list of str
        One ``"path:line: description"`` entry per external resource, the
        path relative to ``build_dir``; empty when the site is self-contained.
    """
    build_dir = Path(build_dir)
    problems = []
    for path in sorted(build_dir.rglob("*")):
        if path.suffix not in {".html", ".css"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".css":
            found = css_external_urls(text)
        else:
            finder = ExternalResourceFinder()
            finder.feed(text)
            finder.close()
            found = finder.found
        relative = path.relative_to(build_dir)
        problems.extend(f"{relative}:{line}: {what}" for line, what in found)
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "build_dir",
        nargs="?",
        default="docs/_build/html",
        help="the HTML output directory (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    build_dir = Path(args.build_dir)
    if not (build_dir / "index.html").is_file():
        print(f"{build_dir} holds no built site (no index.html)", file=sys.stderr)
        return 2
    problems = external_resources(build_dir)
    for problem in problems:
        print(problem)
    pages = len({problem.split(":", 1)[0] for problem in problems})
    if problems:
        print(
            f"{len(problems)} external resource(s) in {pages} file(s): the "
            "site would need network access",
            file=sys.stderr,
        )
        return 1
    print(f"{build_dir}: no page loads anything from another host")
    return 0


if __name__ == "__main__":
    sys.exit(main())
