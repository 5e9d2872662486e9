"""``python -m cpts_training`` runs the command line."""

from cpts_training.cli import main

main()
