// How a record becomes the text the policy sees, and how many tokens that text is at most.
// The full form appends the recipe's instruction (AceReason appendix A.1); the compact form drops
// it for the tiny demo model, whose context is a few hundred characters. Prompts read from files
// always use the full form (the trainer sets compactPrompts only for built-in tasks).
import { CODE_INSTRUCTION, MATH_INSTRUCTION, type PromptRecord } from '../dataset/records';

export function promptText(record: PromptRecord, compact: boolean): string {
  if (compact) return `${record.problem}\n`;
  if (record.domain === 'math') return `${record.problem}\n${MATH_INSTRUCTION}\n`;
  const header = record.starterCode ? `\nFunction header:\n${record.starterCode}\n` : record.fnName ? `\nFunction name: ${record.fnName}\n` : '';
  return `${record.problem}\n${header}\n${CODE_INSTRUCTION}\n`;
}

/**
 * Upper bound on the prompt's token count under the trainer's character-level tokenizer: <bos>
 * plus one token per code point. The tokenizer's markup atoms (`\boxed{`, the ```python fence)
 * only ever merge characters, so the true count is at most this (a few tokens fewer when the
 * instruction's atoms are merged). The trainer refuses a prompt of `contextLength` tokens or more.
 */
export function promptTokenBound(text: string): number {
  let n = 1;
  for (const _ of text) n++;
  return n;
}
