// `acereason curate`: runs the curation pipeline (src/core/curate) on dataset files and writes
// DIR/curated.jsonl, DIR/removed.jsonl and DIR/report.json, with a progress bar on a terminal.
import fs from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { CliError, parseArgs, type CliCommand } from '../command';
import { CURATION_STEPS, runCuration, type CurationOptions, type CurationProgress } from '../../core/curate';
import { parseCutoff } from '../../core/curate/steps/dateCutoff';
import { DatasetError, type RowProblem } from '../../core/dataset/errors';
import { summarizeLineProblems, writeLineProblems } from '../../core/dataset/lineProblems';
import { parseFieldMapping } from '../../core/dataset/fieldMapping';
import { PRESETS } from '../../core/dataset/presets';
import { labelsFile } from '../../core/runs/layout';

const USAGE = `Usage: acereason curate --domain math|code --input FILE... --out DIR [options]

Reads JSONL, JSON-array or Parquet files, maps them onto math or code records, runs the curation
steps and writes DIR/curated.jsonl (kept records), DIR/removed.jsonl (each removed record with its
reasons, e.g. the benchmark items it overlaps), DIR/report.json
({"input", "kept", "removed": {reason: n}, "skipped_lines", ...}), DIR/skipped.jsonl (every input line
that could not be read: {"file", "line", "field", "reason"}) and DIR/warnings.jsonl (lines read but
altered, e.g. invalid UTF-8 replaced).

  --domain math|code        required
  --input FILE...           dataset files (several after one flag, or repeat it) (required)
  --out DIR                 output folder (required)
  --benchmarks FILE...      benchmark files to decontaminate against (several after one flag, or repeat it)
  --preset NAME             input layout (default: detected from the first rows):
${PRESETS.map((p) => `                              ${p.name.padEnd(16)} ${p.description}`).join('\n')}
  --map k=v,...             our field = dataset field, e.g. problem=question,answer=final
  --ngram N                 n-gram size for decontamination (default 9 math, 14 code)
  --boilerplate-docs N      n-grams in at least N documents are phrasing, not contamination (default 10; 0 = off)
  --min-shared-ngrams N     a benchmark item counts only when it shares at least N n-grams (default 1; whole-statement matches always count)
  --labels FILE             labels.jsonl to honour (default: ./.acereason/labels.jsonl when it exists)
  --date-cutoff YYYY-MM-DD  remove problems dated after this day
  --near-dup T              near-duplicate Jaccard threshold 0..1 (default 0.8; 1 = exact only)
  --min-tokens N            prompts with fewer word tokens are "too-short" (default 5)
  --max-answer-chars N      longer reference answers are "answer-too-long" (default 60)
  --min-tests N             code problems with fewer tests are removed (default 1)
  --verify-references       code: run reference solutions against their tests in the sandbox
  --concurrency N           sandbox runs at once for --verify-references (default 2)
  --pass-rates FILE         passrates.jsonl; attaches pass rates and enables the difficulty filter
  --min-pass-rate R         keep prompts solved at least this often (0..1)
  --max-pass-rate R         keep prompts solved at most this often (0..1; the recipe drops > 6/16)
  --steps a,b               run only these steps; --skip-steps a,b leaves some out
                            (${CURATION_STEPS.map((s) => s.name).join(', ')})

Exit code 0 when the outputs were written; 2 on a usage or input error.`;

function number(value: string | undefined, flag: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const bad = !Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max);
  if (bad) {
    const range = [opts.min !== undefined ? `≥ ${opts.min}` : '', opts.max !== undefined ? `≤ ${opts.max}` : ''].filter(Boolean).join(' and ');
    throw new CliError(`${flag} must be ${opts.integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got '${value}'`);
  }
  return n;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseCurateArgs(args: string[], cwd: string): CurationOptions {
  const { values } = parseArgs({
    args,
    options: {
      domain: { type: 'string' },
      input: { type: 'string', multiple: true },
      out: { type: 'string' },
      benchmarks: { type: 'string', multiple: true },
      preset: { type: 'string' },
      map: { type: 'string' },
      ngram: { type: 'string' },
      'boilerplate-docs': { type: 'string' },
      'min-shared-ngrams': { type: 'string' },
      labels: { type: 'string' },
      'date-cutoff': { type: 'string' },
      'near-dup': { type: 'string' },
      'min-tokens': { type: 'string' },
      'max-answer-chars': { type: 'string' },
      'min-tests': { type: 'string' },
      'verify-references': { type: 'boolean' },
      concurrency: { type: 'string' },
      'pass-rates': { type: 'string' },
      'min-pass-rate': { type: 'string' },
      'max-pass-rate': { type: 'string' },
      steps: { type: 'string' },
      'skip-steps': { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  });
  const domain = values.domain;
  if (domain !== 'math' && domain !== 'code') throw new CliError(`--domain must be math or code${domain ? `, got '${domain}'` : ' (required)'}`);
  if (!values.input?.length) throw new CliError('--input FILE is required (repeat it for several files)');
  if (!values.out) throw new CliError('--out DIR is required');
  const resolve = (f: string) => path.resolve(cwd, f);
  const inputs = values.input.map(resolve);
  const benchmarks = values.benchmarks?.map(resolve);
  for (const f of [...inputs, ...(benchmarks ?? [])]) if (!fs.existsSync(f)) throw new CliError(`no such file: ${f}`);
  let labels = values.labels ? resolve(values.labels) : undefined;
  if (labels && !fs.existsSync(labels)) throw new CliError(`--labels: no such file: ${labels}`);
  if (!labels && fs.existsSync(labelsFile(cwd))) labels = labelsFile(cwd);
  const passRates = values['pass-rates'] ? resolve(values['pass-rates']) : undefined;
  if (passRates && !fs.existsSync(passRates)) throw new CliError(`--pass-rates: no such file: ${passRates}`);
  let dateCutoff: string | undefined;
  try {
    dateCutoff = values['date-cutoff'] === undefined ? undefined : parseCutoff(values['date-cutoff']);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  let mapping;
  try {
    mapping = values.map === undefined ? undefined : parseFieldMapping(values.map);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  return {
    domain,
    inputs,
    benchmarks,
    outDir: resolve(values.out),
    preset: values.preset,
    mapping,
    ngram: number(values.ngram, '--ngram', { integer: true, min: 1, max: 100 }),
    boilerplateMinDocs: number(values['boilerplate-docs'], '--boilerplate-docs', { integer: true, min: 0 }),
    minSharedNgrams: number(values['min-shared-ngrams'], '--min-shared-ngrams', { integer: true, min: 1 }),
    labelsFile: labels,
    dateCutoff,
    nearDuplicateThreshold: number(values['near-dup'], '--near-dup', { min: 0, max: 1 }),
    minProblemTokens: number(values['min-tokens'], '--min-tokens', { integer: true, min: 0 }),
    maxAnswerChars: number(values['max-answer-chars'], '--max-answer-chars', { integer: true, min: 1 }),
    minTests: number(values['min-tests'], '--min-tests', { integer: true, min: 0 }),
    verifyReferences: values['verify-references'] ?? false,
    sandboxConcurrency: number(values.concurrency, '--concurrency', { integer: true, min: 1, max: 256 }),
    passRatesFile: passRates,
    minPassRate: number(values['min-pass-rate'], '--min-pass-rate', { min: 0, max: 1 }),
    maxPassRate: number(values['max-pass-rate'], '--max-pass-rate', { min: 0, max: 1 }),
    steps: list(values.steps),
    skipSteps: list(values['skip-steps']),
  };
}

/** A bar per phase on stderr; nothing when stderr is not a terminal (logs and pipes stay clean). */
function progressReporter(stderr: NodeJS.WritableStream, enabled: boolean): { update(p: CurationProgress): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
  let bar: SingleBar | undefined;
  let label = '';
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update(p) {
      const name = p.phase === 'step' ? p.step ?? 'step' : p.phase;
      if (name !== label || !bar) {
        stop();
        label = name;
        if (p.phase === 'done') return;
        bar = new SingleBar({
          stream: stderr as NodeJS.WriteStream,
          format: `${name.padEnd(20)} [{bar}] {value}/{total} {message}`,
          hideCursor: true,
          clearOnComplete: false,
          noTTYOutput: false,
        });
        bar.start(p.total ?? Math.max(p.done, 1), p.done, { message: '' });
      }
      if (p.total === undefined) bar.setTotal(Math.max(p.done, 1));
      else bar.setTotal(p.total);
      bar.update(p.done, { message: p.message.length > 40 ? '' : p.message });
    },
    stop,
  };
}

export const command: CliCommand = {
  name: 'curate',
  summary: 'curate math or code prompts: dedup, decontaminate, exclusion rules, labels → curated.jsonl + report.json',
  usage: USAGE,
  async run(args, io) {
    const options = parseCurateArgs(args, io.cwd);
    const stderrIsTTY = !!(io.stderr as NodeJS.WriteStream).isTTY;
    const progress = progressReporter(io.stderr, stderrIsTTY);
    let result;
    try {
      result = await runCuration(options, (p) => progress.update(p));
    } catch (e) {
      if (e instanceof DatasetError || (e instanceof Error && /^(unknown step|domain must|ngram must|no input files|\w+ must be within)/.test(e.message))) {
        throw new CliError(e.message);
      }
      throw e;
    } finally {
      progress.stop();
    }
    const { report } = result;
    const reasons = Object.entries(report.removed).sort((a, b) => b[1] - a[1]);
    io.stdout.write(
      `kept ${report.kept} of ${report.input} prompts` +
        (report.skipped_lines ? `; ${report.skipped_lines} input line(s) skipped (listed in skipped.jsonl)` : '') +
        '\n' +
        reasons.map(([reason, n]) => `  removed ${String(n).padStart(6)}  ${reason}`).join('\n') +
        (reasons.length ? '\n' : '') +
        `wrote ${path.join(options.outDir!, 'curated.jsonl')}, removed.jsonl, report.json, skipped.jsonl\n`,
    );
    // (runCuration passes loadDataset's warnings through once pipeline.ts returns them.)
    const warnings = (result as { warnings?: RowProblem[] }).warnings ?? [];
    const written = writeLineProblems(options.outDir!, result.skipped, warnings);
    for (const line of summarizeLineProblems(result.skipped, warnings, report.rows_read, written)) io.stderr.write(line + '\n');
    return 0;
  },
};

