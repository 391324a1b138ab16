"""The only module that imports SDV: SDV 2.0's shapes (dict of tables, ``Metadata``) stay here.

Everything else in synthnb hands this module a plain DataFrame and a :class:`FitSpec` and gets a
plain DataFrame back.
"""

from __future__ import annotations

import contextlib
import logging
import time
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from synthnb._rng import seeded
from synthnb.errors import SynthnbError
from synthnb.progress import ProgressCallback, emit

if TYPE_CHECKING:
    from synthnb.spec import FitSpec

__all__ = ["Fitted", "fit_and_sample", "library_versions", "load_synthesizer", "table_metadata"]

_TABLE = "table"
_QUIET_LOGGERS = ("sdv", "rdt", "copulas", "ctgan", "SingleTableSynthesizer", "Metadata")


@dataclass
class Fitted:
    synthetic: Any
    synthesizer: Any
    loss: Any
    timings: dict[str, float]
    notes: tuple[str, ...]
    monitor: Any = None  # a TrainingMonitor when the fit was watched (see synthnb.generators.monitor)


def _synthesizer_class(model: str):
    from sdv import single_table

    return {
        "gaussian_copula": single_table.GaussianCopulaSynthesizer,
        "ctgan": single_table.CTGANSynthesizer,
        "tvae": single_table.TVAESynthesizer,
        "copulagan": single_table.CopulaGANSynthesizer,
    }[model]


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose code decides the synthetic bytes."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for dist in ("synthnb", "sdv", "rdt", "copulas", "ctgan", "sdmetrics", "pandas", "numpy", "torch", "faker"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            continue
    return out


def table_metadata(source) -> dict[str, Any]:
    """SDV's single-table metadata dict (``{"columns": {name: {"sdtype": ...}, ...}}``) for evaluating *source*.

    A Run (anything with a fitted ``synthesizer``) gives the metadata its generator learned with, so that
    scores equal ``sdv.evaluation.evaluate_quality(real, synthetic, synthesizer.get_metadata())``; a DataFrame
    gives SDV's own detection, with the same options :func:`fit_and_sample` detects with.
    """
    import pandas as pd

    codec = None
    if not isinstance(source, pd.DataFrame):
        synthesizer = getattr(source, "synthesizer", None)
        codec = getattr(synthesizer, "_synthnb_codec", None)
        if synthesizer is not None and hasattr(synthesizer, "get_metadata"):
            tables = synthesizer.get_metadata().to_dict()["tables"]
            return _with_date_formats(tables.get(_TABLE) or next(iter(tables.values())), codec)
        source = source.train  # a Run without its synthesizer: detect on the rows the generator saw
    from synthnb.generators.codec import model_codec

    # SDV detects on the columns as a generator is handed them (pyarrow columns as NumPy ones, dates as dates)
    handed = model_codec(source)
    with _quiet([]):
        from sdv.metadata import Metadata

        metadata = Metadata.detect_from_dataframes({_TABLE: handed.encode(source)}, infer_keys=None)
    return _with_date_formats(metadata.to_dict()["tables"][_TABLE], handed if codec is None else codec)


def _with_date_formats(table: dict, codec) -> dict:
    """*table*'s metadata with each column of dates written as text typed datetime, with the format it was read
    with (SDV's convention), as the generator learned it."""
    formats = {} if codec is None else codec.date_formats()
    if not formats:
        return table
    columns = dict(table.get("columns", {}))
    for col, fmt in formats.items():
        if col in columns:
            columns[col] = {"sdtype": "datetime", "datetime_format": fmt}
    return {**table, "columns": columns}


def fit_and_sample(train, spec: FitSpec, n_rows: int, progress: ProgressCallback | None = None) -> Fitted:
    """Fit the spec's SDV synthesizer on *train* (already a private copy) and sample *n_rows*.

    The columns go through :mod:`synthnb.generators.codec` first (SDV sees dates written as text as datetimes,
    pyarrow columns as their NumPy counterparts, ...) and the sample comes back in *train*'s form; the codec is
    kept on the synthesizer (``_synthnb_codec``) for :func:`sample_group` and :func:`table_metadata`.
    """
    from synthnb.generators.codec import model_codec

    codec = model_codec(train)
    train = codec.encode(train)
    timings: dict[str, float] = {}
    caught: list[warnings.WarningMessage] = []
    t0 = time.perf_counter()
    emit(progress, "prepare", 0, 1, "loading SDV")
    with _quiet(caught):
        cls = _synthesizer_class(spec.model)
        from sdv.metadata import Metadata

        emit(progress, "prepare", 0, 1, "detecting column types")
        metadata = Metadata.detect_from_dataframes({_TABLE: train}, infer_keys=None)
        _learn_every_column(metadata, train)
        params = _sdv_params(spec, cls)
        synthesizer = cls(metadata, **params)
        synthesizer._synthnb_codec = codec
    timings["prepare"] = time.perf_counter() - t0
    emit(progress, "prepare", 1, 1, "ready")

    epochs = getattr(synthesizer, "epochs", None) if spec.model != "gaussian_copula" else None
    watch = _Watch(synthesizer, train, spec, epochs) if epochs is not None and spec.monitor is not None else None
    t1 = time.perf_counter()
    emit(progress, "fit", 0, epochs, "fitting")
    with _quiet(caught), seeded(spec.seed), _epoch_listener(synthesizer, epochs, progress, watch):
        try:
            synthesizer.fit({_TABLE: train})
        except SynthnbError:
            raise
        except (ValueError, TypeError) as exc:
            raise SynthnbError(f"SDV could not fit {spec.model} on this table: {exc}") from exc
    monitor = None if watch is None else watch.result()
    timings["fit"] = time.perf_counter() - t1
    if epochs is None:  # neural fits already reported their last epoch, with its loss
        emit(progress, "fit", 1, 1, "fitted")

    t2 = time.perf_counter()
    emit(progress, "sample", 0, n_rows, "sampling")
    with _quiet(caught), seeded(spec.seed):
        # SDV reseeds its model with a fixed constant before the first sample unless told otherwise;
        # tie sampling to the run's seed so two seeds give two different tables.
        # A table whose every column SDV anonymises (PII) has no model to seed.
        if synthesizer._model is not None:
            synthesizer._set_random_state(spec.seed)
        synthetic = synthesizer.sample(n_rows)[_TABLE]
    timings["sample"] = time.perf_counter() - t2
    emit(progress, "sample", n_rows, n_rows, "sampled")

    loss = None
    if spec.model != "gaussian_copula":
        with contextlib.suppress(Exception):
            loss = synthesizer.get_loss_values()
    synthetic = codec.decode(synthetic.reset_index(drop=True), spec.seed)
    notes = tuple(dict.fromkeys(str(w.message).strip() for w in caught))
    return Fitted(synthetic, synthesizer, loss, timings, notes, monitor)


def _learn_every_column(metadata, train) -> None:
    """Every column that reaches the generator is data to learn, never something SDV replaces by itself.

    synthnb takes direct identifiers out before any generator sees the table (:mod:`synthnb.identifiers`), so
    what is left is data: quasi-identifiers such as a city or a postcode, and columns the user kept with
    ``keep=``. SDV would type some of them as PII or ids by their names and generate its own fakes (a city
    column came back as made-up towns); here they are modelled from their values instead.
    """
    learned = {"categorical", "numerical", "datetime", "boolean", "ordinal"}
    columns = metadata.to_dict()["tables"][_TABLE]["columns"]
    for col in train.columns:
        if columns.get(col, {}).get("sdtype") in learned:
            continue
        kind = train[col].dtype.kind
        sdtype = "numerical" if kind in "iuf" else "boolean" if kind == "b" else "categorical"
        metadata.update_column(column_name=col, table_name=_TABLE, sdtype=sdtype)


def _sdv_params(spec: FitSpec, cls) -> dict[str, Any]:
    import inspect

    accepted = [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "metadata")]
    unknown = sorted(set(spec.params) - set(accepted))
    if unknown:
        raise SynthnbError(f"{spec.model} does not take the parameter(s) {unknown}; it takes: {', '.join(accepted)}.")
    params = dict(spec.params)
    if "verbose" in accepted:
        params.setdefault("verbose", False)
    if "enable_gpu" in accepted:
        # Same seed -> same bytes holds per device; stay on the CPU unless the user asks for the GPU.
        params.setdefault("enable_gpu", False)
    return params


@contextlib.contextmanager
def _quiet(caught: list):
    """Keep SDV's warnings and log lines out of the notebook; they are kept as the run's notes."""
    levels = {}
    for name in _QUIET_LOGGERS:
        lg = logging.getLogger(name)
        levels[name] = lg.level
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            try:
                yield
            finally:
                caught.extend(w for w in seen if not issubclass(w.category, DeprecationWarning))
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@contextlib.contextmanager
def _no_sdv_bars():
    """SDV's sampler draws its own ``tqdm`` bars ("Sampling conditions: 100%|██████████|") on stderr, which a
    notebook shows under the cell; SDV has no switch for them, so its module sees a ``tqdm`` that is disabled."""
    import functools
    import types

    import sdv.single_table.base as base
    import tqdm

    saved = base.tqdm
    base.tqdm = types.SimpleNamespace(tqdm=functools.partial(tqdm.tqdm, disable=True))
    try:
        yield
    finally:
        base.tqdm = saved


class _EpochIterator:
    """Stands in for the ``tqdm`` that ctgan wraps its epoch loop in: reports, watches and may stop it.

    After each finished epoch it reports the epoch's loss and, every ``watch.every`` epochs, takes the
    interim score; when the watch says stop, the iteration ends there, so ctgan's ``for`` loop ends and the
    remaining epochs are never trained.
    """

    def __init__(self, iterable, synthesizer, progress, watch, **_ignored):
        self._iterable = iterable
        self._synthesizer = synthesizer
        self._progress = progress
        self._watch = watch
        self._total = len(iterable) if hasattr(iterable, "__len__") else None

    def __iter__(self):
        if self._watch is not None:
            self._watch.started = True
        for done, item in enumerate(self._iterable):
            if done and self._after_epoch(done):
                return  # early stop: ctgan's loop ends after `done` epochs
            yield item
        self._after_epoch(self._total or 0)

    def _after_epoch(self, done: int) -> bool:
        """Report epoch *done*, score it when due; True when training should stop here."""
        metrics = self._losses()
        stop = False
        if self._watch is not None:
            self._watch.epochs_run = done
            score = self._watch.check(done)
            if score is not None:
                metrics["fidelity"] = score
                stop = self._watch.should_stop() and done < (self._total or 0)
        emit(self._progress, "fit", done, self._total, _STOPPED if stop else "epoch", **metrics)
        return stop

    def _losses(self) -> dict[str, float]:
        metrics = {}
        model = getattr(self._synthesizer, "_model", None)
        losses = getattr(model, "loss_values", None)
        if losses is not None and len(losses):
            last = losses[losses["Epoch"] == losses["Epoch"].max()]
            for col in losses.columns:
                if col in ("Epoch", "Batch"):
                    continue
                key = col.lower().replace("distriminator", "discriminator").replace(" ", "_")
                metrics[key] = float(last[col].astype(float).mean())
        return metrics

    def set_description(self, *args, **kwargs):
        pass

    def set_postfix(self, *args, **kwargs):
        pass

    def update(self, *args, **kwargs):
        pass

    def close(self):
        pass


#: the message of the fit event at which training stopped early (the progress view ends the fit stage on it)
_STOPPED = "stopped early"


class _Watch:
    """The interim score of a training synthesizer, and the early-stopping decision on the scores so far."""

    def __init__(self, synthesizer, train, spec: FitSpec, epochs: int):
        self.synthesizer = synthesizer
        self.train = train
        self.seed = spec.seed
        self.options = spec.monitor
        self.epochs = epochs
        self.epochs_run = 0
        self.started = False
        self.checks: list[tuple[int, float]] = []
        self.seconds = 0.0

    def check(self, epoch: int) -> float | None:
        """The interim score after *epoch*, when one is due, else None."""
        if epoch % self.options.every:
            return None
        t0 = time.perf_counter()
        rows = interim_sample(self.synthesizer, self.options.rows, self.seed)
        from synthnb.generators.monitor import column_shapes_score

        columns = self.synthesizer.get_metadata().to_dict()["tables"][_TABLE]["columns"]
        score = column_shapes_score(self.train, rows, columns)
        self.checks.append((epoch, score))
        self.seconds += time.perf_counter() - t0
        return score

    def should_stop(self) -> bool:
        from synthnb.generators.monitor import stop_epoch

        return stop_epoch(self.checks, self.options.patience) is not None

    def result(self):
        from synthnb.generators.monitor import TrainingMonitor

        if not self.started:
            import ctgan

            # synthnb's only hook into training is ctgan's tqdm-wrapped epoch loop; say so if it has gone
            raise SynthnbError(
                f"ctgan {ctgan.__version__} no longer runs its epochs through the loop synthnb watches, so the "
                "fit could not be monitored; fit without monitor_every/monitor_rows/patience, or install the "
                "ctgan version synthnb's requirements name."
            )
        stopped = self.epochs_run if self.epochs_run < self.epochs else None
        return TrainingMonitor(
            self.options, self.epochs, self.epochs_run, stopped, tuple(self.checks), round(self.seconds, 3)
        )


def interim_sample(synthesizer, rows: int, seed: int):
    """*rows* rows, in the real table's columns, from a synthesizer whose model is (still) training.

    The sample comes from a deep copy of the synthesizer, reset and seeded with *seed* the way the final
    sample is, inside :func:`synthnb._rng.forked`: nothing the training reads or the final sample starts from
    (global random states, the model's random states, batch-norm statistics, the transformers' random
    states) is touched. The copy is marked fitted only so that SDV's own ``sample`` (rounding, min/max and
    constraints included) runs on it.
    """
    import copy

    from synthnb._rng import forked

    with forked(seed):
        clone = copy.deepcopy(synthesizer)
        clone._fitted = True
        clone.reset_sampling()
        clone._set_random_state(seed)
        import torch

        with torch.no_grad():
            return clone.sample(rows)[_TABLE].reset_index(drop=True)


@contextlib.contextmanager
def _epoch_listener(synthesizer, epochs, progress, watch=None):
    """Report per-epoch loss for CTGAN/TVAE/CopulaGAN, take interim scores and stop early (*watch*).

    ctgan offers no epoch callback: its loops iterate over ``tqdm(range(epochs))`` looked up in
    the module at call time. For the length of this fit we swap that name for an iterator that
    reports the loss of each finished epoch (and can end the loop), and put tqdm back afterwards.
    ``_Watch.result`` raises if a watched fit never went through the iterator (ctgan changed its loop);
    tests/test_monitor.py checks the loop's shape too.
    """
    if (progress is None and watch is None) or epochs is None:
        yield
        return
    from ctgan.synthesizers import ctgan as ctgan_module
    from ctgan.synthesizers import tvae as tvae_module

    def factory(iterable=None, *args, **kwargs):
        return _EpochIterator(iterable, synthesizer, progress, watch)

    saved = [(m, m.tqdm) for m in (ctgan_module, tvae_module)]
    for module, _ in saved:
        module.tqdm = factory
    try:
        yield
    finally:
        for module, original in saved:
            module.tqdm = original


def load_synthesizer(data: bytes):
    """A synthesizer from the bytes its ``save`` wrote, through SDV's own loader (it checks SDV versions)."""
    import os
    import tempfile

    from sdv.utils import load_synthesizer as sdv_load

    # the caller has checked the digest of exactly these bytes; loading them from a private copy means a file
    # changed after that check is never the one unpickled
    fd, path = tempfile.mkstemp(suffix=".pkl")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return sdv_load(path)
    finally:
        os.unlink(path)


def sample_group(synthesizer, model: str, column: str, value, n_rows: int, seed: int, max_draws: int = 200):
    """*n_rows* synthetic rows with ``column == value``, drawn by the generator's own conditioning.

    CTGAN and CopulaGAN condition their generator on the category (ctgan's ``sample(n, column, value)`` on
    the transformed table, then SDV's reverse transforms); their conditioning raises the category's chance
    without forcing it, so the rows of other categories are dropped. The Gaussian copula samples from the
    copula conditioned on the value (SDV's ``sample_from_conditions``). TVAE has no conditioning: rows are
    drawn and those of the group kept. Every path stops after ``max_draws`` × *n_rows* drawn rows (at least
    100,000) and raises a SynthnbError when fewer than *n_rows* matched.
    """
    out = _sample_group(synthesizer, model, column, value, n_rows, seed, max_draws)
    codec = getattr(synthesizer, "_synthnb_codec", None)
    return out if codec is None else codec.decode(out, seed)


def _sample_group(synthesizer, model: str, column: str, value, n_rows: int, seed: int, max_draws: int):
    import pandas as pd

    limit = max(max_draws * n_rows, 100_000)
    kept, drawn = [], 0
    with _quiet([]), _no_sdv_bars(), seeded(seed):
        if synthesizer._model is not None:
            synthesizer._set_random_state(seed)
        if model == "gaussian_copula":
            from sdv.sampling import Condition

            try:
                out = synthesizer.sample_from_conditions(
                    [Condition({column: value}, num_rows=n_rows)], max_tries_per_batch=max(limit // max(n_rows, 1), 1)
                )
            except ValueError as exc:
                raise SynthnbError(
                    f"the Gaussian copula could not sample {n_rows} rows with {column} = {value!r}: {exc}"
                ) from exc
            out = out[_TABLE] if isinstance(out, dict) else out
            return out.reset_index(drop=True)
        conditioned = model in ("ctgan", "copulagan")
        batch = max(4 * n_rows, 1000)
        while sum(len(k) for k in kept) < n_rows and drawn < limit:
            if conditioned:
                raw = synthesizer._model.sample(batch, column, value)
                if model == "copulagan":
                    raw = synthesizer._gaussian_normalizer_hyper_transformer.reverse_transform(raw)
                rows = synthesizer.reverse_transform_constraints(synthesizer._data_processor.reverse_transform(raw))
            else:
                rows = synthesizer.sample(batch)[_TABLE]
            drawn += batch
            kept.append(rows[rows[column] == value])
    out = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
    if len(out) < n_rows:
        raise SynthnbError(
            f"{model} gave {len(out)} rows with {column} = {value!r} in {drawn:,} drawn rows, fewer than the "
            f"{n_rows} asked for; ask for fewer rows, or use gaussian_copula or ctgan, which condition on the group."
        )
    return out.head(n_rows).reset_index(drop=True)
