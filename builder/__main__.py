"""`python -m builder` is the same as the `broadsheet` console script."""

import signal
import sys

from builder.cli import main

code = main()
# The command has said how it ended. Python puts the default handlers back while it shuts
# down, so a Ctrl-C or SIGTERM arriving in that last moment would report a finished build as
# killed: from here on they are ignored.
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.exit(code)
