"""Server-rendered pages (Jinja2, own small CSS and JS, no build step)."""
