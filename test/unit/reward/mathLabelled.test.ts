// The labelled suite (mathSuite/labelled.jsonl, built by mathSuite/build_labelled.py): hand-labelled
// (gold, answer, options, expected) cases for every answer class of issue 10, each class with
// must-not-match pairs. The verifier must agree on at least 97% with no false positive at all,
// both in this thread and through `acereason verify math --summary` (per-line options included).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { verifyMath, verifyMathAnswer } from '../../../src/core/reward/math';
import { parseMathJob } from '../../../src/core/reward/math/job';
import { command as verifyCommand } from '../../../src/cli/commands/verify';
import { captureIO } from '../../helpers/captureIO';

const FILE = path.join(__dirname, 'mathSuite', 'labelled.jsonl');
const lines = fs.readFileSync(FILE, 'utf8').trim().split('\n');
const rows = lines.map((l) => JSON.parse(l) as { class: string; expected: boolean; [k: string]: unknown });

describe('labelled math suite', () => {
  it('has 250+ cases, with matching and must-not-match pairs in every class', () => {
    assert.ok(rows.length >= 250, `${rows.length} cases`);
    const classes = new Map<string, { yes: number; no: number }>();
    for (const r of rows) {
      const c = classes.get(r.class) ?? { yes: 0, no: 0 };
      if (r.expected) c.yes++;
      else c.no++;
      classes.set(r.class, c);
    }
    for (const [cls, c] of classes) assert.ok(c.yes > 0 && c.no > 0, `class ${cls} needs both kinds of case (${c.yes} match, ${c.no} must not)`);
  });

  it('agrees on ≥ 97% with zero false positives (in-thread)', () => {
    const misses: string[] = [];
    let falsePositives = 0;
    for (const [i, r] of rows.entries()) {
      const job = parseMathJob(r);
      const v = job.kind === 'pred' ? verifyMathAnswer(job.gold, job.text, job.opts) : verifyMath(job.gold, job.text, job.opts);
      if (v.correct === r.expected) continue;
      if (v.correct) falsePositives++;
      misses.push(`line ${i + 1} [${r.class}] ${v.correct ? 'FALSE POSITIVE' : 'false negative'}: ${JSON.stringify(job.gold)} vs ${JSON.stringify(job.text.slice(0, 80))} → ${v.state}: ${v.reason}`);
    }
    const agreement = (rows.length - misses.length) / rows.length;
    assert.equal(falsePositives, 0, misses.join('\n'));
    assert.ok(agreement >= 0.97, `agreement ${(100 * agreement).toFixed(1)}%:\n${misses.join('\n')}`);
  });

  it('the CLI audit report (--summary) counts states and classes and scores the labels', async () => {
    const io = captureIO({ stdin: lines.join('\n') + '\n' });
    const code = await verifyCommand.run(['math', '--input', '-', '--workers', '2', '--summary'], io);
    const out = io.out();
    const err = io.err();
    assert.equal(code, 0);
    const outLines = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(outLines.length, rows.length + 1);
    const { summary } = outLines[outLines.length - 1];
    assert.equal(summary.total, rows.length);
    const stateTotal = Object.values(summary.states as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.equal(stateTotal, rows.length);
    assert.equal(summary.states.correct, outLines.slice(0, -1).filter((l) => l.state === 'correct').length);
    const classTotal = Object.values(summary.classes as Record<string, { total: number }>).reduce((a, c) => a + c.total, 0);
    assert.equal(classTotal, rows.length);
    assert.equal(summary.labels.labelled, rows.length);
    assert.equal(summary.labels.falsePositives, 0);
    assert.ok(summary.labels.agreement >= 0.97);
    assert.match(err, /by state: +correct \d+ +wrong \d+ +no-answer \d+ +gold-unparseable \d+ +timeout \d+ +error \d+/);
    assert.match(err, /by class of the reference answer:\n +integer/);
  });
});
