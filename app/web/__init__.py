"""The three pages (customer widget on a demo bank page, staff console, auditor workspace)."""
