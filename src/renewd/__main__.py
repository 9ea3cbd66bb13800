"""`python -m renewd` is the same as the `renewd` console script."""

from renewd.cli import main

raise SystemExit(main())
