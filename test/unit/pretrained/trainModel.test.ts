// `acereason train --model DIR`: the recipe's model becomes the folder (withModelPath), `--plan` names it
// and prints the memory estimate from config.json against free memory, and a run that cannot fit is
// refused before the backend starts or any weight is read.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import type { CliIO } from '../../../src/cli/command';
import { command as train } from '../../../src/cli/commands/train';
import { FREE_MEMORY_ENV } from '../../../src/trainer/memoryCheck';

let work: string;
let model: string;

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'train-model-'));
  model = path.join(work, 'Qwen2.5-0.5B');
  fs.mkdirSync(model);
  // config.json only: nothing here could be loaded, so a plan or a refusal proves no weight was read.
  fs.writeFileSync(path.join(model, 'config.json'), JSON.stringify({
    architectures: ['Qwen2ForCausalLM'], vocab_size: 151936, hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24,
    num_attention_heads: 14, num_key_value_heads: 2, max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000, tie_word_embeddings: true,
  }));
});
after(() => {
  fs.rmSync(work, { recursive: true, force: true });
  delete process.env[FREE_MEMORY_ENV];
});

async function run(args: string[]): Promise<string> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const io: CliIO = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), isTTY: false, cwd: work };
  await train.run(args, io);
  return Buffer.concat(chunks).toString('utf8');
}

test('train --plan --model DIR: the plan names the folder and prints the memory estimate', async () => {
  process.env[FREE_MEMORY_ENV] = '64G';
  const out = await run(['--recipe', 'demo', '--model', 'Qwen2.5-0.5B', '--plan']);
  assert.match(out, new RegExp(`model ${model.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(full fine-tuning\\) ctx \\d+`));
  // 494,032,768 parameters, all trained: weights 1.8 GiB, gradients 1.8 GiB, Adam 3.7 GiB.
  assert.match(out, /^memory: estimated peak \d+\.\d GiB of 64\.0 GiB free \(weights 1\.8 GiB, gradients 1\.8 GiB, Adam 3\.7 GiB, .*\); 494,032,768 of 494,032,768 parameters trained$/m);
});

test('train --model on a machine without the memory: --plan says what to change, a run is refused before it starts', async () => {
  process.env[FREE_MEMORY_ENV] = '4G';
  const plan = await run(['--recipe', 'demo', '--model', model, '--plan']);
  assert.match(plan, /^memory: field 'model': this run needs about \d+\.\d GiB but 4\.0 GiB is free .*To fit: use "lora"/m);
  await assert.rejects(run(['--recipe', 'demo', '--model', model, '--out', path.join(work, 'runs')]), (e: Error) => e.name === 'CliError' && /this run needs about .* but 4\.0 GiB is free/.test(e.message));
  assert.ok(!fs.existsSync(path.join(work, 'runs')), 'no run folder was created');
  assert.match(await run(['--recipe', 'demo', '--model', path.join(work, 'missing'), '--plan']), /^memory: the model folder .*missing does not exist: pass --model DIR/m);
  await assert.rejects(run(['--recipe', 'demo', '--model', path.join(work, 'missing')]), /the model folder .*missing does not exist: pass --model DIR/);
});
