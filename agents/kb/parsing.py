"""Reads help-centre Markdown files: a YAML front-matter block, then ``## `` sections."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from agents.kb.articles import Article, Section

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n---[ \t]*\n(?P<body>.*)\Z", re.DOTALL)
_SLUG = re.compile(r"\A[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_REQUIRED_KEYS = ("slug", "title", "tags", "updated")


class KbFormatError(ValueError):
    """An article file that cannot be read; the message names the file and what is wrong with it."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def parse_article(path: Path) -> Article:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KbFormatError(path, f"not valid UTF-8 ({exc.reason})") from exc
    match = _FRONT_MATTER.match(raw.replace("\r\n", "\n"))
    if match is None:
        raise KbFormatError(path, "missing front matter: the file must start with a '---' line and close it")
    meta = _parse_front_matter(path, match.group("yaml"))
    if meta["slug"] != path.stem:
        # Matching the file name keeps slugs unique and lets a reader find an article from its slug.
        raise KbFormatError(path, f"slug {meta['slug']!r} does not match the file name {path.stem!r}")
    return Article(
        slug=meta["slug"],
        title=meta["title"],
        tags=meta["tags"],
        updated=meta["updated"],
        sections=_parse_sections(path, match.group("body")),
        source=path,
    )


def _parse_front_matter(path: Path, text: str) -> dict[str, Any]:
    try:
        meta = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KbFormatError(path, f"front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise KbFormatError(path, "front matter must be a YAML mapping")
    missing = [key for key in _REQUIRED_KEYS if key not in meta]
    if missing:
        raise KbFormatError(path, f"front matter lacks {', '.join(missing)}")
    slug, title, tags, updated = (meta[key] for key in _REQUIRED_KEYS)
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise KbFormatError(path, f"slug must be lower-case words joined by hyphens, got {slug!r}")
    if not isinstance(title, str) or not title.strip():
        raise KbFormatError(path, "title must be a non-empty string")
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) and t.strip() for t in tags):
        raise KbFormatError(path, "tags must be a non-empty list of strings")
    if not isinstance(updated, date):
        raise KbFormatError(path, f"updated must be a date written YYYY-MM-DD, got {updated!r}")
    return {"slug": slug, "title": title.strip(), "tags": tuple(t.strip() for t in tags), "updated": updated}


def _parse_sections(path: Path, body: str) -> tuple[Section, ...]:
    sections: list[Section] = []
    heading: str | None = None
    lines: list[str] = []

    def close() -> None:
        if heading is None:
            return
        text = "\n".join(lines).strip()
        if not text:
            raise KbFormatError(path, f"section {heading!r} is empty")
        sections.append(Section(heading=heading, text=text))

    for number, line in enumerate(body.split("\n"), start=1):
        if line.startswith("## "):
            close()
            heading, lines = line[3:].strip(), []
            if not heading:
                raise KbFormatError(path, f"empty '## ' heading on body line {number}")
            if any(s.heading == heading for s in sections):
                raise KbFormatError(path, f"section {heading!r} appears twice")
        elif heading is None:
            if line.strip():
                raise KbFormatError(path, f"text before the first '## ' heading on body line {number}")
        else:
            lines.append(line)
    close()
    if not sections:
        raise KbFormatError(path, "no '## ' sections")
    return tuple(sections)


def parse_search_terms(path: Path, articles: Sequence[Article]) -> dict[tuple[str, str], str]:
    """``search_terms.yaml``: slug -> section heading -> customers' words; every heading must exist."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KbFormatError(path, f"not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise KbFormatError(path, "must be a YAML mapping of article slugs to sections")
    headings = {article.slug: {s.heading for s in article.sections} for article in articles}
    terms: dict[tuple[str, str], str] = {}
    for slug, sections in raw.items():
        if slug not in headings:
            raise KbFormatError(path, f"no article with slug {slug!r}")
        if not isinstance(sections, dict):
            raise KbFormatError(path, f"{slug}: must map section headings to words")
        for heading, words in sections.items():
            if heading not in headings[slug]:
                raise KbFormatError(path, f"{slug}: no section {heading!r}")
            if not isinstance(words, str) or not words.strip():
                raise KbFormatError(path, f"{slug}: {heading!r} needs a non-empty line of words")
            terms[(slug, heading)] = words.strip()
    return terms


def parse_section_questions(folder: Path, articles: Sequence[Article]) -> list[tuple[str, tuple[str, str]]]:
    """``section_questions/<slug>.csv`` (``question,section``): customers' questions, each labelled with the
    section of that article that answers it; every file must name an article and every heading must exist.
    """
    headings = {article.slug: {s.heading for s in article.sections} for article in articles}
    labelled: list[tuple[str, tuple[str, str]]] = []
    for path in sorted(folder.glob("*.csv")):
        slug = path.stem
        if slug not in headings:
            raise KbFormatError(path, f"no article with slug {slug!r}")
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if reader.fieldnames is None or not {"question", "section"} <= set(reader.fieldnames):
                    raise KbFormatError(path, "needs the columns question, section")
                for line, row in enumerate(reader, start=2):
                    question, heading = (row["question"] or "").strip(), (row["section"] or "").strip()
                    if heading not in headings[slug]:
                        raise KbFormatError(path, f"line {line}: no section {heading!r} in {slug}")
                    if question:
                        labelled.append((question, (slug, heading)))
        except UnicodeDecodeError as exc:
            raise KbFormatError(path, f"not UTF-8: {exc}") from exc
    return labelled
