"""Values and rules every layer shares: models, diagnostics, paths, slugs, YAML, dates, pools.

Nothing here imports from any other part of Broadsheet.
"""
