"""The check that the built documentation loads nothing from another host.

``docs/check_offline.py`` runs in CI right after the Sphinx build; these tests
show that it catches each kind of external resource and lets local ones pass,
so that a green CI run means something.
"""

import importlib.util
from pathlib import Path

import pytest

CHECKER_PATH = Path(__file__).resolve().parents[1] / "docs" / "check_offline.py"


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("check_offline", CHECKER_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_site(directory, page, css=""):
    (directory / "index.html").write_text(page, encoding="utf-8")
    (directory / "_static").mkdir()
    (directory / "_static" / "site.css").write_text(css, encoding="utf-8")


LOCAL_PAGE = """<!DOCTYPE html>
<html><head>
<script src="_static/mathjax/tex-chtml.js"></script>
<link rel="stylesheet" href="_static/site.css">
<link rel="icon" href="data:,">
<style>@import "_static/basic.css";</style>
</head><body>
<a href="https://scikit-learn.org">a link is not a resource</a>
<img src="_images/plot.png" srcset="_images/plot.png 1x, _images/plot@2x.png 2x">
</body></html>
"""


def test_a_self_contained_site_passes(checker, tmp_path, capsys):
    write_site(tmp_path, LOCAL_PAGE, css='@import url("basic.css");')
    assert checker.external_resources(tmp_path) == []
    assert checker.main([str(tmp_path)]) == 0
    assert "no page loads anything from another host" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ('<script src="https://cdn.example.org/mathjax.js"></script>', "<script"),
        ('<link rel="stylesheet" href="//cdn.example.org/a.css">', "<link"),
        ('<link href="http://cdn.example.org/a.css" rel="preload">', "<link"),
        ("<style>\n@import url(https://fonts.example.org/f.css);</style>", "@import"),
        ('<div style="background: url(https://example.org/b.png)"></div>', "url()"),
        ('<img srcset="a.png 1x, https://example.org/b.png 2x">', "<img srcset"),
    ],
)
def test_each_kind_of_external_resource_fails(checker, tmp_path, capsys, snippet,
                                              expected):
    write_site(tmp_path, LOCAL_PAGE.replace("</body>", snippet + "</body>"))
    problems = checker.external_resources(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("index.html:")
    assert expected in problems[0]
    assert checker.main([str(tmp_path)]) == 1
    assert "index.html:" in capsys.readouterr().out


def test_an_external_import_in_a_stylesheet_fails(checker, tmp_path):
    css = 'body { color: black; }\n@import "https://fonts.example.org/f.css";\n'
    write_site(tmp_path, LOCAL_PAGE, css=css)
    assert checker.external_resources(tmp_path) == [
        "_static/site.css:2: CSS @import https://fonts.example.org/f.css"
    ]


def test_a_missing_build_is_an_error(checker, tmp_path):
    assert checker.main([str(tmp_path / "nothing")]) == 2
