// `acereason generate --model DIR (--prompt TEXT | --input FILE.jsonl) …`: text from a Hugging Face
// model folder, greedy (temperature 0) or sampled, streamed to the terminal or as JSON lines.
import { UserError } from '../../core/util/userError';
import { resolvePreference, selectBackend } from '../../trainer/backend';
import { loadPretrainedModel, type PretrainedModel } from '../../trainer/hf/pretrainedModel';
import { promptRequest, readJsonObjects, type PromptRequest } from '../../trainer/hf/requestLines';
import { CliError, parseArgs, type CliCommand } from '../command';

const USAGE = `Usage: acereason generate --model DIR (--prompt TEXT | --input FILE.jsonl) [options]

Generates text with a Hugging Face model folder (config.json, *.safetensors, tokenizer.json, …;
Llama, Qwen2, Qwen3, Mistral). Input lines: {"prompt": "..."}, {"prompt_ids": [..]} or, with --chat,
{"messages": [{"role": "user", "content": "..."}]}.

  --model DIR            the model folder (required)
  --adapter DIR          a PEFT LoRA adapter folder applied on top of --model (merged at load)
  --prompt TEXT          one prompt (instead of --input)
  --input FILE           JSONL, one prompt per line
  --chat                 render prompts with the model's chat template (add_generation_prompt)
  --max-new-tokens N     default 256
  --temperature T        0 = greedy (default: generation_config.json's, else 1)
  --top-p P              default: generation_config.json's, else 1
  --seed S               sampling seed (default 0)
  --json                 one line per prompt: {"prompt_text", "prompt_ids", "ids", "text", "finish_reason"}
                         (without it the text streams to the terminal as it is generated)
  --backend NAME         auto | tensorflow-gpu | tensorflow | wasm | cpu`;

export interface PreparedPrompt {
  text: string;
  ids: number[];
}

/** Token ids of a request the way transformers / vLLM would build them. */
export function preparePrompt(model: PretrainedModel, req: PromptRequest, chat: boolean): PreparedPrompt {
  const render = (messages: { role: string; content: string }[]) => {
    if (!model.chat) throw new UserError('the model has no chat template (tokenizer_config.json chat_template or chat_template.jinja); drop --chat', { file: model.dir });
    return model.chat.render(messages, { addGenerationPrompt: true });
  };
  if (req.kind === 'ids') return { text: model.tokenizer.decode(req.ids), ids: req.ids };
  if (req.kind === 'messages' || chat) {
    const text = render(req.kind === 'messages' ? req.messages : [{ role: 'user', content: req.text }]);
    return { text, ids: model.tokenizer.encode(text) };
  }
  return { text: req.text, ids: model.tokenizer.encodeWithSpecialTokens(req.text) };
}

function number(name: string, raw: string | undefined, fallback: number, check: (v: number) => boolean, rule: string): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || !check(v)) throw new CliError(`--${name} must be ${rule}, got '${raw}'`);
  return v;
}

export const command: CliCommand = {
  name: 'generate',
  summary: 'Generate text with a Hugging Face model folder (Llama, Qwen2, Qwen3, Mistral)',
  usage: USAGE,
  async run(args, io) {
    const { values: v } = parseArgs({
      args,
      options: {
        model: { type: 'string' }, adapter: { type: 'string' }, prompt: { type: 'string' }, input: { type: 'string' }, chat: { type: 'boolean' },
        'max-new-tokens': { type: 'string' }, temperature: { type: 'string' }, 'top-p': { type: 'string' }, seed: { type: 'string' },
        json: { type: 'boolean' }, backend: { type: 'string' },
      },
      strict: true,
    });
    if (!v.model) throw new CliError('--model DIR is required');
    if ((v.prompt === undefined) === (v.input === undefined)) throw new CliError('give exactly one of --prompt TEXT or --input FILE.jsonl');
    const maxNewTokens = number('max-new-tokens', v['max-new-tokens'], 256, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
    const seed = number('seed', v.seed, 0, Number.isInteger, 'an integer');
    await selectBackend(resolvePreference(v.backend));
    const model = await loadPretrainedModel(v.model, { adapter: v.adapter });
    try {
      const temperature = number('temperature', v.temperature, model.generation.temperature ?? 1, (x) => x >= 0, 'a number >= 0');
      const topP = number('top-p', v['top-p'], model.generation.topP ?? 1, (x) => x > 0 && x <= 1, 'in (0, 1]');
      const vocab = model.config.vocabSize;
      const requests: { req: PromptRequest; where?: { file: string; line: number } }[] = v.input
        ? readJsonObjects(v.input).map(({ line, value }) => ({ req: promptRequest(value, { file: v.input!, line }, vocab, !!v.chat), where: { file: v.input!, line } }))
        : [{ req: { kind: 'text', text: v.prompt! } }];
      const prompts = requests.map(({ req, where }) => {
        const p = preparePrompt(model, req, !!v.chat);
        if (p.ids.length === 0) throw new UserError('the prompt encodes to no tokens', { ...where, field: 'prompt' });
        if (p.ids.length >= model.policy.config.contextLength) {
          throw new UserError(`the prompt has ${p.ids.length} tokens; the model's context is ${model.policy.config.contextLength}`, { ...where, field: 'prompt' });
        }
        return p;
      });
      const options = { maxNewTokens, temperature, topP, stopTokens: model.stopIds, seed };
      const textOf = (ids: number[]) => model.tokenizer.decode(ids.length && model.stopIds.includes(ids[ids.length - 1]) ? ids.slice(0, -1) : ids);
      if (v.json) {
        const out = await model.policy.sample(prompts.map((p) => p.ids), options);
        prompts.forEach((p, i) => {
          const ids = out.responses[i];
          const finish = ids.length && model.stopIds.includes(ids[ids.length - 1]) ? 'stop' : 'length';
          io.stdout.write(JSON.stringify({ prompt_text: p.text, prompt_ids: p.ids, ids, text: textOf(ids), finish_reason: finish }) + '\n');
        });
        return 0;
      }
      for (let i = 0; i < prompts.length; i++) {
        // Stream: write whatever new text the ids so far decode to, holding back a half-decoded character.
        const ids: number[] = [];
        let shown = '';
        await model.policy.sample([prompts[i].ids], {
          ...options,
          firstStream: i,
          onToken: (_p, token) => {
            ids.push(token);
            const text = textOf(ids);
            if (text.endsWith('\uFFFD') || !text.startsWith(shown)) return;
            io.stdout.write(text.slice(shown.length));
            shown = text;
          },
        });
        const rest = textOf(ids);
        io.stdout.write((rest.startsWith(shown) ? rest.slice(shown.length) : '') + '\n');
      }
      return 0;
    } finally {
      model.policy.dispose();
    }
  },
};
