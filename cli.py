"""The command line's entry point: ``python cli.py --help``. The commands live in the ``cli/``
package beside this file (a package wins over a module of the same name, so ``import cli`` here
and in the tests imports the package)."""
import sys

import cli

if __name__ == "__main__":
    sys.exit(cli.main())
