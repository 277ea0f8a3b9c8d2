import sys

from servicefit.cli import main

sys.exit(main())
