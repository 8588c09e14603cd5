// Where a run's prompts come from: the built-in seeded suite, or JSONL files (math rows
// {id?, problem, answer}; code rows in CodeRecord shape {id?, problem|question, tests:[{input,output}],
// fnName?, format?}). Bad rows fail naming the file, line and field.
import fs from 'node:fs';
import path from 'node:path';
import type { CodeRecord, CodeTest, MathRecord, PromptRecord } from '../../core/dataset/records';
import type { Recipe } from '../../core/rl/recipe';
import { deriveSeed, Rng } from '../../core/rl/rng';
import { drawDemonstrations, type Demonstration } from './sftData';
import { buildBuiltinSuite } from './suite';

/** Share of math in SFT batches: arithmetic facts take a tiny model longer to learn than code templates. */
const MATH_DEMO_SHARE = 0.7;

export interface TaskData {
  math: { train: MathRecord[]; heldOut: MathRecord[] };
  code: { train: CodeRecord[]; heldOut: CodeRecord[] };
  compactPrompts: boolean;
  /** SFT demonstrations (built-in tasks only: files carry no demonstrations). */
  demonstrations?: (count: number, rng: Rng) => Demonstration[];
  imperfectFraction: number;
}

export function loadTaskData(recipe: Recipe): TaskData {
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
    return {
      math: { train: suite.math.train.filter((t) => !forSft(t)).map((t) => t.record), heldOut: suite.math.heldOut.map((t) => t.record) },
      code: { train: suite.code.train.filter((t) => !forSft(t)).map((t) => t.record), heldOut: suite.code.heldOut.map((t) => t.record) },
      compactPrompts: d.compactPrompts,
      demonstrations: (count, rng) => {
        const nMath = Math.round((count * mathDemos) / 1000);
        return [...drawDemonstrations(sftMath, nMath, recipe.sft.imperfectFraction, rng), ...drawDemonstrations(sftCode, count - nMath, recipe.sft.imperfectFraction, rng)];
      },
      imperfectFraction: recipe.sft.imperfectFraction,
    };
  }
  const math = d.math ? readRecords(d.math, 'math') as MathRecord[] : [];
  const code = d.code ? readRecords(d.code, 'code') as CodeRecord[] : [];
  const split = <R extends PromptRecord>(rows: R[], heldOutFile?: string, domain?: 'math' | 'code'): { train: R[]; heldOut: R[] } => {
    if (heldOutFile) return { train: rows, heldOut: readRecords(heldOutFile, domain!) as R[] };
    const held = (r: R) => deriveSeed('held-out', r.id) / 4294967296 < d.heldOutFraction;
    return { train: rows.filter((r) => !held(r)), heldOut: rows.filter(held) };
  };
  return { math: split(math, d.mathHeldOut, 'math'), code: split(code, d.codeHeldOut, 'code'), compactPrompts: false, imperfectFraction: 0 };
}

/** Points a recipe at a dataset: a JSONL file (rows of either domain) or a folder with math.jsonl / code.jsonl. */
export function withDataset(recipe: Recipe, dataset: string): Recipe {
  const abs = path.resolve(dataset);
  if (!fs.existsSync(abs)) throw new Error(`dataset ${abs} does not exist`);
  const heldOutFraction = recipe.data.source === 'files' ? recipe.data.heldOutFraction : 0.05;
  if (fs.statSync(abs).isDirectory()) {
    const f = (n: string) => (fs.existsSync(path.join(abs, n)) ? path.join(abs, n) : undefined);
    if (!f('math.jsonl') && !f('code.jsonl')) throw new Error(`dataset folder ${abs} has neither math.jsonl nor code.jsonl`);
    return { ...recipe, data: { source: 'files', math: f('math.jsonl'), code: f('code.jsonl'), mathHeldOut: f('math.heldout.jsonl'), codeHeldOut: f('code.heldout.jsonl'), heldOutFraction } };
  }
  const domain = sniffDomain(abs);
  return { ...recipe, data: { source: 'files', [domain]: abs, heldOutFraction } };
}

function sniffDomain(file: string): 'math' | 'code' {
  const first = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.trim());
  if (!first) throw new Error(`dataset ${file} is empty`);
  try {
    const row = JSON.parse(first);
    return Array.isArray(row.tests) || row.domain === 'code' ? 'code' : 'math';
  } catch (e) {
    throw new Error(`dataset ${file}, line 1: not JSON (${(e as Error).message})`);
  }
}

function readRecords(file: string, domain: 'math' | 'code'): PromptRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${domain} data ${file}: ${(e as Error).message}`);
  }
  const source = path.basename(file).replace(/\.jsonl$/, '');
  const out: PromptRecord[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file}, line ${i + 1}`;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new Error(`${where}: not JSON (${(e as Error).message})`);
    }
    const id = typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : `${source}-${i + 1}`;
    if (ids.has(id)) throw new Error(`${where}: duplicate id '${id}'`);
    ids.add(id);
    const problem = row.problem ?? row.question;
    if (typeof problem !== 'string' || !problem.trim()) throw new Error(`${where}: field 'problem' must be a non-empty string`);
    if (domain === 'math') {
      const answer = row.answer;
      if (typeof answer !== 'string' && typeof answer !== 'number') throw new Error(`${where}: field 'answer' must be a string or number`);
      out.push({ id, source: typeof row.source === 'string' ? row.source : source, domain: 'math', problem, answer: String(answer) });
    } else {
      const tests = row.tests;
      if (!Array.isArray(tests) || tests.length === 0) throw new Error(`${where}: field 'tests' must be a non-empty array of {input, output}`);
      tests.forEach((t: CodeTest, j: number) => {
        if (typeof t?.input !== 'string' || typeof t?.output !== 'string') throw new Error(`${where}: field 'tests.${j}' needs string 'input' and 'output'`);
      });
      const fnName = typeof row.fnName === 'string' ? row.fnName : undefined;
      out.push({ id, source: typeof row.source === 'string' ? row.source : source, domain: 'code', problem, tests, fnName, format: fnName ? 'functional' : 'stdin', starterCode: typeof row.starterCode === 'string' ? row.starterCode : undefined });
    }
  });
  if (out.length === 0) throw new Error(`${domain} data ${file} has no rows`);
  return out;
}
