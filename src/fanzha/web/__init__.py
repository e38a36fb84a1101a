"""The web console and the public pages, served by the same app (no CDN, no SPA build)."""
