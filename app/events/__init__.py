"""Wake-up signals for live pages: a write says which topic changed, readers re-query the database."""
