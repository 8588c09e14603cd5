// The curation pipeline's public surface (CLI, extension, trainer).
export { runCuration, writeCurationOutputs, CURATED_FILE, REMOVED_FILE, REPORT_FILE, type CurationProgress, type CurationReport, type CurationResult, type RemovedItem } from './pipeline';
export type { CurationOptions } from './options';
export { CURATION_STEPS, stepByName } from './steps';
export type { CurationStep, RemovalReason, BenchmarkOverlap, StepContext, StepResult } from './step';
export { recordPassRates, loadPassRates, passRatesFile, difficultyBucket, DEFAULT_BUCKETS, type PassRateMeasurement, type PassRateInfo, type DifficultyBucket } from './passRates';
export { loadBenchmarkIndex, findOverlaps, type BenchmarkIndex } from './benchmarks';
