// Heavy work the editor hands to a separate process (the CLI bundle's `job` command), so a 100 MB
// dataset never blocks the extension host (the rust-analyzer shape: a thin extension, the work in
// another process). One JSON request on stdin; JSON lines on stdout: progress while it works, then
// exactly one `result` or `error`. Both directions are validated.
import { z } from 'zod';

const path = z.string().min(1).max(4096);

export const JobRequest = z.discriminatedUnion('kind', [
  /** The curation pipeline; `options` are CurationOptions (validated again by the pipeline). */
  z.object({ kind: z.literal('curate'), options: z.record(z.string(), z.unknown()) }),
  /** Load a dataset (file or curation output folder) for the curator and write its entries as JSONL to `entriesFile`. */
  z.object({ kind: z.literal('loadReview'), target: path, workspace: path.optional(), entriesFile: path }),
  /** Which domain a dataset file holds, judged from its first rows (a Parquet row group can be the whole file). */
  z.object({ kind: z.literal('detectDomain'), file: path }),
  /** Export curated files to verl's Parquet layout. */
  z.object({ kind: z.literal('exportVerl'), inputs: z.array(path).min(1).max(1000), outDir: path, labelsFile: path.optional() }),
]);
export type JobRequest = z.infer<typeof JobRequest>;

export const JobMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), message: z.string().max(2000), done: z.number().nonnegative().optional(), total: z.number().nonnegative().optional() }),
  z.object({ type: z.literal('result'), result: z.unknown() }),
  /** `input`: the request or its files are at fault (one line naming what and where); otherwise a bug. */
  z.object({ type: z.literal('error'), message: z.string().max(20_000), input: z.boolean() }),
]);
export type JobMessage = z.infer<typeof JobMessage>;
