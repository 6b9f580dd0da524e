"""alpaca-abm: coopetition among UK alpaca-breeding micro-firms, an agent-based model on Mesa 3."""

from importlib.metadata import PackageNotFoundError, version

from .model import AlpacaModel
from .params import PARAMETERS, AlpacaScenario
from .runner import RunResult, run
from .scenarios import load_scenario

try:
    __version__ = version("alpaca-abm")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

__all__ = [
    "PARAMETERS",
    "AlpacaModel",
    "AlpacaScenario",
    "RunResult",
    "__version__",
    "load_scenario",
    "run",
]
