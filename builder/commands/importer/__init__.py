"""`broadsheet import`: received text and saved pages → Markdown articles."""
