"""Site + Theme → [OutputFile]: every page, feed and file of the built site."""
