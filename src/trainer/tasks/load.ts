// Where a run's prompts come from: the built-in seeded suite, or dataset files read by core's
// loader (src/core/dataset: JSONL, JSON or Parquet, public layouts through its presets), so a record
// keeps every field the rewards read (time and memory limits, language, function name). Rows that do
// not fit are reported with file, line and field; a file with no usable row is an error.
import fs from 'node:fs';
import path from 'node:path';
import { describeRowProblem } from '../../core/dataset/errors';
import { loadDataset } from '../../core/dataset/load';
import { detectFileFormat } from '../../core/dataset/rawRows';
import type { CodeRecord, MathRecord, PromptRecord } from '../../core/dataset/records';
import type { Recipe } from '../../core/rl/recipe';
import { deriveSeed, Rng } from '../../core/rl/rng';
import { UserError } from '../../core/util/userError';
import { factDrills } from './facts';
import { drawDemonstrations, type Demonstration } from './sftData';
import { buildBuiltinSuite } from './suite';

/** Share of math in SFT batches: arithmetic facts take a tiny model longer to learn than code templates. */
const MATH_DEMO_SHARE = 0.7;
/** Share of the math demonstrations that are fact drills (facts.ts): the facts every method needs. */
const FACT_DRILL_SHARE = 0.5;

export interface TaskData {
  math: { train: MathRecord[]; heldOut: MathRecord[] };
  code: { train: CodeRecord[]; heldOut: CodeRecord[] };
  compactPrompts: boolean;
  /** SFT demonstrations (built-in tasks only: files carry no demonstrations). */
  demonstrations?: (count: number, rng: Rng) => Demonstration[];
  imperfectFraction: number;
}

export interface LoadTaskOptions {
  /** Receives one line per file with rows that were skipped (and where the first one is). */
  warn?: (message: string) => void;
}

export async function loadTaskData(recipe: Recipe, opts: LoadTaskOptions = {}): Promise<TaskData> {
  const d = recipe.data;
  if (d.source === 'builtin') {
    const suite = buildBuiltinSuite(d);
    // SFT demonstrations and RL prompts come from disjoint halves of the training split. With one
    // pool, the warm-up memorises the very problems RL then practises on: training reward climbs
    // while held-out pass@1 stays flat. (The paper's RL prompts are likewise not its SFT prompts.)
    const forSft = (t: { record: PromptRecord }) => deriveSeed('sft-or-rl', t.record.id) % 2 === 0;
    const mathDemos = Math.round(MATH_DEMO_SHARE * 1000);
    const sftMath = suite.math.train.filter(forSft);
    const sftCode = suite.code.train.filter(forSft);
    const drills = factDrills();
    return {
      math: { train: suite.math.train.filter((t) => !forSft(t)).map((t) => t.record), heldOut: suite.math.heldOut.map((t) => t.record) },
      code: { train: suite.code.train.filter((t) => !forSft(t)).map((t) => t.record), heldOut: suite.code.heldOut.map((t) => t.record) },
      compactPrompts: d.compactPrompts,
      demonstrations: (count, rng) => {
        const nMath = Math.round((count * mathDemos) / 1000);
        const nDrill = Math.round(nMath * FACT_DRILL_SHARE);
        return [
          ...Array.from({ length: nDrill }, () => rng.pick(drills)),
          ...drawDemonstrations(sftMath, nMath - nDrill, recipe.sft.imperfectFraction, rng),
          ...drawDemonstrations(sftCode, count - nMath, recipe.sft.imperfectFraction, rng),
        ];
      },
      imperfectFraction: recipe.sft.imperfectFraction,
    };
  }
  const read = <R extends PromptRecord>(file: string, domain: R['domain']) => readDomainFile<R>(file, domain, opts.warn);
  const split = async <R extends PromptRecord>(domain: R['domain'], file?: string, heldOutFile?: string): Promise<{ train: R[]; heldOut: R[] }> => {
    const rows = file ? await read<R>(file, domain) : [];
    if (heldOutFile) return { train: rows, heldOut: await read<R>(heldOutFile, domain) };
    const held = (r: R) => deriveSeed('held-out', r.id) / 4294967296 < d.heldOutFraction;
    return { train: rows.filter((r) => !held(r)), heldOut: rows.filter(held) };
  };
  return { math: await split<MathRecord>('math', d.math, d.mathHeldOut), code: await split<CodeRecord>('code', d.code, d.codeHeldOut), compactPrompts: false, imperfectFraction: 0 };
}

async function readDomainFile<R extends PromptRecord>(file: string, domain: R['domain'], warn?: (message: string) => void): Promise<R[]> {
  if (!fs.existsSync(file)) throw new UserError(`${domain} data ${file}: no such file`);
  const loaded = await loadDataset([file], { domain });
  const records = loaded.records.filter((r): r is R => r.domain === domain);
  const first = [...loaded.skipped].sort((a, b) => a.line - b.line)[0];
  if (records.length === 0) {
    throw new UserError(`${domain} data ${file} has no usable ${domain} rows${first ? ` (${loaded.skipped.length} skipped; first: ${describeRowProblem(first)})` : ''}`);
  }
  if (loaded.skipped.length > 0) {
    warn?.(`${domain} data ${file}: ${loaded.skipped.length} of ${loaded.rowsRead} rows skipped; first: ${describeRowProblem(first)}`);
  }
  return records;
}

const DATA_EXTENSIONS = ['.jsonl', '.ndjson', '.json', '.parquet'];

/**
 * Points a recipe at a dataset: one file (JSONL or JSON rows of either domain), or a folder with
 * math.<ext> / code.<ext> and optionally math.heldout.<ext> / code.heldout.<ext> (ext: jsonl, ndjson,
 * json, parquet).
 */
export function withDataset(recipe: Recipe, dataset: string): Recipe {
  const abs = path.resolve(dataset);
  if (!fs.existsSync(abs)) throw new UserError(`dataset ${abs} does not exist`);
  const heldOutFraction = recipe.data.source === 'files' ? recipe.data.heldOutFraction : 0.05;
  if (fs.statSync(abs).isDirectory()) {
    const f = (stem: string) => DATA_EXTENSIONS.map((ext) => path.join(abs, stem + ext)).find((p) => fs.existsSync(p));
    if (!f('math') && !f('code')) throw new UserError(`dataset folder ${abs} has no math.* or code.* file (${DATA_EXTENSIONS.join(', ')})`);
    return { ...recipe, data: { source: 'files', math: f('math'), code: f('code'), mathHeldOut: f('math.heldout'), codeHeldOut: f('code.heldout'), heldOutFraction } };
  }
  const domain = sniffDomain(abs);
  return { ...recipe, data: { source: 'files', [domain]: abs, heldOutFraction } };
}

/** Code when the first row has tests (or says domain "code"); math otherwise. */
function sniffDomain(file: string): 'math' | 'code' {
  const format = detectFileFormat(file);
  if (format === 'parquet') {
    throw new UserError(`dataset ${file}: a single Parquet file does not say its domain; put it in a folder as math.parquet or code.parquet, or name it in the recipe's data.math / data.code`);
  }
  const text = fs.readFileSync(file, 'utf8');
  let row: Record<string, unknown> | undefined;
  try {
    if (format === 'json') row = (JSON.parse(text) as Record<string, unknown>[])[0];
    else {
      const first = text.split('\n').find((l) => l.trim());
      row = first === undefined ? undefined : JSON.parse(first);
    }
  } catch (e) {
    throw new UserError(`dataset ${file}, line 1: not JSON (${(e as Error).message})`);
  }
  if (!row || typeof row !== 'object') throw new UserError(`dataset ${file} is empty`);
  return ['tests', 'test_cases', 'public_tests', 'input_output'].some((k) => k in row!) || row.domain === 'code' ? 'code' : 'math';
}
