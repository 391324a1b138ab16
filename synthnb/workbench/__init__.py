"""The no-code Workbench panel: ``synthnb.Workbench(df)`` (or ``%synth workbench DF``).

Controls for model, rows, seed, epochs, sensitive columns and target; Fit, Evaluate and Export buttons
that call the same code as the ``%synth`` magics and leave the same cells in the notebook. Importing this
package loads anywidget; ``import synthnb`` does not.
"""

from __future__ import annotations

from synthnb.workbench.panel import Workbench

__all__ = ["Workbench"]
