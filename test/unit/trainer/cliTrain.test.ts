import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';

function io(): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough(); const stderr = new PassThrough();
  let o = ''; let e = '';
  stdout.on('data', (d) => { o += d; }); stderr.on('data', (d) => { e += d; });
  return { stdout, stderr, stdin: new PassThrough(), isTTY: false, cwd: process.cwd(), out: () => o, err: () => e };
}

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
