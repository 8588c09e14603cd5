import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { terminalContext } from '../../../src/cli/commands/train';
import { captureIO } from '../../helpers/captureIO';

const io = () => captureIO();

test('the acereason preset validates and prints the paper schedule', async () => {
  const t = io();
  assert.equal(await runCli(['train', '--recipe', 'acereason', '--plan'], t), 0);
  const text = t.out();
  for (const s of ['math-8k', 'math-16k', 'math-24k', 'code-24k', 'code-32k', 'math-32k']) assert.match(text, new RegExp(`${s} \\[`));
  assert.match(text, /128 prompts × G=8, max response 8192/);
  assert.match(text, /drop prompts solved > 0\.375/);
});

test('acereason without a dataset says what is missing; bad options name the option', async () => {
  let t = io();
  assert.equal(await runCli(['train', '--recipe', 'acereason'], t), 2);
  assert.match(t.err(), /pass --dataset/);
  t = io();
  assert.equal(await runCli(['train', '--recipe', 'demo', '--phase', 'rl', '--plan'], t), 2);
  assert.match(t.err(), /--phase must be all, math or code/);
  t = io();
  assert.equal(await runCli(['train', '--recipe', 'nope'], t), 2);
  assert.match(t.err(), /neither a preset \(demo, acereason\) nor an existing file/);
  t = io();
  assert.equal(await runCli(['train', '--recipe', 'demo', '--phase', 'code', '--plan'], t), 0);
  assert.doesNotMatch(t.out(), /\[math\]/);
});

test('--plan checks the dataset against the recipe: a prompt longer than the context is one clear error line', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
  const long = path.join(dir, 'curated.jsonl');
  fs.writeFileSync(long, [JSON.stringify({ id: 'p0', problem: 'Compute '.repeat(50) + '1+1.', answer: '2' }), JSON.stringify({ id: 'p1', problem: '1+2=?', answer: '3' })].join('\n') + '\n');
  const t = io();
  assert.equal(await runCli(['train', '--recipe', 'demo', '--phase', 'math', '--dataset', long, '--plan'], t), 2);
  const lines = t.err().trim().split('\n');
  assert.match(lines[lines.length - 1], /^acereason train: 1 of 2 math prompts in curated\.jsonl do not fit recipe 'demo': its context is 128 tokens and prompt 'p0' needs up to \d+/);
  // One error line; the other lines are warnings, and no stack trace.
  assert.ok(lines.slice(0, -1).every((l) => l.startsWith('warning: ')), t.err());
  assert.doesNotMatch(t.err(), /\n\s+at /);
  // A code file offered to a math run is refused the same way.
  const code = path.join(dir, 'code.jsonl');
  fs.writeFileSync(code, JSON.stringify({ id: 'c', problem: 'Print 1.', tests: [{ input: '', output: '1\n' }] }) + '\n');
  const c = io();
  assert.equal(await runCli(['train', '--recipe', 'demo', '--phase', 'math', '--dataset', code, '--plan'], c), 2);
  assert.match(c.err(), /code\.jsonl holds code problems; a math run needs math problems/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the terminal names the SFT warm-up as such, not as stage 1 of the RL plan', () => {
  const t = io();
  const ctx = terminalContext(t, { quiet: false }, () => false);
  ctx.emit({ type: 'progress', runId: 'r', stage: 'sft', stageIndex: 0, stageCount: 3, step: 0, totalSteps: 78, etaSeconds: 90, phase: 'sft 10/500 loss 0.500' });
  assert.match(t.err(), /^\[SFT warm-up\] ETA 1:30 · sft 10\/500 loss 0\.500/);
  assert.doesNotMatch(t.err(), /\(1\/3\)/);
  const u = io();
  const ctx2 = terminalContext(u, { quiet: false }, () => false);
  ctx2.emit({ type: 'progress', runId: 'r', stage: 'math-48', stageIndex: 1, stageCount: 3, step: 40, totalSteps: 78, etaSeconds: 60, phase: 'rl' });
  assert.match(u.err(), /^\[math-48 \(2\/3\)\] step 40\/78/);
});

test('--seeds 2: two ordinary runs, the plan printed once each, one report with mean ± sd and the claims', { timeout: 600_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seeds-'));
  const t = io();
  const code = await runCli(['train', '--recipe', path.join(__dirname, 'fixtures', 'tiny-recipe.json'), '--seeds', '2', '--out', dir, '--run-id', 'g', '--quiet'], t);
  assert.equal(code, 0, t.err());
  assert.equal(t.out().match(/recipe 'tiny': 3 stages/g)?.length, 2, t.out());
  const md = fs.readFileSync(path.join(dir, 'g', 'seeds.md'), 'utf8');
  assert.ok(fs.existsSync(path.join(dir, 'g', 'seeds.html')));
  // Mean ± sd of math pass@1 after math RL (step 4), computed here from the two runs' own metrics files.
  const at = (seed: number, step: number, key: string) => fs.readFileSync(path.join(dir, `g-seed${seed}`, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.step === step && key in l.data).pop().data[key] * 100;
  const a = at(3, 4, 'val-core/builtin-math/acc/mean@2'); const b = at(4, 4, 'val-core/builtin-math/acc/mean@2');
  const mean = (a + b) / 2; const sd = Math.abs(a - b) / Math.SQRT2;
  const rowLine = md.split('\n').find((l) => l.startsWith('| after math RL |'))!;
  assert.equal(rowLine.split('|')[2].trim(), `${mean.toFixed(1)} ± ${sd.toFixed(1)}`, rowLine);
  for (const label of ['before RL', 'after math RL', 'after code RL']) assert.match(md, new RegExp(`\\| ${label} \\|`));
  for (const id of ['1', '1b', '2a', '2b', '3']) assert.match(md, new RegExp(`\\| \\(${id}\\) .* \\| \\*\\*(held|not held|not checked)\\*\\* \\|`));
  assert.match(md, /\(3\) .*\*\*not checked\*\* .*evaluated with k = 2; needs k ≥ 16/); // the tiny recipe samples 2 per problem
  fs.rmSync(dir, { recursive: true, force: true });
});
