"""``python -m benchmarks [--quick] [--only TEXT]`` — see :mod:`benchmarks.runner`."""

import sys

from benchmarks.runner import main

sys.exit(main())
