"""Screens of the UI (the browser, modals) and the plumbing they share."""
