"""Broadsheet: a static-site generator for curated article digests."""

__version__ = "0.1.0"


def code_digest() -> str:
    """A digest of Broadsheet's own code and bundled theme.

    Caches and page fingerprints are keyed by it rather than by the version
    number alone, so an unreleased change (an editable install, a git
    checkout in CI) never reuses results made by other code.
    """
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        import hashlib
        from pathlib import Path

        package = Path(__file__).parent
        digest = hashlib.sha256(__version__.encode())
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(package).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
        _CODE_DIGEST = digest.hexdigest()[:16]
    return _CODE_DIGEST


_CODE_DIGEST: str | None = None
