// `acereason eval --model DIR --data FILE --domain math|code [--k N]`: held-out avg@k / pass@k of a
// Hugging Face model folder with the recipe's rewards and prompt conventions (the domain's
// instruction in the user turn, the model's chat template), printed as a run's val-core metrics.
import fs from 'node:fs';
import { describeRowProblem } from '../../core/dataset/errors';
import { loadDataset } from '../../core/dataset/load';
import { UserError } from '../../core/util/userError';
import { resolvePreference, selectBackend } from '../../trainer/backend';
import { evalMetrics, evaluateHeldOut } from '../../trainer/eval/evaluate';
import { ChatPromptCodec } from '../../trainer/hf/chatPromptCodec';
import { loadPretrainedModel } from '../../trainer/hf/pretrainedModel';
import type { PromptCodec } from '../../trainer/rl/codec';
import { Rewards } from '../../trainer/rewards';
import { CliError, parseArgs, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'eval',
  summary: 'Held-out avg@k / pass@k of a Hugging Face model folder on a math or code dataset',
  usage: `Usage: acereason eval --model DIR --data FILE --domain math|code [options]

Samples k responses per problem (the DeepSeek-R1 / AceReason protocol: temperature 0.6, top-p 0.95),
scores them with the recipe's reward for the domain, and prints one JSON object of metrics named as a
run's: val-core/<source>/acc/mean@k (avg@k, i.e. pass@1) and val-aux/<source>/pass@k.

  --model DIR            the model folder (required)
  --adapter DIR          a PEFT LoRA adapter folder applied on top of --model (merged at load)
  --data FILE            JSONL, JSON or Parquet rows of the domain (required)
  --domain math|code     (required)
  --k N                  samples per problem (default 4)
  --max-new-tokens N     default 1024
  --temperature T        default 0.6
  --top-p P              default 0.95
  --seed S               default 0
  --no-chat              do not use the model's chat template (base models)
  --backend NAME         auto | tensorflow-gpu | tensorflow | wasm | cpu`,
  async run(args, io) {
    const { values: v } = parseArgs({
      args,
      options: {
        model: { type: 'string' }, adapter: { type: 'string' }, data: { type: 'string' }, domain: { type: 'string' }, k: { type: 'string' },
        'max-new-tokens': { type: 'string' }, temperature: { type: 'string' }, 'top-p': { type: 'string' }, seed: { type: 'string' },
        'no-chat': { type: 'boolean' }, backend: { type: 'string' },
      },
      strict: true,
    });
    if (!v.model) throw new CliError('--model DIR is required');
    if (!v.data) throw new CliError('--data FILE is required');
    if (v.domain !== 'math' && v.domain !== 'code') throw new CliError(`--domain must be math or code${v.domain ? `, got '${v.domain}'` : ''}`);
    const num = (name: string, raw: string | undefined, fallback: number, ok: (x: number) => boolean, rule: string) => {
      if (raw === undefined) return fallback;
      const x = Number(raw);
      if (!Number.isFinite(x) || !ok(x)) throw new CliError(`--${name} must be ${rule}, got '${raw}'`);
      return x;
    };
    const k = num('k', v.k, 4, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
    const maxNewTokens = num('max-new-tokens', v['max-new-tokens'], 1024, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
    const temperature = num('temperature', v.temperature, 0.6, (x) => x >= 0, 'a number >= 0');
    const topP = num('top-p', v['top-p'], 0.95, (x) => x > 0 && x <= 1, 'in (0, 1]');
    const seed = num('seed', v.seed, 0, Number.isInteger, 'an integer');
    if (!fs.existsSync(v.data)) throw new UserError('no such file', { file: v.data });
    const loaded = await loadDataset([v.data], { domain: v.domain });
    const records = loaded.records.filter((r) => r.domain === v.domain);
    if (records.length === 0) {
      const first = loaded.skipped[0];
      throw new UserError(`no usable ${v.domain} rows${first ? ` (first problem: ${describeRowProblem(first)})` : ''}`, { file: v.data });
    }
    if (loaded.skipped.length) io.stderr.write(`${v.data}: ${loaded.skipped.length} of ${loaded.rowsRead} rows skipped; first: ${describeRowProblem(loaded.skipped[0])}\n`);
    await selectBackend(resolvePreference(v.backend));
    const model = await loadPretrainedModel(v.model, { adapter: v.adapter });
    const rewards = new Rewards();
    try {
      const codec = new ChatPromptCodec(model.tokenizer, v['no-chat'] ? null : model.chat, model.stopIds);
      const context = model.policy.config.contextLength;
      const result = await evaluateHeldOut({
        policy: model.policy,
        // evaluateHeldOut reads only promptIds / responseText / stopTokens of its codec.
        codec: codec as unknown as PromptCodec,
        rewards,
        records,
        k,
        temperature,
        topP,
        maxNewTokens: Math.min(maxNewTokens, context - Math.max(...records.map((r) => codec.promptIds(r).length))),
        seed,
      });
      io.stdout.write(JSON.stringify({ model: v.model, ...(v.adapter ? { adapter: v.adapter } : {}), data: v.data, problems: records.length, k, ...evalMetrics(result) }) + '\n');
      return 0;
    } finally {
      model.policy.dispose();
      await rewards.close();
    }
  },
};
