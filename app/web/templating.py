"""Jinja2 templates for the pages. Autoescaping is on for every template: page shells never hold data from
customers, merchants or staff anyway; the pages fetch it and insert it as text."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(
    env=jinja2.Environment(loader=jinja2.FileSystemLoader(WEB_DIR / "templates"), autoescape=True)
)
