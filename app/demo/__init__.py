"""Demo mode's sign-in: pick a seeded customer or staff member on the pages (404 outside demo mode)."""
