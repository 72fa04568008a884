"""The web process (port 8000): upload API, widget and demo page, staff console."""
