"""The Markdown datasheet (Gebru et al., "Datasheets for Datasets"), re-renderable without losing answers.

synthnb writes what it knows between ``<!-- synthnb:begin ID -->`` and ``<!-- synthnb:end ID -->``
comments. Everything outside those blocks belongs to the person: the questions only they can
answer (purpose, consent and legal basis, intended and prohibited uses, licence, contact) follow a
``<!-- synthnb:prompt ID -->`` comment and a placeholder line that they replace with their answer.
Re-rendering with ``previous=`` rewrites only synthnb's blocks and keeps every other byte.

The sections read as prose for a person; every raw figure is in the last block, "Appendix: figures",
under a plain name with its internal key in the last column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "PLACEHOLDER",
    "PROMPTS",
    "format_figure",
    "human_answers",
    "merge_datasheet",
    "plain_name",
    "render_datasheet",
    "render_record_datasheet",
    "unanswered_prompts",
]

#: the line a person replaces with their answer
PLACEHOLDER = "> ✍️ _Not answered yet — replace this line with your answer._"

#: prompt id -> (section, title, question); only a person can answer these
PROMPTS: dict[str, tuple[str, str, str]] = {
    "purpose": (
        "motivation",
        "Purpose",
        "For what purpose was this synthetic dataset created, and for whom? Was there a specific task or "
        "gap in mind? Who created it, on behalf of which organisation, and who funded it?",
    ),
    "consent": (
        "collection",
        "Consent and legal basis",
        "How was the REAL source table collected, from whom, and with what consent? What is the legal basis "
        "for processing it to make this synthetic copy (e.g. GDPR Art. 6/9, an ethics approval, a data-use "
        "agreement)? Were the people in it told, and can they object?",
    ),
    "intended_uses": (
        "uses",
        "Intended uses",
        "What tasks is this synthetic table meant for (teaching, testing pipelines, exploratory analysis, "
        "model prototyping, …)? Which conclusions should be re-checked on the real data?",
    ),
    "prohibited_uses": (
        "uses",
        "Prohibited uses",
        "What must it NOT be used for (e.g. decisions about individuals, re-identification attempts, "
        "publishing as real statistics)?",
    ),
    "licence": (
        "distribution",
        "Licence and terms",
        "Under which licence or terms is it shared (e.g. CC BY 4.0, internal only)? Do the source data's "
        "terms restrict sharing a synthetic derivative?",
    ),
    "contact": (
        "maintenance",
        "Contact and maintenance",
        "Who maintains this dataset, and how can they be contacted (name, e-mail or issue tracker)? Will it "
        "be updated or withdrawn, and how will users hear about it?",
    ),
}

_SECTIONS = (
    ("motivation", "1. Motivation"),
    ("composition", "2. Composition"),
    ("collection", "3. Collection process"),
    ("preprocessing", "4. Preprocessing, cleaning, labelling"),
    ("uses", "5. Uses"),
    ("distribution", "6. Distribution"),
    ("maintenance", "7. Maintenance"),
)

_BEGIN = "<!-- synthnb:begin {id} (written by synthnb: edits inside are replaced when re-rendered) -->"
_END = "<!-- synthnb:end {id} -->"
_BLOCK = re.compile(
    r"<!-- synthnb:begin (?P<id>[\w-]+)[^>]*-->.*?<!-- synthnb:end (?P=id) -->",
    re.S,
)
_PROMPT = re.compile(r"<!-- synthnb:prompt (?P<id>[\w-]+) -->")
_ANSWER_END = re.compile(r"^(?:#{1,6} |<!-- synthnb:)", re.M)


def render_datasheet(run, name: str, evaluation=None, previous: str | None = None) -> str:
    """The datasheet of *run*'s synthetic table, as Markdown.

    Parameters
    ----------
    run : synthnb.Run
    name : str
        The synthetic table's name.
    evaluation : optional
        A :func:`synthnb.evaluate` result. Its headline cards become the prose of "Uses" (what the
        table is fit for and not), its ``findings`` a list, and its ``scores`` the "Appendix: figures"
        table under plain names (:func:`plain_name`). Any object with ``scores`` (a dict) and
        ``findings`` also works, without the card prose. Without it the figures are marked pending
        and nothing is claimed about individuals.
    previous : str, optional
        An earlier (possibly hand-edited) datasheet: only synthnb's blocks are rewritten, every
        answer and edit outside them is kept.

    Returns
    -------
    str
    """
    from synthnb.provenance.record import provenance_record

    return render_record_datasheet(provenance_record(run, name), evaluation, previous)


def render_record_datasheet(rec: Mapping[str, Any], evaluation=None, previous: str | None = None) -> str:
    """:func:`render_datasheet` from a provenance record (used by exports of mixed tables)."""
    fresh = _render(rec, evaluation)
    return fresh if previous is None else merge_datasheet(previous, fresh)


def merge_datasheet(previous: str, fresh: str) -> str:
    """Put *fresh*'s synthnb blocks into *previous*, keeping everything else of *previous* as it is.

    Blocks of *fresh* that *previous* lacks (the person deleted them, or a newer synthnb added
    them) are appended at the end, so nothing synthnb knows is silently lost.
    """
    blocks = {m["id"]: m.group(0) for m in _BLOCK.finditer(fresh)}
    seen: set[str] = set()

    def swap(match: re.Match) -> str:
        seen.add(match["id"])
        # a function replacement, so backslashes in the new block are taken literally
        return blocks.get(match["id"], match.group(0))

    merged = _BLOCK.sub(swap, previous)
    missing = [block for bid, block in blocks.items() if bid not in seen]
    if missing:
        merged = merged.rstrip("\n") + "\n\n" + "\n\n".join(missing) + "\n"
    return merged


def unanswered_prompts(text: str) -> list[str]:
    """Ids of the person's prompts in *text* that still hold the placeholder."""
    return [pid for pid, answer in _answers(text).items() if answer is None]


def human_answers(text: str) -> dict[str, str]:
    """The person's answers in *text*, by prompt id (unanswered prompts are left out)."""
    return {pid: answer for pid, answer in _answers(text).items() if answer is not None}


def _answers(text: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for match in _PROMPT.finditer(text):
        rest = text[match.end() :]
        stop = _ANSWER_END.search(rest)
        answer = (rest[: stop.start()] if stop else rest).strip()
        out[match["id"]] = None if (not answer or PLACEHOLDER in answer) else answer
    return out


# --- rendering ---------------------------------------------------------------------------------


def _render(rec: Mapping[str, Any], evaluation) -> str:
    name = rec["name"]
    parts = [
        f"# Datasheet: `{name}` — a SYNTHETIC dataset",
        _block("summary", _summary(rec, evaluation)),
    ]
    writers = {
        "motivation": _motivation,
        "composition": _composition,
        "collection": _collection,
        "preprocessing": _preprocessing,
        "uses": _uses,
        "distribution": _distribution,
        "maintenance": _maintenance,
    }
    for sid, title in _SECTIONS:
        parts.append(f"## {title}")
        parts.append(_block(sid, writers[sid](rec, evaluation)))
        for pid, (section, ptitle, question) in PROMPTS.items():
            if section == sid:
                parts.append(
                    f"### {ptitle} — _to be answered by a person_\n\n{question}\n\n"
                    f"<!-- synthnb:prompt {pid} -->\n{PLACEHOLDER}"
                )
    # the heading sits inside the block, so a datasheet written before the appendix existed gets all of it
    parts.append(_block("appendix", _appendix(rec, evaluation)))
    return "\n\n".join(parts) + "\n"


def _block(bid: str, body: str) -> str:
    return f"{_BEGIN.format(id=bid)}\n{body.strip()}\n{_END.format(id=bid)}"


def _summary(rec, evaluation) -> str:
    gen, out = rec["generator"], rec["output"]
    if out["real_rows"]:
        return (
            f"> **This dataset is partly synthetic.** {out['synthetic_rows']:,} of its {out['rows']:,} rows were "
            f"generated by a {gen['label']} model (SDV {rec['versions'].get('sdv', '?')}); the other "
            f"{out['real_rows']:,} rows are REAL rows and must be treated like the real data. "
            + (f"They were added to rebalance the group {out['synthetic_group']}. " if "synthetic_group" in out else "")
            + "Generated rows: "
            f"{_individuals(rec, evaluation)}"
        )
    return (
        f"> **This dataset is synthetic.** Its {out['rows']:,} rows were generated by a {gen['label']} model "
        f"(SDV {rec['versions'].get('sdv', '?')}) fitted on {rec['split']['fitted_rows']:,} rows of a real table. "
        "They were produced by a model, not copied from the real table, but a model can reproduce real rows: "
        f"{_individuals(rec, evaluation)}\n\n"
        "This datasheet follows Gebru et al., *Datasheets for Datasets* (Communications of the ACM, 2021). "
        "synthnb fills in what it knows between `synthnb:begin`/`synthnb:end` comments and rewrites only those "
        "blocks when the datasheet is re-rendered (`%synth datasheet NAME`). The questions marked "
        "*to be answered by a person* are yours; your answers are kept."
    )


def _motivation(rec, evaluation) -> str:
    src = rec["source"]
    origin = f"the table `{src['name']}`" if src.get("name") else "a real table"
    return (
        f"- Made with synthnb {rec['versions'].get('synthnb', '?')} on {rec['created']} as a synthetic stand-in "
        f"for {origin} ({src['rows']:,} rows × {len(src['columns'])} columns, sha256 `{src['sha256']}`).\n"
        "- A synthetic stand-in lets people work with the structure and statistics of a sensitive table without "
        "receiving its rows. Why this one was made is for its creator to say below."
    )


def _composition(rec, evaluation) -> str:
    out, gen = rec["output"], rec["generator"]
    cols = ", ".join(f"`{c}` ({t})" for c, t in out["dtypes"].items())
    sensitive = ", ".join(f"`{c}`" for c in gen["sensitive"]) or "none declared"
    target = f"`{gen['target']}`" if gen["target"] else "none declared"
    lines = [
        f"- **Instances**: {out['rows']:,} rows, each a generated (synthetic) record; {out['synthetic_rows']:,} "
        f"synthetic and {out['real_rows']:,} real rows.",
        f"- **Columns** ({len(out['columns'])}): {cols}.",
        f"- **Sensitive columns** (as declared when fitting): {sensitive}; **target**: {target}.",
        f"- **Relation to real people**: {_individuals(rec, evaluation)}",
        *_identifier_composition(rec),
        f"- **Digest**: the canonical CSV (no index, LF line ends) has sha256 `{out['sha256']}`.",
    ]
    return "\n".join(lines)


def _collection(rec, evaluation) -> str:
    gen, src = rec["generator"], rec["source"]
    library = gen.get("library", "SDV")
    params = ", ".join(f"{k}={v!r}" for k, v in gen["params"].items()) or f"{library} defaults"
    return "\n".join(
        [
            f"- **Mechanism**: sampled from {library}'s {gen['label']} synthesizer (`{gen['model']}`; {params}), "
            f"seed {gen['seed']}, fitted on {rec['split']['fitted_rows']:,} of the {src['rows']:,} real rows.",
            *_training(gen),
            f"- **When**: {rec['created']} (UTC). **Libraries**: "
            + ", ".join(f"{k} {v}" for k, v in rec["versions"].items())
            + ".",
            "- **The real source**: synthnb kept only its fingerprint (sha256 of every value, row count, column "
            "names and types), never its values. How the real data was collected is for a person to state below.",
        ]
    )


def _training(gen) -> list[str]:
    """How a watched neural fit trained: its interim scores and where it stopped."""
    mon = gen.get("monitor")
    if not mon:
        return []
    if mon["stopped_epoch"] is not None:
        end = (
            f"training stopped early after epoch {mon['stopped_epoch']} of {mon['epochs']}, {mon['patience']} "
            "check(s) in a row without a better score"
        )
    else:
        rule = "never stop early" if mon["patience"] is None else f"stop after {mon['patience']} checks without gain"
        end = f"all {mon['epochs']} epochs ran (rule: {rule})"
    best = "" if mon["best_epoch"] is None else f"; best score {mon['best_score']:.3f} after epoch {mon['best_epoch']}"
    return [
        f"- **Training**: an interim column-shapes score of {mon['rows']:,} sampled rows against the training rows "
        f"every {mon['every']} epoch(s){best}; {end}. The model kept is the last trained one."
    ]


def _preprocessing(rec, evaluation) -> str:
    gen, split = rec["generator"], rec["split"]
    held = (
        f"{split['holdout_rows']:,} real rows ({gen['holdout']:.0%}) were held out by a seeded random split and "
        "never shown to the generator, so the evaluation can test utility and privacy on unseen rows."
        if split["holdout_rows"]
        else "No real rows were held out (holdout 0): evaluation figures compare against rows the generator saw and "
        "are optimistic."
    )
    return "\n".join(
        [
            f"- **Holdout**: {held}",
            _identifier_preprocessing(rec),
            _transformations(gen),
            "- **Raw data**: the real table is not part of this dataset and is not distributed with it.",
        ]
    )


def _transformations(gen) -> str:
    if gen.get("library") == "synthnb":
        return (
            "- **Transformations**: synthnb did not clean or relabel the data; its CART synthesizer coded categories "
            "(a missing value as its own category) and drew each column from a decision tree fitted on the columns "
            "before it: categories from a leaf's frequencies, numbers from a leaf's real values with Gaussian "
            "smoothing (frequent values such as 0 kept exact), each leaf holding at least `min_leaf` real rows."
        )
    return (
        "- **Transformations**: synthnb did not clean or relabel the data; SDV detected column types and applied "
        "its reversible transformers (its defaults for this synthesizer) before fitting."
    )


def _uses(rec, evaluation) -> str:
    lines = ["**Evaluation (fidelity, utility, privacy, fairness)**", ""]
    if evaluation is None:
        lines.append(
            f"_Figures pending_: no evaluation was given. Run `%synth report {rec['name']}` (or "
            "`synthnb.evaluate(run)`) and re-render this datasheet; until then nothing is claimed about fidelity, "
            "utility, privacy or fairness."
        )
    else:
        verdicts = _card_lines(evaluation)
        if verdicts:
            lines += [
                "synthnb scored each aspect from 0 to 1 (1 is best) and judged it good, fair or poor by the cut-offs "
                "stated in its report. What that means for using this table:",
                "",
                *verdicts,
            ]
        elif not _scores(evaluation):
            lines.append("_The evaluation reported no headline figures._")
        findings = _grouped_findings(evaluation)
        if findings:
            lines += ["", "**Findings**", "", *findings]
        if _scores(evaluation):
            lines += ["", "Every figure, under a plain name and with its key, is in *Appendix: figures* at the end."]
    lines += [
        "",
        "- **Suited to** (by construction): exploring the table's structure, testing code and pipelines, teaching. "
        "Conclusions about the real population must be checked on the real data.",
    ]
    return "\n".join(lines)


#: section -> level -> what the level means for using the table (sections not listed get the headline alone)
_USE: dict[str, dict[str, str]] = {
    "fidelity": {
        "good": "fit for exploring distributions and relationships between columns",
        "fair": "fit for exploring the table's structure and rough distributions; check the weakest columns and "
        "column pairs (findings below) on the real data before relying on them",
        "poor": "not fit for studying distributions or relationships between columns; use it to test code against "
        "the table's shape only",
    },
    "utility": {
        "good": "fit for prototyping models: one trained on it scores nearly as well on real rows as one trained on "
        "real rows",
        "fair": "fit for prototyping models, but expect them to score lower on real data; train the final model on "
        "the real data",
        "poor": "not fit for training models meant for real data; use it for pipeline tests only",
    },
    "privacy": {
        "good": "no privacy figure shows a concern; it is still derived from personal data, so share it under the "
        "terms below",
        "fair": "review the deciding figure before sharing it beyond the people allowed to see the real data",
        "poor": "do not share it beyond the people allowed to see the real data until the deciding figure is "
        "understood or fixed",
    },
    "fairness": {
        "good": "fit for looking at differences between groups; confirm any conclusion on the real data",
        "fair": "differences between groups are distorted: re-check every comparison between groups on the real "
        "data before stating it",
        "poor": "do not use it to study group differences: the gaps between groups are not kept",
    },
}


def _card_lines(evaluation) -> list[str]:
    """One sentence per headline card: its level, score, why, and what the table is (not) fit for."""
    if not hasattr(evaluation, "section_names") or not hasattr(evaluation, "computed"):
        return []  # not a synthnb Evaluation: only its scores and findings are read
    from synthnb.evaluation.render import cards

    lines = []
    for card in cards(evaluation):
        title, level = card["title"], card["level"]
        if level not in ("good", "fair", "poor"):
            lines.append(f"- **{title} could not be computed**: {card['headline']} Nothing is claimed about it.")
            continue
        decided = f", decided by {card['decided_by']}" if card.get("decided_by") else ""
        use = _USE.get(card["section"], {}).get(level)
        advice = f" **Use**: {use}." if use else ""
        lines.append(f"- **{title} is {level}** ({card['score']:.2f}{decided}): {card['headline']}{advice}")
    return lines


def _grouped_findings(evaluation) -> list[str]:
    """The findings as a list, under their section's title when the evaluation has sections."""
    findings = _findings(evaluation)
    sections = getattr(evaluation, "sections", None)
    if not isinstance(sections, Mapping):
        return [f"- {f}" for f in findings]
    rest = list(findings)
    grouped = []
    for sec in sections.values():
        own = [f for f in (str(f) for f in getattr(sec, "findings", []) or []) if f in rest]
        for f in own:
            rest.remove(f)
        if own:
            grouped.append(f"- **{getattr(sec, 'title', '')}**")
            grouped += [f"  - {f}" for f in own]
    # the general notes (rows not held out, a section that failed) come first
    return [f"- {f}" for f in rest] + grouped


def _distribution(rec, evaluation) -> str:
    name = rec["name"]
    return (
        f"- `synthnb.export` / `%synth export {name} --to DIR` writes `{name}.csv` (with a "
        f"`{name}.csv-metadata.json` sidecar marking it synthetic), `{name}.parquet` (marked synthetic in its "
        "metadata), this datasheet, `croissant.json` (Croissant 1.0 with Responsible-AI fields), `prov.json` "
        "(W3C PROV) and `manifest.json`: "
        "the sha256 of every file, signed with Ed25519.\n"
        "- `synthnb verify DIR --key FINGERPRINT` checks every byte and the signature."
    ) + _export_lines(rec)


def _export_lines(rec) -> str:
    """The export gate's result (and the reason it was overridden), an edit after generation, a model file."""
    lines = []
    for key, what in (("export_gate", "this table"), ("model_gate", "the fitted model")):
        gate = rec.get(key)
        if not gate or (key == "model_gate" and gate == rec.get("export_gate")):
            continue
        if gate["findings"]:
            found = " ".join(f["message"] for f in gate["findings"])
            lines.append(
                f"- **Exported DESPITE the export gate** ({what}): {found} **Reason given**: {gate['allow_risk']}"
            )
        else:
            lines.append(
                f"- **Export gate**: {what} passed ({gate['rows_checked']:,} synthetic rows checked for "
                "verbatim reuse of real values, exact copies of training rows and re-identification risk)."
            )
    derived = rec.get("derived_from")
    if derived:
        lines.append(
            f"- **Edited after generation**: this table (sha256 `{rec['output']['sha256']}`) is derived from the "
            f"generated table (sha256 `{derived['sha256']}`, {derived['rows']:,} rows); the export gate checked the "
            "edited table. Evaluation figures in this datasheet describe the generated table."
        )
    model = rec.get("model_file")
    if model:
        lines.append(
            f"- **Fitted model**: `{model['file']}` (sha256 `{model['sha256']}`). A fitted model can hold real "
            "values (a tree's leaves, a copula's marginal distributions): share it only with people allowed to see "
            "the real data. `synthnb.load_model(DIR)` checks its digest against the signed manifest before loading."
        )
    return "".join(f"\n{line}" for line in lines)


def _maintenance(rec, evaluation) -> str:
    src, gen = rec["source"], rec["generator"]
    derived = rec.get("derived_from")
    # reproduce re-creates what the model generated; an edited table's own digest cannot be re-created
    generated = derived["sha256"] if derived else rec["output"]["sha256"]
    return (
        f"- **Reproduce**: `synthnb.reproduce(<source table>, model={gen['model']!r}, seed={gen['seed']}, "
        f"rows={gen['rows']}, holdout={gen['holdout']}, params={gen['params']!r}, "
        f"source_sha256='{src['sha256']}', synthetic_sha256='{generated}')` (the provenance cell "
        "synthnb writes holds the full call) refits and checks the bytes; it refuses if the source table changed."
        + (" It re-creates the generated table, not the edits made after generation.\n" if derived else "\n")
        + "- **Updates**: re-fitting gives a new table with a new digest; this datasheet describes only the digest "
        "above."
    )


def _cols(roles) -> str:
    return ", ".join(f"`{r['column']}` ({r['kind'].replace('_', ' ')})" for r in roles)


def _identifier_composition(rec) -> list[str]:
    roles = rec.get("identifiers", [])
    direct = [r for r in roles if r["role"] == "direct"]
    quasi = [r for r in roles if r["role"] == "quasi"]
    replaced = [r for r in direct if r["action"] == "replace"]
    dropped = [r for r in direct if r["action"] == "drop"]
    kept = [r for r in direct if r["action"] == "keep"]
    if not direct:
        lines = [
            "- **Direct identifiers**: none detected (synthnb looked for person names, e-mail addresses, phone "
            "numbers, street addresses, record/case/account numbers, URLs, IP addresses and free text by "
            "content, before fitting)."
        ]
    else:
        parts = []
        if replaced:
            parts.append(f"{_cols(replaced)} hold FAKE values of the same kind and format, none equal to a real value")
        if dropped:
            parts.append(f"{_cols(dropped)} {'is' if len(dropped) == 1 else 'are'} not in this dataset (dropped)")
        if kept:
            parts.append(
                f"{_cols(kept)} {'was' if len(kept) == 1 else 'were'} KEPT by override (`keep=`): learned "
                "from the real values, so real identifiers may appear and these columns must be treated "
                "like the real data"
            )
        lines = [f"- **Direct identifiers** (detected by content before fitting): {'; '.join(parts)}."]
    if quasi:
        lines.append(f"- **Quasi-identifiers** (stay data; what an attacker may know about a person): {_cols(quasi)}.")
    return lines


def _identifier_preprocessing(rec) -> str:
    direct = [r for r in rec.get("identifiers", []) if r["role"] == "direct"]
    if not direct:
        return (
            "- **Identifiers**: no direct identifier was detected, so every column was given to the generator "
            "as it was."
        )

    def listed(rs) -> str:
        return "; ".join(f"`{r['column']}` ({r['reason']})" for r in rs)

    parts = []
    replaced = [r for r in direct if r["action"] == "replace"]
    dropped = [r for r in direct if r["action"] == "drop"]
    kept = [r for r in direct if r["action"] == "keep"]
    if replaced:
        parts.append(
            "Replaced by seeded fake values of the same kind and format, each checked to differ from every "
            f"real value of its column: {listed(replaced)}."
        )
    if dropped:
        parts.append(f"Dropped, because no faithful fake exists: {listed(dropped)}.")
    if kept:
        parts.append(
            f"Kept by the user's override (`keep={[r['column'] for r in kept]!r}`) and learned from the real "
            f"values: {listed(kept)}."
        )
    return (
        "- **Identifiers**: synthnb detected direct identifiers by their content and took them out of the table "
        "before the generator saw it.\n" + "\n".join(f"  - {p}" for p in parts)
    )


# --- evaluation, read defensively -------------------------------------------------------------


def _scores(evaluation) -> dict[str, Any]:
    scores = getattr(evaluation, "scores", None) if evaluation is not None else None
    return dict(scores) if isinstance(scores, Mapping) else {}


def _findings(evaluation) -> list[str]:
    findings = getattr(evaluation, "findings", None) if evaluation is not None else None
    if isinstance(findings, str):
        return [findings]
    try:
        return [str(f) for f in findings or []]
    except TypeError:
        return []


def _exact_matches(rec, evaluation) -> tuple[int, float] | None:
    """(count, share) of generated rows identical to a training row, if the evaluation reports it."""
    rows = rec["output"]["rows"]
    for key, value in _scores(evaluation).items():
        k = key.lower()
        if "exact" not in k or not ("match" in k or "cop" in k):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        is_share = any(w in k for w in ("rate", "share", "frac", "ratio", "pct", "percent"))
        if "pct" in k or "percent" in k:
            value = value / 100
        count = round(value * rows) if is_share else int(value)
        return count, (count / rows if rows else 0.0)
    return None


def _individuals(rec, evaluation) -> str:
    if evaluation is None:
        return (
            "privacy figures are pending (no evaluation yet), so nothing is claimed about whether generated rows "
            "reproduce real individuals."
        )
    found = _exact_matches(rec, evaluation)
    if found is None:
        return "the evaluation did not report exact matches with real rows, so nothing is claimed about individuals."
    count, share = found
    if count == 0:
        return (
            f"0 of the {rec['output']['rows']:,} generated rows exactly match a real row the generator was trained "
            "on. Near-copies and "
            "attribute inference are still possible; see the privacy figures below."
        )
    return (
        f"{count:,} of the {rec['output']['rows']:,} generated rows ({share:.1%}) exactly match a real row the "
        "generator was trained on; "
        "such rows may describe a real person and should be treated like the real data."
    )


# --- the appendix: every figure under a plain name ----------------------------------------------


def _appendix(rec, evaluation) -> str:
    lines = ["## Appendix: figures", ""]
    scores = _scores(evaluation)
    if evaluation is None:
        lines.append("_Figures pending_: no evaluation was given, so there are no figures yet.")
    elif not scores:
        lines.append("_The evaluation reported no figures._")
    else:
        lines += [
            "Every figure of the evaluation. Shares, rates, risks and success rates are percentages; the other "
            "figures are shown to 3 significant digits (scores run from 0 to 1, 1 best). The last column is the "
            "figure's key in `synthnb.evaluate(run).scores`, for scripts.",
            "",
            "| figure | value | key |",
            "|---|---|---|",
        ]
        lines += [f"| {_md_cell(plain_name(k))} | {format_figure(k, v)} | `{k}` |" for k, v in scores.items()]
    return "\n".join(lines)


#: a score key's first word -> the section it belongs to
_SECTION_WORDS = {
    "fidelity": "Fidelity",
    "diagnostic": "Diagnostic",
    "utility": "Utility",
    "privacy": "Privacy",
    "fairness": "Fairness",
    "groups": "By group",
}

#: runs of a key's words -> their plain reading; the longest run wins, unknown words are kept as words
_PHRASES: dict[tuple[str, ...], str] = {
    ("quality", "score"): "quality score (column shapes and pair trends together)",
    ("column", "shapes"): "column shapes (how well each column's distribution matches)",
    ("column", "pair", "trends"): "column pair trends (how well each pair's correlation matches)",
    ("data", "validity"): "data validity",
    ("data", "structure"): "data structure",
    ("roc", "auc", "ratio"): "ROC AUC of the synthetic-trained model ÷ that of the real-trained one",
    ("roc", "auc"): "ROC AUC",
    ("accuracy",): "accuracy",
    ("f1",): "F1 for the positive class",
    ("selection", "rate"): "share of people predicted positive",
    ("synthetic", "trained"): "(model trained on synthetic rows, tested on real rows)",
    ("real", "trained"): "(model trained on real rows, tested on real rows)",
    ("dcr", "protection"): "DCR protection (typical distance of synthetic rows to the training rows ÷ that of "
    "held-out rows)",
    ("dcr", "median", "synthetic"): "median distance of a synthetic row to its closest training row",
    ("dcr", "median", "baseline"): "median distance of a held-out real row to its closest training row",
    ("dcr", "share", "below", "baseline", "p5"): "share of synthetic rows closer than 95 % of held-out rows to a "
    "training row",
    ("exact", "copy", "share"): "share of synthetic rows equal to a training row",
    ("holdout", "copy", "share"): "share of held-out real rows equal to a training row",
    ("verbatim", "reuse", "max", "excess"): "verbatim reuse of training values: the largest excess over held-out rows",
    ("singling", "out", "univariate", "risk"): "singling-out risk, one column at a time",
    ("singling", "out", "multivariate", "risk"): "singling-out risk, several columns together",
    ("singling", "out"): "singling-out",
    ("linkability", "risk"): "linkability risk (joining two halves of a person's columns)",
    ("ci", "high"): "(upper end of the 95 % interval)",
    ("attribute", "disclosure", "protection"): "attribute disclosure protection",
    ("attribute", "inference", "success"): "attacker's success guessing the secret column from the known ones",
    ("attribute", "marginal", "success"): "success guessing the secret column from its distribution alone",
    ("attribute", "matched", "share"): "share of real rows the attribute attack applies to",
    ("inference", "risk"): "attribute-inference risk",
    ("dp", "difference"): "largest gap in positive rate between groups (demographic-parity difference)",
    ("dp", "ratio"): "smallest ÷ largest positive rate of the groups (demographic-parity ratio)",
    ("eo", "difference"): "largest gap in error rates between groups (equalized-odds difference)",
    ("gap", "kept"): "gap kept (share of the real gap between groups the synthetic table keeps)",
    ("score",): "overall score",
    ("real",): "(real table)",
    ("synthetic",): "(synthetic table)",
}

#: words of a key that mark its value as a share, shown as a percentage
_SHARE_WORDS = frozenset({"share", "rate", "risk", "success", "excess", "pct", "percent"})


def plain_name(key: str) -> str:
    """A person's name for the score *key* (``privacy_dcr_protection`` -> ``Privacy · DCR protection (…)``).

    Built from :data:`_PHRASES` (runs of the key's words), so a new figure gets a readable name without a
    new entry: words the table does not know are kept as words, and the section comes first.
    """
    words = [w for w in key.replace(".", "_").replace("-", "_").split("_") if w]
    section = _SECTION_WORDS.get(words[0].lower()) if words else None
    if section:
        words = words[1:]
    longest = max(len(p) for p in _PHRASES)
    known: list[str] = []
    subject: list[str] = []  # unknown words before the first known phrase: a column's name, usually
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = _PHRASES.get(tuple(w.lower() for w in words[i : i + n]))
            if phrase:
                known.append(phrase)
                i += n
                break
        else:
            (known if known else subject).append(words[i])
            i += 1
    body = " · ".join(part for part in (" ".join(subject), " ".join(known)) if part) or key
    body = body.replace(" · (", " (").replace(") (", "; ")  # one parenthesis per name
    if section:
        return f"{section} · {body}"
    return body[:1].upper() + body[1:]


def format_figure(key: str, value) -> str:
    """*value* for a person: shares as percentages, other numbers to 3 significant digits, counts exact."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # a NumPy scalar
    if isinstance(value, int):
        return f"{value:,}"
    if not isinstance(value, float):
        return _md_cell(str(value))
    if value != value or value in (float("inf"), float("-inf")):
        return "not computed"
    words = set(key.lower().replace(".", "_").split("_"))
    if words & _SHARE_WORDS and -1.0 <= value <= 1.0:
        return f"{_significant(value * 100)} %"
    return _significant(value)


def _significant(x: float, digits: int = 3) -> str:
    """*x* to *digits* significant digits in plain notation (never ``3.071e-05``)."""
    import math

    if x == 0:
        return "0"
    if abs(x) >= 10 ** (digits - 1):
        return f"{round(x):,}"
    decimals = digits - 1 - math.floor(math.log10(abs(x)))
    if decimals > 10:  # smaller than anything a person would read
        return "< 0.0000000001" if x > 0 else "> -0.0000000001"
    return f"{x:.{decimals}f}"


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
