import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preset } from '../../../src/core/rl/presets';
import { MATH_INSTRUCTION } from '../../../src/core/dataset/records';
import { promptText, promptTokenBound } from '../../../src/core/launch/promptText';
import { sniffDatasetDomain, validateLaunch } from '../../../src/core/launch/validateLaunch';
import type { Recipe } from '../../../src/core/rl/recipe';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launch-'));
function jsonl(name: string, rows: object[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}
const mathRows = (n: number, problem: (i: number) => string) => Array.from({ length: n }, (_, i) => ({ id: `m${i}`, problem: problem(i), answer: String(i) }));
const codeRows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${i}`, problem: `Print ${i}.`, tests: [{ input: '', output: `${i}\n` }] }));

/** The demo recipe pointed at files, with a context wide enough for short prompts. */
function wide(contextLength: number): Recipe {
  const r = preset('demo');
  return { ...r, model: { ...r.model, contextLength }, data: { source: 'files', heldOutFraction: 0.2 } };
}

test('prompt token bound: <bos> + one per code point of problem, newline, instruction, newline', () => {
  const text = promptText({ id: 'a', source: 's', domain: 'math', problem: 'x²=4', answer: '2' }, false);
  // Counted by hand: 1 (<bos>) + 4 ("x²=4", ² is one code point) + 1 + instruction + 1.
  assert.equal(promptTokenBound(text), 1 + 4 + 1 + MATH_INSTRUCTION.length + 1);
  assert.equal(promptTokenBound('😀'), 2, 'an astral character is one code point, one token');
});

test('a math file whose prompts exceed the demo context is refused before launch, naming the prompt and the context', async () => {
  const file = jsonl('long.jsonl', mathRows(40, (i) => `Problem ${i}: ${'a long statement '.repeat(20)}`));
  const check = await validateLaunch({ recipe: preset('demo'), datasetPath: file, domain: 'math' });
  assert.equal(check.errors.length, 1, check.errors.join('\n'));
  assert.match(check.errors[0], /40 of 40 math prompts in long\.jsonl do not fit recipe 'demo': its context is 128 tokens/);
  assert.match(check.errors[0], /prompt 'm\d+' needs up to \d{3} /);
});

test('a code file offered to a math launch is refused as the wrong domain (and the other way round)', async () => {
  const code = jsonl('code.jsonl', codeRows(30));
  const math = jsonl('math.jsonl', mathRows(30, (i) => `What is ${i}+0?`));
  const a = await validateLaunch({ recipe: wide(400), datasetPath: code, domain: 'math' });
  assert.deepEqual(a.errors, [`code.jsonl holds code problems; a math run needs math problems (problem + answer) (${code})`]);
  const b = await validateLaunch({ recipe: wide(400), datasetPath: math, domain: 'code' });
  assert.match(b.errors.join('\n'), /math\.jsonl holds math problems; a code run needs code problems/);
  assert.equal(await sniffDatasetDomain(code), 'code');
  assert.equal(await sniffDatasetDomain(math), 'math');
});

test('a fitting file passes; the held-out split is the trainer\'s id-hash split', async () => {
  const file = jsonl('fit.jsonl', mathRows(60, (i) => `What is ${i}+0?`));
  const check = await validateLaunch({ recipe: wide(400), datasetPath: file, domain: 'math' });
  assert.deepEqual(check, { errors: [], warnings: [] });
});

test('no held-out prompts and unreadable rows are warnings that say why', async () => {
  const file = jsonl('tiny.jsonl', [{ id: 'only', problem: 'What is 1+1?', answer: '2' }, { id: 'bad', problem: 'No answer here' }]);
  const recipe = { ...wide(400), data: { source: 'files' as const, heldOutFraction: 0 } };
  const check = await validateLaunch({ recipe, datasetPath: file, domain: 'math' });
  assert.deepEqual(check.errors, []);
  assert.equal(check.warnings.length, 2, check.warnings.join('\n'));
  assert.match(check.warnings[0], /1 row\(s\) of tiny\.jsonl cannot be used and will be skipped; the first: .*tiny\.jsonl:2/);
  assert.match(check.warnings[1], /no held-out math prompts .* so the run is never evaluated/);
});

test('prompts that fit but leave less than the stage budget are a warning, not an error', async () => {
  // demo math stages answer in up to 48 tokens; a 100-token context leaves less for ~90-token prompts.
  const file = jsonl('squeezed.jsonl', mathRows(40, (i) => `Q${i} ${'b'.repeat(5)}`));
  const bound = promptTokenBound(promptText({ id: 'x', source: 's', domain: 'math', problem: 'Q10 bbbbb', answer: '1' }, false));
  const check = await validateLaunch({ recipe: wide(bound + 10), datasetPath: file, domain: 'math' });
  assert.deepEqual(check.errors, []);
  assert.match(check.warnings.join('\n'), /leave less than 48 tokens of response/);
});

test('a recipe without a stage of the domain, a missing file and a folder without the domain file are errors', async () => {
  const r = preset('demo');
  const mathOnly = { ...r, stages: r.stages.filter((s) => s.domain === 'math') };
  assert.match((await validateLaunch({ recipe: mathOnly, domain: 'code' })).errors[0], /recipe 'demo' has no code stage/);
  assert.match((await validateLaunch({ recipe: r, datasetPath: path.join(dir, 'nope.jsonl'), domain: 'math' })).errors[0], /dataset .*nope\.jsonl does not exist/);
  const folder = fs.mkdtempSync(path.join(dir, 'folder-'));
  assert.match((await validateLaunch({ recipe: r, datasetPath: folder, domain: 'code' })).errors[0], /has no code\.jsonl/);
  const files = { ...r, data: { source: 'files' as const, heldOutFraction: 0.05 } };
  assert.match((await validateLaunch({ recipe: files, domain: 'math' })).errors[0], /names no math file/);
  assert.deepEqual(await validateLaunch({ recipe: r, domain: 'math' }), { errors: [], warnings: [] }, 'the built-in tasks need no file');
});
