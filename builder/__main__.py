"""`python -m builder` is the same as the `broadsheet` console script."""

import sys

from builder.cli import main

sys.exit(main())
