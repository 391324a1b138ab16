"""Helpers of the evaluation tests (a uniquely named module: several test folders have a conftest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def sdmetrics_metadata(frame) -> dict:
    """Single-table metadata written out by hand (independent of synthnb's detection)."""
    cols = {}
    for c in frame.columns:
        cols[c] = {"sdtype": "numerical" if pd.api.types.is_numeric_dtype(frame[c]) else "categorical"}
    return {"columns": cols}


def reference_models(real_train, synthetic, test, target, seed):
    """The utility models re-built with scikit-learn's own encoder, independently of synthnb."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.preprocessing import OrdinalEncoder

    features = [c for c in real_train.columns if c != target]
    cats = [c for c in features if not pd.api.types.is_numeric_dtype(real_train[c])]
    frames = [synthetic, real_train, test]
    enc = OrdinalEncoder(encoded_missing_value=np.nan, handle_unknown="error")
    enc.fit(pd.concat([f[cats] for f in frames], ignore_index=True).astype(object))
    mats = []
    for f in frames:
        x = f[features].copy()
        x[cats] = enc.transform(f[cats].astype(object))
        mats.append(x.to_numpy(dtype=float))
    mask = np.array([c in cats for c in features])
    preds, probas = {}, {}
    for which, x, f in (("synthetic", mats[0], synthetic), ("real", mats[1], real_train)):
        model = HistGradientBoostingClassifier(categorical_features=mask, random_state=seed)
        model.fit(x, f[target].astype(str).to_numpy())
        preds[which] = model.predict(mats[2])
        probas[which] = model.predict_proba(mats[2])[:, list(model.classes_).index(">50K")]
    return preds, probas
