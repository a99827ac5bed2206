"""Where settings come from: the environment, and the folder of the embedded mode."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
# Embedded-mode state (SQLite file, file broker) lives here.
VAR_DIR = Path(env.str("ESCALADE_VAR_DIR", default=str(BASE_DIR / "var")))
