// `acereason ablate` end to end on the tiny recipe: member runs in the runs folder, variants starting
// from the default's post-SFT checkpoint, a report naming the winner and the variants that could not
// run — and the same seeds giving the same numbers twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';

function io(): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough(); const stderr = new PassThrough();
  let o = ''; let e = '';
  stdout.on('data', (d) => { o += d; }); stderr.on('data', (d) => { e += d; });
  return { stdout, stderr, stdin: new PassThrough(), isTTY: false, cwd: process.cwd(), out: () => o, err: () => e };
}

const tiny = path.join(__dirname, 'fixtures', 'tiny-recipe.json');

test('ablate: default next to no-curriculum; off-policy listed as needing room; identical numbers with the same seed', { timeout: 900_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ablate-'));
  const ablate = async (id: string) => {
    const t = io();
    const code = await runCli(['ablate', '--recipe', tiny, '--only', 'curriculum,on-policy', '--out', dir, '--id', id, '--quiet'], t);
    assert.equal(code, 0, t.err());
    return { out: t.out(), md: fs.readFileSync(path.join(dir, id, 'ablation.md'), 'utf8') };
  };
  const a = await ablate('a');
  const b = await ablate('b');
  assert.equal(a.md, b.md, 'two ablations with the same seed differ');
  // The tiny policy solves little held out, so compare every logged number of the member runs too.
  const numbers = (run: string) => fs.readFileSync(path.join(dir, run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .map((l) => ({ step: l.step, data: Object.fromEntries(Object.entries(l.data as Record<string, number>).filter(([k]) => !k.startsWith('timing_s/') && k !== 'perf/throughput')) }));
  for (const v of ['default', 'no-curriculum']) {
    const ra = numbers(`a-${v}-seed3`);
    assert.ok(ra.some((l) => (l.data['actor/entropy'] ?? 0) > 0), `${v}: nonzero entropies, so the comparison means something`);
    assert.deepEqual(ra, numbers(`b-${v}-seed3`), `${v}: metrics differ between two ablations with the same seed`);
  }

  // The member runs are ordinary runs; the variant started from the default's "before RL" weights,
  // so both evaluate the same starting point identically.
  const evalAt0 = (run: string) => fs.readFileSync(path.join(dir, run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.step === 0 && 'val-core/builtin-math/acc/mean@2' in l.data).data;
  const d0 = evalAt0('a-default-seed3'); const v0 = evalAt0('a-no-curriculum-seed3');
  for (const k of Object.keys(d0).filter((k) => k.startsWith('val-'))) assert.equal(v0[k], d0[k], k);
  assert.ok(!fs.existsSync(path.join(dir, 'a-no-curriculum-seed3', 'sft-metrics.jsonl')), 'the variant did not repeat the SFT warm-up');
  // The variant ran one math stage at the final length with the block's rollouts (3 steps), then code.
  const steps = fs.readFileSync(path.join(dir, 'a-no-curriculum-seed3', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => 'critic/score/mean' in l.data);
  assert.deepEqual(steps.map((l) => l.data['training/stage']), [0, 0, 0, 1, 1]);

  assert.match(a.md, /\| default \| \d+\.\d \| \d+\.\d \| \d+\.\d \| \d+\.\d \| \d+\.\d \|/);
  assert.match(a.md, /\| no-curriculum \|/);
  assert.match(a.md, /(\*\*(default|no-curriculum)\*\* wins on mean held-out pass@1 over math and code .* one seed: no spread to judge the margin against|no variant wins: default and no-curriculum tie)/);
  assert.match(a.md, /\*\*off-policy\*\*: not run — needs .*updates per batch need at least as many prompts per step/);
  assert.match(a.out, /not run: off-policy — needs /);
  const html = fs.readFileSync(path.join(dir, 'a', 'ablation.html'), 'utf8');
  assert.match(html, /<svg/);
  assert.doesNotMatch(html, /<script/i);
  const group = JSON.parse(fs.readFileSync(path.join(dir, 'a', 'group.json'), 'utf8'));
  assert.deepEqual(group.runs.map((r: { runId: string }) => r.runId), ['a-default-seed3', 'a-no-curriculum-seed3']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('ablate: unknown groups and bad seeds are one-line errors', async () => {
  const t = io();
  assert.equal(await runCli(['ablate', '--recipe', tiny, '--only', 'curiculum'], t), 2);
  assert.match(t.err(), /^acereason ablate: --only: unknown ablation 'curiculum' \(known: curriculum, on-policy, order\)\n$/);
  const u = io();
  assert.equal(await runCli(['ablate', '--seeds', '0'], u), 2);
  assert.match(u.err(), /--seeds must be an integer from 1 to 100/);
});
