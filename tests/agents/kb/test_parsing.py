from __future__ import annotations

from pathlib import Path

import pytest

from agents.kb import KbFormatError, load_kb
from agents.kb.parsing import parse_article

GOOD = """---
slug: sample
title: Sample article
tags: [sample]
updated: 2025-01-15
---

## First

Body of the first section.
It has two lines.

## Second

- a list
"""


def write(tmp_path: Path, text: str, name: str = "sample.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parses_front_matter_and_sections(tmp_path: Path) -> None:
    article = parse_article(write(tmp_path, GOOD))

    assert article.slug == "sample"
    assert article.title == "Sample article"
    assert article.tags == ("sample",)
    assert article.updated.isoformat() == "2025-01-15"
    assert [s.heading for s in article.sections] == ["First", "Second"]
    assert article.section("First") == "Body of the first section.\nIt has two lines."
    assert article.section("Second") == "- a list"


def test_windows_line_endings_are_accepted(tmp_path: Path) -> None:
    article = parse_article(write(tmp_path, GOOD.replace("\n", "\r\n")))

    assert article.section("Second") == "- a list"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.replace("---\nslug", "slug", 1), "missing front matter"),
        (GOOD.replace("tags: [sample]", "tags: [sample"), "not valid YAML"),
        (GOOD.replace("title: Sample article\n", ""), "lacks title"),
        (GOOD.replace("slug: sample", "slug: other"), "does not match the file name"),
        (GOOD.replace("slug: sample", "slug: Sample Article"), "slug must be"),
        (GOOD.replace("tags: [sample]", "tags: []"), "tags must be"),
        (GOOD.replace("updated: 2025-01-15", "updated: last week"), "updated must be a date"),
        (GOOD.replace("## First", "Stray intro.\n\n## First"), "text before the first '## ' heading"),
        (GOOD.replace("## Second", "## First"), "'First' appears twice"),
        (GOOD.replace("- a list", ""), "section 'Second' is empty"),
        (GOOD.split("## First")[0], "no '## ' sections"),
    ],
)
def test_malformed_article_names_file_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)

    with pytest.raises(KbFormatError, match=problem) as raised:
        parse_article(path)

    assert raised.value.path == path
    assert str(path) in str(raised.value)


def test_non_utf8_file_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "sample.md"
    path.write_bytes(GOOD.encode("utf-8") + b"\xff\xfe")

    with pytest.raises(KbFormatError, match="UTF-8"):
        parse_article(path)


def test_load_kb_reports_the_malformed_file_among_good_ones(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    bad = write(
        tmp_path, GOOD.replace("slug: sample", "slug: broken").replace("updated: 2025-01-15", ""), "broken.md"
    )

    with pytest.raises(KbFormatError, match="broken.md") as raised:
        load_kb(tmp_path)

    assert raised.value.path == bad


def test_load_kb_refuses_missing_or_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not found"):
        load_kb(tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match=r"no \*\.md articles"):
        load_kb(tmp_path)
