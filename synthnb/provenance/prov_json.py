"""W3C PROV-JSON (via the ``prov`` package): where the synthetic table came from, as a provenance graph."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from synthnb.provenance.record import library_label

__all__ = ["NAMESPACE", "prov_document"]

#: the namespace of synthnb's own PROV identifiers and attributes
NAMESPACE = ("synthnb", "urn:synthnb:")


def prov_document(rec: Mapping[str, Any], files: Mapping[str, str]):
    """The PROV document of a synthetic table and its exported files.

    Entities: the source table (fingerprint only: sha256, rows, column names — never a value),
    the plan (model, parameters, seed, holdout), the fitted model, the synthetic table and each
    exported data file (with its sha256). Activities: ``fit`` (used the source, generated the
    model) and ``sample`` (used the model, generated the table). Agent: synthnb with SDV, a
    software agent associated with both activities under the plan. The table ``wasDerivedFrom``
    the source; a table edited after generation (``rec["derived_from"]``) ``wasDerivedFrom`` the
    generated table, which the sample activity generated. An exported model file is a
    specialization of the fitted model.

    Parameters
    ----------
    rec : dict
        The provenance record.
    files : dict
        Exported data file name -> sha256.

    Returns
    -------
    prov.model.ProvDocument
        ``.serialize(format="json")`` gives PROV-JSON.
    """
    from prov.model import PROV_LABEL, PROV_LOCATION, PROV_TYPE, ProvDocument

    gen, src, out, versions = rec["generator"], rec["source"], rec["output"], rec["versions"]
    doc = ProvDocument()
    doc.add_namespace(*NAMESPACE)
    tag = out["sha256"][:16]

    source = doc.entity(
        f"synthnb:source/{src['sha256'][:16]}",
        {
            PROV_TYPE: "synthnb:RealTable",
            PROV_LABEL: f"real source table{' ' + src['name'] if src.get('name') else ''} (fingerprint only)",
            "synthnb:sha256": src["sha256"],
            "synthnb:rows": src["rows"],
            "synthnb:columns": json.dumps(src["columns"]),
        },
    )
    plan = doc.entity(
        f"synthnb:plan/{tag}",
        {
            PROV_TYPE: "prov:Plan",
            PROV_LABEL: "the fit specification",
            "synthnb:model": gen["model"],
            "synthnb:params": json.dumps(gen["params"], sort_keys=True),
            "synthnb:seed": gen["seed"],
            "synthnb:holdout": gen["holdout"],
            "synthnb:rows": gen["rows"],
            "synthnb:sensitive": json.dumps(gen["sensitive"]),
            "synthnb:target": gen["target"] or "",
        },
    )
    agent = doc.agent(
        f"synthnb:software/synthnb-{versions.get('synthnb', '?')}",
        {
            PROV_TYPE: "prov:SoftwareAgent",
            PROV_LABEL: f"synthnb {versions.get('synthnb', '?')} with {library_label(rec)}",
            "synthnb:versions": json.dumps(versions, sort_keys=True),
        },
    )
    end = datetime.fromisoformat(rec["created"])
    sample_s = float(rec["timings"].get("sample", 0.0))
    total_s = float(rec["timings"].get("total", sample_s))
    fit = doc.activity(
        f"synthnb:fit/{tag}",
        end - timedelta(seconds=total_s),
        end - timedelta(seconds=sample_s),
        {PROV_LABEL: f"fit {gen['label']}"},
    )
    sample = doc.activity(
        f"synthnb:sample/{tag}", end - timedelta(seconds=sample_s), end, {PROV_LABEL: f"sample {out['rows']} rows"}
    )
    model_file = rec.get("model_file")
    exported = f"exported as {model_file['file']}" if model_file else "not exported"
    model = doc.entity(
        f"synthnb:model/{tag}",
        {
            PROV_TYPE: "synthnb:FittedGenerator",
            PROV_LABEL: f"fitted {gen['label']} ({exported})",
        },
    )
    derived = rec.get("derived_from")
    generated = None
    if derived:
        # the table sampled from the model, which the exported table was edited from
        generated = doc.entity(
            f"synthnb:table/{derived['sha256'][:16]}",
            {
                PROV_TYPE: "synthnb:SyntheticTable",
                PROV_LABEL: f"{rec['name']} as generated (SYNTHETIC), before editing",
                "synthnb:synthetic": True,
                "synthnb:rows": derived["rows"],
                "synthnb:csvSha256": derived["sha256"],
            },
        )
    table = doc.entity(
        f"synthnb:table/{tag}",
        {
            PROV_TYPE: "synthnb:SyntheticTable",
            PROV_LABEL: f"{rec['name']} (SYNTHETIC)",
            "synthnb:synthetic": True,
            "synthnb:rows": out["rows"],
            "synthnb:syntheticRows": out["synthetic_rows"],
            "synthnb:realRows": out["real_rows"],
            "synthnb:csvSha256": out["sha256"],
        },
    )
    for activity in (fit, sample):
        doc.wasAssociatedWith(activity, agent, plan)
    doc.used(fit, source)
    doc.wasGeneratedBy(model, fit)
    doc.used(sample, model)
    if generated is None:
        doc.wasGeneratedBy(table, sample)
        doc.wasDerivedFrom(table, source)
    else:
        doc.wasGeneratedBy(generated, sample)
        doc.wasDerivedFrom(generated, source)
        doc.wasDerivedFrom(table, generated, other_attributes={PROV_LABEL: "edited after generation"})
    if model_file:
        doc.specializationOf(
            doc.entity(
                f"synthnb:file/{model_file['file']}",
                {
                    PROV_LOCATION: model_file["file"],
                    "synthnb:sha256": model_file["sha256"],
                },
            ),
            model,
        )
    for fname, digest in files.items():
        entity = doc.entity(
            f"synthnb:file/{fname}",
            {
                PROV_LOCATION: fname,
                "synthnb:sha256": digest,
                "synthnb:synthetic": True,
            },
        )
        doc.specializationOf(entity, table)
    return doc
