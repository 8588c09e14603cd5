// Input lines of `acereason generate` / `logprobs`: one JSON object per line, checked field by field,
// every problem reported with the file, the line and the field.
import fs from 'node:fs';
import { UserError } from '../../core/util/userError';
import type { ChatMessage } from './chatTemplate';

export type PromptRequest = { kind: 'text'; text: string } | { kind: 'ids'; ids: number[] } | { kind: 'messages'; messages: ChatMessage[] };

export function readJsonObjects(file: string): { line: number; value: Record<string, unknown> }[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message, { file });
  }
  const out: { line: number; value: Record<string, unknown> }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new UserError(`not JSON: ${(e as Error).message}`, { file, line: i + 1 });
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UserError('expected a JSON object', { file, line: i + 1 });
    out.push({ line: i + 1, value: value as Record<string, unknown> });
  });
  if (out.length === 0) throw new UserError('no input lines', { file });
  return out;
}

export function tokenIds(value: unknown, vocabSize: number, where: { file: string; line: number; field: string }): number[] {
  if (!Array.isArray(value) || value.length === 0) throw new UserError('must be a non-empty list of token ids', where);
  value.forEach((id, j) => {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new UserError(`item ${j} is ${JSON.stringify(id)}, not a token id in 0..${vocabSize - 1}`, where);
  });
  return value as number[];
}

/** {"prompt": text} | {"prompt_ids": [..]} | {"messages": [{role, content}]} (messages need --chat). */
export function promptRequest(value: Record<string, unknown>, where: { file: string; line: number }, vocabSize: number, chat: boolean): PromptRequest {
  if (typeof value.prompt === 'string') return { kind: 'text', text: value.prompt };
  if (value.prompt_ids !== undefined) return { kind: 'ids', ids: tokenIds(value.prompt_ids, vocabSize, { ...where, field: 'prompt_ids' }) };
  if (value.messages !== undefined) {
    if (!chat) throw new UserError("'messages' needs --chat (the model's chat template renders them)", { ...where, field: 'messages' });
    const m = value.messages;
    if (!Array.isArray(m) || m.length === 0) throw new UserError('must be a non-empty list of {"role", "content"}', { ...where, field: 'messages' });
    m.forEach((x, j) => {
      if (!x || typeof x !== 'object' || typeof (x as ChatMessage).role !== 'string' || typeof (x as ChatMessage).content !== 'string') {
        throw new UserError(`item ${j} must be {"role": string, "content": string}`, { ...where, field: 'messages' });
      }
    });
    return { kind: 'messages', messages: (m as ChatMessage[]).map((x) => ({ role: x.role, content: x.content })) };
  }
  throw new UserError(`expected "prompt" (text), "prompt_ids" (token ids) or "messages" (with --chat); got fields ${Object.keys(value).join(', ') || 'none'}`, where);
}
