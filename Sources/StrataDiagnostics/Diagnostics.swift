/// Measurements of Strata's internals, for the benchmark package; not part of the query API.
///
/// Each workload prepares its inputs in `init` (not measured) and performs the measured operation once per call,
/// on the same code the engine runs: ``CompressionWorkload`` (page codecs), ``CSVParseWorkload`` (the importer's
/// chunk parser), ``ParquetFileWorkload`` (the Parquet writer and reader), ``HashAggregationWorkload`` (the
/// executor's hash aggregation), ``SpillWorkload`` (spill runs) and ``runSchedulerOverhead(tasks:threads:shape:)``
/// (the scheduler on empty tasks).
public enum Diagnostics {}
