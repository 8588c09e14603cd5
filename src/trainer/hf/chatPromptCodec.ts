// Prompt codec for pretrained models, per domain, with the recipe's conventions: the user turn is
// the problem plus the domain's instruction (math: "Please reason step by step, and put your final
// answer within \boxed{}."; code: the ```python format instruction), rendered through the model's
// chat template with the generation prompt. Whether <think> is opened by the template
// (DeepSeek-R1-Distill's ends with "<think>\n") or by the model (Qwen3) is the template's business;
// `thinkOpenedByPrompt` says which, so a response can be read as the full reasoning text.
import type { PromptRecord } from '../../core/dataset/records';
import type { PromptCodec } from '../rl/codec';
import { promptText } from '../tasks/prompt';
import type { ChatMessage, ChatTemplate } from './chatTemplate';
import type { HfTokenizer } from './hfTokenizer';

export class ChatPromptCodec implements PromptCodec {
  constructor(
    readonly tokenizer: HfTokenizer,
    readonly chat: ChatTemplate | null,
    readonly stopTokens: number[],
    /** Extra template variables (e.g. {enable_thinking: true} for Qwen3). */
    readonly templateExtra: Record<string, unknown> = {},
    /** The short prompt form (the built-in tiny model's, see tasks/prompt.ts) instead of the full instruction. */
    readonly compactPrompts = false,
  ) {}

  /** The user turn: the problem and the recipe's instruction for its domain. */
  userMessage(record: PromptRecord): string {
    const text = promptText(record, this.compactPrompts);
    return this.compactPrompts || !this.chat ? text : text.trimEnd();
  }

  /** The full prompt text the model sees. Without a chat template: <bos> (if any) + the user turn. */
  promptText(record: PromptRecord): string {
    return this.renderMessages([{ role: 'user', content: this.userMessage(record) }]);
  }

  renderMessages(messages: ChatMessage[]): string {
    if (this.chat) return this.chat.render(messages, { addGenerationPrompt: true, extra: this.templateExtra });
    return (this.tokenizer.bosToken ?? '') + messages.map((m) => m.content).join('\n');
  }

  promptIds(record: PromptRecord): number[] {
    return this.tokenizer.encode(this.promptText(record));
  }

  /** A demonstration response as trained on: its tokens, then the first stop token. */
  responseIds(text: string): number[] {
    if (this.stopTokens.length === 0) throw new Error('responseIds: the model has no stop token to end a demonstration with');
    const body = this.thinkOpenedByPrompt ? text.replace(/^<think>\n?/, '') : text;
    return [...this.tokenizer.encode(body), this.stopTokens[0]];
  }

  private thinkOpened: boolean | undefined;

  /** True when the rendered prompt already opened the reasoning block. */
  get thinkOpenedByPrompt(): boolean {
    this.thinkOpened ??= /<think>\s*$/.test(this.renderMessages([{ role: 'user', content: 'x' }]));
    return this.thinkOpened;
  }

  /** The response as text: the stop token dropped, and "<think>\n" restored when the prompt opened it. */
  responseText(ids: readonly number[]): string {
    const body = ids.length && this.stopTokens.includes(ids[ids.length - 1]) ? ids.slice(0, -1) : ids;
    const text = this.tokenizer.decode(body);
    return this.thinkOpenedByPrompt ? `<think>\n${text}` : text;
  }
}
