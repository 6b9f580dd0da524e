"""`python experiments/propositions.py [options]`: the validation, the same as
`python -m experiments.propositions`. The code is the package experiments/propositions/
(design, runs, analysis, report, cli); beside this script, `import propositions` finds the
package, not this file (Python prefers a package to a module of the same name).
"""

import sys

from propositions.cli import main

if __name__ == "__main__":
    sys.exit(main())
