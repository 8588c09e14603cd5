// `acereason generate` / `logprobs` on the built-in GPT written as a model folder: the CLI reads it as
// any downloaded model, generates what the original policy generates, and scores as the torch
// reference (test/reference/gpt2_reference.py) does.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import type { CliCommand, CliIO } from '../../../src/cli/command';
import { command as generate } from '../../../src/cli/commands/generate';
import { command as logprobs } from '../../../src/cli/commands/logprobs';
import { selectBackend } from '../../../src/trainer/backend';
import { writeModelFolder } from '../../../src/trainer/hf/writeModelFolder';
import type { PolicyConfig } from '../../../src/trainer/model/policy';
import { CharTokenizer } from '../../../src/trainer/model/tokenizer';
import { TransformerPolicy } from '../../../src/trainer/model/transformerPolicy';
import { gpt2ReferenceScores } from './gpt2Reference';

const tokenizer = CharTokenizer.fromCorpus(['What is 2 + 3?\n<think>\n2 + 3 = 5\n</think>\n\\boxed{5}'], { extraChars: ' abcdefghijklmnopqrstuvwxyz0123456789?' });
const config: PolicyConfig = { vocabSize: tokenizer.vocabSize, contextLength: 48, layers: 2, heads: 2, width: 16, mlpRatio: 4, seed: 5 };
let work: string;
let dir: string;
let policy: TransformerPolicy;

before(async () => {
  await selectBackend('wasm');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'gpt2-cli-'));
  dir = path.join(work, 'sft-model');
  policy = new TransformerPolicy(config);
  let x = 99;
  const noise = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.6;
  policy.setWeights(policy.getWeights().map((w) => w.map((v) => v + noise())));
  writeModelFolder(dir, { kind: 'builtin', policyConfig: config, weights: { variables: policy.getWeights() }, tokenizer });
});
after(() => {
  policy.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

async function run(cmd: CliCommand, args: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const io: CliIO = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), isTTY: false, cwd: work };
  const code = await cmd.run([...args, '--backend', 'wasm'], io);
  return { code, out: Buffer.concat(chunks).toString('utf8') };
}

test('generate --prompt --json on the written folder: the original policy\'s greedy continuation, decoded by the folder\'s tokenizer', async () => {
  const prompt = 'What is 2 + 3?\n';
  const { code, out } = await run(generate, ['--model', dir, '--prompt', prompt, '--temperature', '0', '--max-new-tokens', '20', '--json']);
  assert.equal(code, 0);
  const line = JSON.parse(out.trim());
  assert.equal(line.prompt_text, prompt);
  assert.deepEqual(line.prompt_ids, tokenizer.encode(prompt));
  const original = await policy.sample([tokenizer.encode(prompt)], { maxNewTokens: 20, temperature: 0, topP: 1, stopTokens: [tokenizer.eosId], seed: 0 });
  assert.deepEqual(line.ids, original.responses[0]);
  const ref = gpt2ReferenceScores(dir, { prompts: [tokenizer.encode(prompt)], max_new_tokens: 20 });
  const stopAt = ref.greedy[0].indexOf(tokenizer.eosId);
  assert.deepEqual(line.ids, stopAt < 0 ? ref.greedy[0] : ref.greedy[0].slice(0, stopAt + 1));
  assert.equal(line.finish_reason, stopAt < 0 ? 'length' : 'stop');
  const body = stopAt < 0 ? line.ids : line.ids.slice(0, -1);
  // As transformers decodes (skip_special_tokens=False): special tokens are written out.
  assert.equal(line.text, body.map((id: number) => tokenizer.tokenText(id)).join(''));
});

test('logprobs on the written folder: the original policy\'s, within 1e-4 of the torch reference', async () => {
  const texts = ['<bos>What is 2 + 3?\n<think>\n2 + 3 = 5\n</think>\n\\boxed{5}<eos>', 'abc 123'];
  const file = path.join(work, 'lp.jsonl');
  fs.writeFileSync(file, texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  const { code, out } = await run(logprobs, ['--model', dir, '--input', file]);
  assert.equal(code, 0);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  // The folder's tokenizer reads "<bos>"/"<eos>" in text as the special tokens (Hugging Face's rule).
  assert.deepEqual(lines[0].ids, [tokenizer.bosId, ...tokenizer.encode(texts[0].slice(5, -5)), tokenizer.eosId]);
  assert.deepEqual(lines[1].ids, tokenizer.encode(texts[1]));
  const ref = gpt2ReferenceScores(dir, { sequences: lines.map((l) => l.ids) });
  const original = await policy.logProbs(lines.map((l) => ({ tokens: l.ids, promptLength: 1, weight: 0 })));
  lines.forEach((l, i) => {
    assert.equal(l.logprobs[0], null);
    l.logprobs.slice(1).forEach((lp: number, j: number) => {
      assert.ok(Math.abs(lp - (ref.logprobs[i][j + 1] as number)) < 1e-4, `line ${i} token ${j + 1}: ${lp} vs reference ${ref.logprobs[i][j + 1]}`);
      assert.ok(Math.abs(lp - original[i][j]) <= 1e-6, `line ${i} token ${j + 1}: ${lp} vs original ${original[i][j]}`);
    });
  });
});
