// A model's chat template (Jinja, from tokenizer_config.json's chat_template or chat_template.jinja)
// rendered with @huggingface/jinja the way transformers' apply_chat_template renders it: the
// special tokens of tokenizer_config.json as variables, add_generation_prompt, and extra keyword
// arguments such as Qwen3's enable_thinking.
import fs from 'node:fs';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { UserError } from '../../core/util/userError';
import type { HfTokenizer } from './hfTokenizer';
import { tokenText, TOKENIZER_CONFIG_FILE } from './hfTokenizer';

export const CHAT_TEMPLATE_FILE = 'chat_template.jinja';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface RenderOptions {
  addGenerationPrompt: boolean;
  /** Template variables beyond messages (e.g. {enable_thinking: false} for Qwen3). */
  extra?: Record<string, unknown>;
}

const SPECIAL_TOKEN_KEYS = ['bos_token', 'eos_token', 'unk_token', 'pad_token', 'sep_token', 'cls_token', 'mask_token'];

export class ChatTemplate {
  private readonly template: Template;
  private readonly variables: Record<string, unknown>;

  constructor(readonly source: string, tokenizerConfig: Record<string, unknown>, readonly file: string) {
    try {
      this.template = new Template(source);
    } catch (e) {
      throw new UserError(`chat template does not parse: ${(e as Error).message.split('\n')[0]}`, { file, field: 'chat_template' });
    }
    this.variables = {};
    for (const k of SPECIAL_TOKEN_KEYS) {
      const text = tokenText(tokenizerConfig[k]);
      if (text !== null) this.variables[k] = text;
    }
  }

  /** chat_template.jinja if present (newer repos), else tokenizer_config.json's chat_template; null if neither. */
  static fromFolder(dir: string, tokenizer: HfTokenizer): ChatTemplate | null {
    const jinja = path.join(dir, CHAT_TEMPLATE_FILE);
    if (fs.existsSync(jinja)) return new ChatTemplate(fs.readFileSync(jinja, 'utf8'), tokenizer.config, jinja);
    const raw = tokenizer.config.chat_template;
    const file = path.join(dir, TOKENIZER_CONFIG_FILE);
    if (raw === undefined || raw === null) return null;
    if (typeof raw === 'string') return new ChatTemplate(raw, tokenizer.config, file);
    // Older repos: a list of named templates; transformers uses the one named "default".
    if (Array.isArray(raw)) {
      const named = raw.find((t) => t && typeof t === 'object' && (t as { name?: unknown }).name === 'default') as { template?: unknown } | undefined;
      if (named && typeof named.template === 'string') return new ChatTemplate(named.template, tokenizer.config, file);
    }
    throw new UserError('must be a Jinja string (or a list with a template named "default")', { file, field: 'chat_template' });
  }

  render(messages: ChatMessage[], opts: RenderOptions): string {
    try {
      return this.template.render({
        ...this.variables,
        ...opts.extra,
        messages,
        add_generation_prompt: opts.addGenerationPrompt,
      });
    } catch (e) {
      throw new UserError(`chat template failed to render: ${(e as Error).message.split('\n')[0]}`, { file: this.file, field: 'chat_template' });
    }
  }

  /**
   * The text the template writes right after an assistant turn's content (Qwen's '<|im_end|>',
   * DeepSeek's '<｜end▁of▁sentence｜>'): its first token ends a generated turn.
   */
  turnEndText(): string {
    const marker = 'ZZ_ASSISTANT_TURN_ZZ';
    const text = this.render([{ role: 'user', content: 'hi' }, { role: 'assistant', content: marker }], { addGenerationPrompt: false });
    const at = text.lastIndexOf(marker);
    return at < 0 ? '' : text.slice(at + marker.length);
  }
}
