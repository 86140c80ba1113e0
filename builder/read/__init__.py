"""content/ → [Entry]: find the files, read their front matter, render their Markdown."""
