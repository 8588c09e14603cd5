// `acereason logprobs --model DIR --input FILE.jsonl`: the log-probability of every token given the
// tokens before it, as vLLM's prompt_logprobs reports it ([null, lp1, lp2, …]), for checking our
// numerics against any other implementation.
import { UserError } from '../../core/util/userError';
import { resolvePreference, selectBackend } from '../../trainer/backend';
import { loadPretrainedModel } from '../../trainer/hf/pretrainedModel';
import { readJsonObjects, tokenIds } from '../../trainer/hf/requestLines';
import { CliError, parseArgs, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'logprobs',
  summary: "Per-token log-probabilities of texts or token ids under a Hugging Face model folder (vLLM's prompt_logprobs)",
  usage: `Usage: acereason logprobs --model DIR --input FILE.jsonl [--adapter DIR] [--backend NAME]

Input lines: {"ids": [..]} or {"text": "..."} (encoded as transformers' tokenizer(text) does, with the
special tokens its post-processor adds). Output, one line each: {"ids": [..], "logprobs": [null, lp1, …]}
where lp_i = log p(ids[i] | ids[0..i-1]).
--adapter DIR applies a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors) on top of
--model: W + lora_alpha/r · B·A, merged as the weights load.`,
  async run(args, io) {
    const { values: v } = parseArgs({ args, options: { model: { type: 'string' }, adapter: { type: 'string' }, input: { type: 'string' }, backend: { type: 'string' } }, strict: true });
    if (!v.model) throw new CliError('--model DIR is required');
    if (!v.input) throw new CliError('--input FILE.jsonl is required');
    const lines = readJsonObjects(v.input);
    await selectBackend(resolvePreference(v.backend));
    const model = await loadPretrainedModel(v.model, { adapter: v.adapter });
    try {
      const context = model.policy.config.contextLength;
      const sequences = lines.map(({ line, value }) => {
        const where = { file: v.input!, line };
        let ids: number[];
        if (value.ids !== undefined) ids = tokenIds(value.ids, model.config.vocabSize, { ...where, field: 'ids' });
        else if (typeof value.text === 'string') ids = model.tokenizer.encodeWithSpecialTokens(value.text);
        else throw new UserError('expected "ids" (token ids) or "text"', where);
        if (ids.length === 0) throw new UserError('encodes to no tokens', { ...where, field: 'text' });
        if (ids.length > context) throw new UserError(`${ids.length} tokens exceed the model's context (${context})`, where);
        return ids;
      });
      const scored = await model.policy.logProbs(sequences.map((tokens) => ({ tokens, promptLength: 1, weight: 0 })));
      sequences.forEach((ids, i) => io.stdout.write(JSON.stringify({ ids, logprobs: [null, ...scored[i]] }) + '\n'));
      return 0;
    } finally {
      model.policy.dispose();
    }
  },
};
