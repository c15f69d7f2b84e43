"""What is known of a procedure before reading the question, as a factor on its score.

Each prior is set on principle, not fitted to the development questions, and each is mild: it
orders procedures that answer a question about as well, it does not lift one that answers worse.

- **Who files it.** A citizen's question ("tôi", no company named) is about a procedure people
  file: one that only organisations file (its subjects, Đối tượng thực hiện) is held back by
  ORGANISATION_ONLY, unless the question names an organisation (`data/organisations.txt`):
  a driving licence before a driving school's licence, a patient's card before a hospital's
  contract.
- **How often it is filed.** The procedures with the most case files come first among equals:
  up to FILED more for the most filed one, on a log scale (a procedure filed ten times as often
  is not ten times as likely the answer).
"""

from __future__ import annotations

import numpy as np

ORGANISATION_ONLY = 0.95
FILED = 0.1


def weights(engine, organisation: bool) -> np.ndarray:
    """One factor per document of `engine` for a question asked (or not) for an organisation."""
    factor = np.ones(engine.n, dtype=np.float32)
    if not organisation:
        labels = engine.facet_labels["audience"]
        if "organisation" in labels:
            factor[engine.facet_arrays["audience"] == labels.index("organisation")] = ORGANISATION_ONLY
    most = float(engine.filed.max()) if engine.n else 0.0
    if most > 0:
        factor *= 1 + FILED * np.log1p(engine.filed) / np.log1p(most)
    return factor
