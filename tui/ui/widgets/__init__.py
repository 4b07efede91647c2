"""The panes the browser screen is made of."""
