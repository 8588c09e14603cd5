// The recipe's curriculum between stages, for verl runs: from the previous stage's rollout dumps
// (trainer.rollout_data_dir/<step>.jsonl with input, output, gts, score, step and the reward's extra
// keys), each prompt's pass rate; prompts solved more often than the threshold are dropped before the
// next export (paper: more than 6 of 16). Our compute_score.py returns {"score", "acereason_id"}, so
// dumps name the prompt id exactly; dumps without it are matched by the prompt text.
// Dumps are read with the shared dataset reader: streamed, with a per-line error for bad lines.
import fs from 'node:fs';
import path from 'node:path';
import type { PromptRecord } from '../dataset/records';
import { readRawRows } from '../dataset/rawRows';
import { promptText } from './export';

export interface PromptPassRate { id: string; attempts: number; solved: number; rate: number }

export interface RolloutFilterResult {
  rates: Map<string, PromptPassRate>;
  dropIds: Set<string>;
  files: number;
  rows: number;
  unmatchedRows: number;
  badLines: { file: string; line: number; error: string }[];
}

export async function filterFromRollouts(rolloutDir: string, records: PromptRecord[], dropSolvedAbove: number, opts: { lastSteps?: number } = {}): Promise<RolloutFilterResult> {
  if (!fs.existsSync(rolloutDir)) throw new Error(`rollout dump folder not found: ${rolloutDir}`);
  let files = fs.readdirSync(rolloutDir).filter((f) => /^\d+\.jsonl$/.test(f)).sort((a, b) => parseInt(a) - parseInt(b));
  if (files.length === 0) throw new Error(`no <step>.jsonl rollout dumps in ${rolloutDir} (set trainer.rollout_data_dir in the previous stage)`);
  if (opts.lastSteps) files = files.slice(-opts.lastSteps);
  const byText = new Map<string, string>();
  for (const r of records) byText.set(promptText(r), r.id);
  // A dump repeats each prompt rollout.n times: match each distinct input text once.
  const matched = new Map<string, string | undefined>();
  const matchInput = (input: string) => {
    if (!matched.has(input)) matched.set(input, matchByText(input, byText));
    return matched.get(input);
  };
  const known = new Set(records.map((r) => r.id));
  const result: RolloutFilterResult = { rates: new Map(), dropIds: new Set(), files: files.length, rows: 0, unmatchedRows: 0, badLines: [] };
  for (const f of files) {
    for await (const r of readRawRows(path.join(rolloutDir, f))) {
      if (!r.ok) {
        result.badLines.push({ file: f, line: r.problem.line, error: r.problem.error });
        continue;
      }
      const row = r.row.value;
      result.rows++;
      const id = typeof row.acereason_id === 'string' && known.has(row.acereason_id) ? row.acereason_id : matchInput(String(row.input ?? ''));
      if (!id) { result.unmatchedRows++; continue; }
      const score = Number(row.score);
      const entry = result.rates.get(id) ?? { id, attempts: 0, solved: 0, rate: 0 };
      entry.attempts++;
      if (score >= 1) entry.solved++;
      entry.rate = entry.solved / entry.attempts;
      result.rates.set(id, entry);
    }
  }
  for (const e of result.rates.values()) if (e.rate > dropSolvedAbove) result.dropIds.add(e.id);
  return result;
}

function matchByText(input: string, byText: Map<string, string>): string | undefined {
  for (const [text, id] of byText) if (input.includes(text)) return id;
  return undefined;
}
