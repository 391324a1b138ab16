"""Epochs per second of CTGAN, TVAE and CopulaGAN on Adult, watched and unwatched, and a training curve.

Usage::

    python benchmarks/neural_epochs.py speed [--epochs 3] [--rows N] [--models ctgan,tvae,copulagan]
    python benchmarks/neural_epochs.py curve --model ctgan --epochs 60 --every 5 --patience 3 \
        [--rows N] --png /work/screens/neural-monitor.png

``speed`` fits each model with the default 0.2 holdout, once without and once with an interim score every
epoch (1,000 rows), and prints epochs per second measured between the first and the last epoch's progress
event (so column-type detection and ctgan's data transformer, which run before the first epoch, are left
out); the fit's whole time is printed too. ``curve`` fits one watched model and draws its loss and interim
scores, with the epoch where it stopped, into a PNG. Both print JSON lines.
"""

from __future__ import annotations

import argparse
import json
import time


def _timed_fit(df, model, epochs, seed, **watch):
    import synthnb

    stamps = []

    def progress(event):
        if event.stage == "fit" and event.done and event.total:
            stamps.append((event.done, time.perf_counter()))

    run = synthnb.fit(df, model=model, epochs=epochs, seed=seed, progress=progress, **watch)
    (first, t_first), (last, t_last) = stamps[0], stamps[-1]
    per_second = (last - first) / (t_last - t_first) if last > first else float("nan")
    return run, per_second


def speed(args) -> None:
    import torch

    from synthnb.datasets import load_adult

    df = load_adult()
    if args.rows:
        df = df.head(args.rows)
    for model in args.models.split(","):
        for watched in (False, True):
            watch = {"monitor_every": 1, "monitor_rows": 1000} if watched else {}
            run, per_second = _timed_fit(df, model, args.epochs, args.seed, **watch)
            print(
                json.dumps(
                    {
                        "model": model,
                        "watched": watched,
                        "rows": len(df),
                        "fitted_rows": run.n_fitted,
                        "epochs": args.epochs,
                        "epochs_per_second": round(per_second, 4),
                        "seconds_per_epoch": round(1 / per_second, 2),
                        "fit_seconds": round(run.timings["fit"], 2),
                        "check_seconds": None if run.monitor is None else run.monitor.check_seconds,
                        "device": "cpu",
                        "torch_threads": 1,  # synthnb pins torch to one thread while fitting (same bytes)
                        "cpu_count": torch.get_num_threads(),
                        "sha256": run.synthetic_sha256[:16],
                    }
                ),
                flush=True,
            )


def curve(args) -> None:
    from synthnb.datasets import load_adult

    df = load_adult()
    if args.rows:
        df = df.head(args.rows)
    run, per_second = _timed_fit(
        df,
        args.model,
        args.epochs,
        args.seed,
        monitor_every=args.every,
        monitor_rows=args.monitor_rows,
        patience=args.patience,
    )
    mon = run.monitor
    print(
        json.dumps(
            {
                "model": args.model,
                "rows": len(df),
                "fitted_rows": run.n_fitted,
                "monitor": mon.to_dict(),
                "epochs_per_second": round(per_second, 4),
                "fit_seconds": round(run.timings["fit"], 2),
                "sha256": run.synthetic_sha256,
            }
        ),
        flush=True,
    )
    if args.png:
        draw(run, args.png, title=f"{args.model} on Adult ({run.n_fitted:,} fitted rows), seed {args.seed}")


def draw(run, path: str, title: str) -> None:
    """The loss per epoch and the interim scores, with the stop epoch marked, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    loss = run.loss.copy()
    loss["Epoch"] = loss["Epoch"].astype(int) + 1
    per_epoch = loss.drop(columns=[c for c in ("Batch",) if c in loss.columns]).groupby("Epoch").mean()
    mon = run.monitor
    fig, (ax_loss, ax_fid) = plt.subplots(2, 1, figsize=(8, 6), sharex=True, height_ratios=(3, 2))
    for col in per_epoch.columns:
        ax_loss.plot(per_epoch.index, per_epoch[col].astype(float), label=col.replace("Distriminator", "Discriminator"))
    ax_loss.set_ylabel("loss")
    ax_loss.legend(loc="upper right")
    epochs, scores = zip(*mon.checks, strict=True)
    ax_fid.plot(epochs, scores, "o-", color="tab:green", label="interim column shapes")
    best_epoch, best_score = mon.best
    ax_fid.plot([best_epoch], [best_score], "*", color="tab:orange", markersize=14, label=f"best (epoch {best_epoch})")
    ax_fid.set_ylabel(f"fidelity ({mon.options.rows:,} rows)")
    ax_fid.set_xlabel("epoch")
    for ax in (ax_loss, ax_fid):
        if mon.stopped_epoch is not None:
            ax.axvline(mon.stopped_epoch, color="tab:red", linestyle="--")
        ax.set_xlim(0, mon.epochs + 1)
    stop = (
        f"stopped after epoch {mon.stopped_epoch} of {mon.epochs} (patience {mon.options.patience})"
        if mon.stopped_epoch is not None
        else f"ran all {mon.epochs} epochs"
    )
    ax_fid.legend(loc="lower right")
    fig.suptitle(f"{title}\ninterim score every {mon.options.every} epochs; {stop}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_speed = sub.add_parser("speed")
    p_speed.add_argument("--models", default="ctgan,tvae,copulagan")
    p_speed.add_argument("--epochs", type=int, default=3)
    p_speed.add_argument("--rows", type=int, default=None, help="first N rows of Adult (default: all)")
    p_speed.add_argument("--seed", type=int, default=0)
    p_curve = sub.add_parser("curve")
    p_curve.add_argument("--model", default="ctgan")
    p_curve.add_argument("--epochs", type=int, default=60)
    p_curve.add_argument("--every", type=int, default=5)
    p_curve.add_argument("--patience", type=int, default=3)
    p_curve.add_argument("--monitor-rows", type=int, default=1000)
    p_curve.add_argument("--rows", type=int, default=None, help="first N rows of Adult (default: all)")
    p_curve.add_argument("--seed", type=int, default=0)
    p_curve.add_argument("--png", default=None)
    args = parser.parse_args()
    {"speed": speed, "curve": curve}[args.command](args)


if __name__ == "__main__":
    main()
