"""``python -m skquantnn benchmark``."""

import sys

from skquantnn.cli import main

sys.exit(main())
