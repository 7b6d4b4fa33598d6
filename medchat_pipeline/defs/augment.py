"""Dagster wiring for augmentation, distillation, the training mix and clinician review.

    merged_qac ─┬─ augmented_qac + augment_rejects     (per source: paraphrase, split, perturb, synonym, synth)
                ├─ distilled_qac + distill_rejects     (per source: response, CoT, labels, several teachers)
                │     └─ preference_pairs + preference_rejects   (judge-ranked chosen/rejected)
                └─ training_mix + training_mix_rejects  (distilled:original share, augmented by config)
                      └─ review_sample                 (CSV + HTML for clinicians; verdicts read back)

The per-source assets are partitioned by source like source_qac (the sources the profile enables), so
one source's update re-runs only its slice and a backfill over sources works from the UI. Each
partition records the content hash of the merged_qac slice it read (`merged_slice`), against which
automation compares merged_qac's `source_slices`. `redistill_schedule` (weekly by default,
`distill.schedule_cron`) re-runs distillation for every source: the gateway's cache makes unchanged
questions free, so only new or changed questions and the weak areas of the latest benchmark report
cost teacher calls.
"""

from pathlib import Path

import dagster as dg
import polars as pl

from medchat_pipeline.config import PipelineConfig, load_config, project_root
from medchat_pipeline.core.augment.lexicon import load_lexicon
from medchat_pipeline.core.augment.partition import augment_partition
from medchat_pipeline.core.data import schema
from medchat_pipeline.core.data.source_version import frame_content_version
from medchat_pipeline.core.distill.partition import distill_partition, preference_pairs, read_weak_areas, weak_area_ids
from medchat_pipeline.core.distill.review import export_review, read_verdicts, rejected_ids, review_sample
from medchat_pipeline.core.distill.routing import teacher_prices
from medchat_pipeline.core.distill.training_mix import training_mix
from medchat_pipeline.core.similarity import paired_cosine
from medchat_pipeline.defs.data import MERGED, source_partitions, source_slice
from medchat_pipeline.defs.io_manager import frame_output
from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.defs.teachers import TeachersResource
from medchat_pipeline.teachers import TeacherRequest, TeacherResult, summarize

GROUP = "augment"


def _recording_pool(teachers: TeachersResource, calls: list[TeacherResult]):
    """The gateway pool's run, remembering every result for the cost/usage metadata."""
    pool = teachers.pool()

    def run(requests: list[TeacherRequest]) -> list[TeacherResult]:
        results = pool.run(requests, progress=True)
        calls.extend(results)
        return results

    return run


def _counts(kept: pl.DataFrame, rejects: pl.DataFrame, stats: dict, calls: list[TeacherResult]) -> dict:
    return {
        "produced": kept.height + rejects.height,
        "kept": kept.height,
        "rejected": rejects.height,
        "reasons": schema.reason_counts(rejects),
        "stats": stats,
        "teacher_calls": summarize(calls) if calls else {"requests": 0},
    }


def _outs(kept: str, kept_text: str, rejects: str, rejects_text: str) -> dict[str, dg.AssetOut]:
    return {
        kept: dg.AssetOut(group_name=GROUP, kinds={"polars", "parquet"}, description=kept_text),
        rejects: dg.AssetOut(group_name=GROUP, kinds={"polars", "parquet"}, description=rejects_text),
    }


def weak_areas_path(cfg: PipelineConfig) -> Path:
    configured = cfg.distill.weak_areas_path
    if configured is None:
        return cfg.storage_path("reports", "weak_areas.csv")
    path = Path(configured)
    return path if path.is_absolute() else project_root() / path


def verdicts_path(cfg: PipelineConfig) -> Path:
    configured = cfg.review.verdicts_path
    if configured is None:
        return cfg.storage_path("review", "verdicts.csv")
    path = Path(configured)
    return path if path.is_absolute() else project_root() / path


def per_source_assets(partitions: dg.StaticPartitionsDefinition) -> list[dg.AssetsDefinition]:
    """augment and distill, partitioned like source_qac."""

    @dg.multi_asset(
        name="augment",
        outs=_outs(
            "augmented_qac",
            "Question variants of one source's train/val rows, one row per variant with parent_id and augmentation: "
            "teacher paraphrases, split multi-part questions, perturbed non-clinical context, safe synonym swaps, and "
            "synthetic Q&A for under-represented topics; every variant passed the drift gate (core.augment).",
            "augment_rejects",
            "Variants the drift gate or the parsers refused, and failed teacher calls, each with its reason.",
        ),
        ins={"merged_qac": dg.AssetIn(MERGED)},
        partitions_def=partitions,
        pool="teacher_api",
    )
    def augment(context: dg.AssetExecutionContext, merged_qac: pl.DataFrame, medchat: MedchatConfig, teachers: TeachersResource):
        cfg, source, calls = medchat.cfg, context.partition_key, []
        rows = source_slice(merged_qac, source)
        result = augment_partition(
            rows, source, _recording_pool(teachers, calls), paired_cosine,
            load_lexicon(project_root() / cfg.augment.synonyms_path), cfg.augment, cfg.distill.quality, cfg.seed,
            all_rows=merged_qac,
        )  # fmt: skip
        read = {"merged_slice": frame_content_version(rows)}  # on both outputs: automation compares each
        metadata = {**_counts(result.kept, result.rejects, result.stats, calls), **read}
        yield frame_output(result.kept, output_name="augmented_qac", metadata=metadata)
        yield frame_output(result.rejects, output_name="augment_rejects", metadata={"rows": result.rejects.height, **read})

    @dg.multi_asset(
        name="distill",
        outs=_outs(
            "distilled_qac",
            "Teacher answers for one source's train/val questions: response distillation, chain-of-thought "
            "(rationale + answer), labels for unlabeled questions; each row records its teacher, MCQ and yes/no "
            "outputs are kept only when they match the gold key, with teacher agreement (core.distill.partition).",
            "distill_rejects",
            "Teacher outputs refused by the quality filters (hedging, fabricated citations, refusals, length, "
            "language, wrong gold answer) or failed calls, each with its reason.",
        ),
        ins={"merged_qac": dg.AssetIn(MERGED)},
        partitions_def=partitions,
        pool="teacher_api",
    )
    def distill(context: dg.AssetExecutionContext, merged_qac: pl.DataFrame, medchat: MedchatConfig, teachers: TeachersResource):
        cfg, source, calls = medchat.cfg, context.partition_key, []
        rows = source_slice(merged_qac, source)
        weak = read_weak_areas(weak_areas_path(cfg))
        routed = cfg.distill.routing.enabled  # simple questions to the cheaper teacher, by the serving Router
        # imported here, not with the code location: the router's triage compiles the pattern layer (about 1.2 s of
        # CPU), which every process that loads the definitions would pay (run workers, code servers, the daemon)
        from medchat_pipeline.serving.routing import Router

        result = distill_partition(rows, source, _recording_pool(teachers, calls), cfg.distill, weak_area_ids(rows, weak),
                                   router=Router(cfg.serving.router) if routed else None,
                                   prices=teacher_prices(cfg) if routed else None)
        read = {"merged_slice": frame_content_version(rows)}  # on both outputs: automation compares each
        metadata = {**_counts(result.kept, result.rejects, result.stats, calls), **read}
        metadata["weak_areas_file"] = str(weak_areas_path(cfg))
        yield frame_output(result.kept, output_name="distilled_qac", metadata=metadata)
        yield frame_output(result.rejects, output_name="distill_rejects", metadata={"rows": result.rejects.height, **read})

    return [augment, distill]


@dg.multi_asset(
    outs=_outs(
        "preference_pairs",
        "Chosen/rejected answer pairs for DPO-style training: a judge teacher ranks each question's distilled "
        "answers; best vs worst (optional for training).",
        "preference_rejects",
        "Questions whose judge call failed or whose ranking could not be read.",
    ),
    ins={"distilled_qac": dg.AssetIn("distilled_qac")},
    pool="teacher_api",
)
def preferences(distilled_qac: pl.DataFrame, medchat: MedchatConfig, teachers: TeachersResource):
    calls: list[TeacherResult] = []
    result = preference_pairs(distilled_qac, _recording_pool(teachers, calls), medchat.cfg.distill)
    yield frame_output(result.kept, output_name="preference_pairs", metadata=_counts(result.kept, result.rejects, result.stats, calls))
    yield frame_output(result.rejects, output_name="preference_rejects", metadata={"rows": result.rejects.height})


@dg.multi_asset(
    outs=_outs(
        "training_mix",
        "What training reads: train/val rows (never the test split) with origin ∈ {original, augmented, "
        "distilled, synthetic}; distilled:original at mix.distilled_share per split, augmented/synthetic by "
        "config, reviewer-rejected rows removed (core.distill.training_mix).",
        "training_mix_rejects",
        "Rows kept out of the mix: reviewer-rejected or derived from the held-out test split.",
    ),
    ins={
        "merged_qac": dg.AssetIn(MERGED),
        "distilled_qac": dg.AssetIn("distilled_qac"),
        "augmented_qac": dg.AssetIn("augmented_qac"),
    },
)
def mix(merged_qac: pl.DataFrame, distilled_qac: pl.DataFrame, augmented_qac: pl.DataFrame, medchat: MedchatConfig):
    cfg = medchat.cfg
    vetoed = rejected_ids(read_verdicts(verdicts_path(cfg)))
    result = training_mix(merged_qac, distilled_qac, augmented_qac, cfg.mix, cfg.seed, vetoed)
    metadata = {
        **result.stats,
        "rows": result.frame.height,
        "rejected": result.rejects.height,
        "reasons": schema.reason_counts(result.rejects),
        "verdicts_file": str(verdicts_path(cfg)),
    }
    yield frame_output(result.frame, output_name="training_mix", metadata=metadata)
    yield frame_output(result.rejects, output_name="training_mix_rejects", metadata={"rows": result.rejects.height})


@dg.asset_check(
    asset="training_mix",
    name="no_test_split_rows",
    blocking=True,
    additional_ins={"merged_qac": dg.AssetIn(MERGED)},
    description="Only train/val rows, and none that is, or derives from, a held-out test row.",
)
def training_mix_excludes_test(training_mix: pl.DataFrame, merged_qac: pl.DataFrame) -> dg.AssetCheckResult:
    test_ids = merged_qac.filter(pl.col("split") == "test")["id"].to_list()
    leaked = training_mix.filter(
        ~pl.col("split").is_in(["train", "val"]) | pl.col("id").is_in(test_ids) | pl.col("parent_id").is_in(test_ids)
    )
    return dg.AssetCheckResult(passed=leaked.is_empty(), metadata={"leaked_rows": leaked.height})


@dg.asset(
    name="review_sample",
    group_name=GROUP,
    kinds={"polars", "csv", "html"},
    ins={"training_mix": dg.AssetIn("training_mix")},
    description="A stratified sample of generated training rows for clinicians (review.fraction of each "
    "source × origin, drug dosages over-sampled) exported as CSV and HTML; verdicts saved to the verdicts "
    "file drop rejected rows from the next training_mix.",
)
def review_sample_asset(training_mix: pl.DataFrame, medchat: MedchatConfig) -> dg.Output[pl.DataFrame]:
    cfg = medchat.cfg
    reviewed = read_verdicts(verdicts_path(cfg))["id"].to_list()
    sample = review_sample(training_mix, cfg.review, cfg.seed, reviewed_ids=reviewed)
    csv_path, html_path = cfg.storage_path("review", "review_sample.csv"), cfg.storage_path("review", "review_sample.html")
    export_review(sample, csv_path, html_path)
    metadata = {
        "rows": sample.height,
        "dose_rows": int(sample["dose_mentioned"].sum()) if sample.height else 0,
        "already_reviewed": len(reviewed),
        "csv": dg.MetadataValue.path(str(csv_path)),
        "html": dg.MetadataValue.path(str(html_path)),
        "verdicts_file": dg.MetadataValue.path(str(verdicts_path(cfg))),
    }
    return frame_output(sample, metadata=metadata)


def redistill_job(partitions: dg.StaticPartitionsDefinition):
    return dg.define_asset_job(
        "redistill_job",
        selection=dg.AssetSelection.assets("distilled_qac", "distill_rejects"),
        partitions_def=partitions,
        description="Re-distil one source: new or changed questions and weak areas cost calls, the rest is cached.",
    )


def redistill_schedule(
    job, cron: str, timezone: str, running: bool = True
) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="redistill_schedule",
        job=job,
        cron_schedule=cron,
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING if running else dg.DefaultScheduleStatus.STOPPED,
        description="Re-runs distillation for every source (distill.schedule_cron, weekly by default), "
        "picking up new or changed questions and the weak areas of the latest benchmark report; what the "
        "new answers make stale downstream (training mix, adapters, report) is rebuilt by automation.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext):
        stamp = context.scheduled_execution_time.isoformat() if context.scheduled_execution_time else "manual"
        for source in job.partitions_def.get_partition_keys():
            yield dg.RunRequest(run_key=f"redistill:{source}:{stamp}", partition_key=source, tags={"medchat/trigger": "redistill_schedule"})

    return _schedule


def build_augment_defs(cfg: PipelineConfig) -> dg.Definitions:
    partitions = source_partitions(cfg)
    job = redistill_job(partitions)
    return dg.Definitions(
        assets=[*per_source_assets(partitions), preferences, mix, review_sample_asset],
        asset_checks=[training_mix_excludes_test],
        jobs=[job],
        schedules=[redistill_schedule(job, cfg.distill.schedule_cron, cfg.distill.schedule_timezone, cfg.distill.schedule_running)],
    )


defs = build_augment_defs(load_config())
