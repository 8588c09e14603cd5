// Issue 16 item 14: the figure rule, both directions, as a user meets it through `acereason curate`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/main';

const ROWS_IN_TEXT = 'The first $20$ numbers of an arrangement are shown below. What would be the value of the $40^{\\mathrm{th}}$ number if the arrangement were continued?\n\n' +
  '$\\bullet$ Row 1: $2,$ $2$\n\n$\\bullet$ Row 2: $4,$ $4,$ $4,$ $4$\n\n$\\bullet$ Row 3: $6,$ $6,$ $6,$ $6,$ $6,$ $6$\n\n$\\bullet$ Row 4: $8,$ $8,$ $8,$ $8,$ $8,$ $8,$ $8,$ $8$';
const FIGURES_PLURAL = 'Four congruent squares are arranged as shown in the figures below. If the perimeter of each square is 24 cm, find the area of the whole region in square centimetres.';
const SHOWN_NO_DATA = 'The heights of the five students in the class are shown below. What is the median height of the students in centimetres?';
const TABLE_ABOVE = 'The scores were $\\begin{array}{c|c} \\text{name} & \\text{score} \\\\ A & 7 \\\\ B & 9 \\end{array}$ as displayed above. What is the mean of the two scores?';

async function curate(rows: { id: string; problem: string; answer: string }[]): Promise<{ kept: string[]; removed: Record<string, string[]> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'figure-'));
  const input = path.join(dir, 'in.jsonl');
  fs.writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), isTTY: false, cwd: dir };
  const code = await runCli(['curate', '--domain', 'math', '--input', input, '--out', 'out', '--steps', 'math-rules'], io);
  assert.equal(code, 0, String(io.stderr.read() ?? ''));
  const read = (f: string) => fs.readFileSync(path.join(dir, 'out', f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const removed: Record<string, string[]> = {};
  for (const r of read('removed.jsonl')) removed[r.record?.id ?? r.id] = (r.reasons ?? []).map((x: { reason: string }) => x.reason);
  return { kept: read('curated.jsonl').map((r) => r.id), removed };
}

test('figure rule: data rows in the text are kept; "as shown in the figures below" is removed', async () => {
  const got = await curate([
    { id: 'rows-in-text', problem: ROWS_IN_TEXT, answer: '12' },
    { id: 'figures-plural', problem: FIGURES_PLURAL, answer: '144' },
    { id: 'shown-no-data', problem: SHOWN_NO_DATA, answer: '160' },
    { id: 'table-above', problem: TABLE_ABOVE, answer: '8' },
  ]);
  assert.deepEqual(got.kept.sort(), ['rows-in-text', 'table-above']);
  assert.deepEqual(got.removed, { 'figures-plural': ['figure'], 'shown-no-data': ['figure'] });
});
