import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSolutionHeader } from '../../../src/core/codelens/header';
import { markdownCodeBlocks } from '../../../src/core/codelens/codeBlocks';
import { extractCode } from '../../../src/core/reward/code/extract';
import { runDataset, sampleDocumentPath, sampleDocumentText } from '../../../src/extension/dashboard/sampleText';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-sample-text-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('sample documents', () => {
  test('a code sample opens as Python with the CodeLens header and the last fenced block after </think>', () => {
    const response = '<think>try ```python\nprint(0)\n```</think>\nHere:\n```python\nprint(input())\n```\n';
    assert.equal(extractCode(response), 'print(input())');
    const doc = sampleDocumentText({
      step: 3, stage: 'code-24k', promptId: 'cf 1/A', domain: 'code', prompt: 'echo', response, reward: 1, verdict: 'ok',
    }, '/data/my set.jsonl');
    assert.equal(doc.language, 'python');
    assert.equal(doc.content, '# acereason: problem="cf 1/A" dataset="/data/my set.jsonl"\nprint(input())\n');
    // The CodeLens reads back exactly what was written (the old %20 encoding never decoded).
    assert.deepEqual(parseSolutionHeader(doc.content.split('\n')[0]), { kind: 'ok', header: { problemId: 'cf 1/A', dataset: '/data/my set.jsonl' } });
  });

  test('an unfinished <think> opens with no code, as the grader graded none (the old extractor ran the draft)', () => {
    const response = '<think>maybe\n```python\nprint("draft")\n```\nstill thinking';
    const doc = sampleDocumentText({ step: 1, stage: 'code-24k', promptId: 'p', domain: 'code', prompt: 'x', response, reward: 0, verdict: 'no code' }, 'd.jsonl');
    assert.equal(extractCode(response), null, 'the grader runs nothing');
    const body = doc.content.split('\n').slice(1);
    assert.ok(body.every((l) => l === '' || l.startsWith('#')), 'every line after the header is a comment: nothing runs');
    assert.match(doc.content, /never closed its <think>/);
    assert.deepEqual(markdownCodeBlocks(response), [], 'the CodeLens finds no block either');
  });

  test('a solution is saved under the run folder with a name that tells steps, stages, prompts and responses apart', () => {
    const base = { step: 7, stage: 'code-24k', promptId: 'lc/two sum:é', domain: 'code' as const, prompt: 'x', response: 'a', reward: 0, verdict: '' };
    const p1 = sampleDocumentPath('/ws/run', base);
    assert.match(p1, /^\/ws\/run\/solutions\/step-00007-code-24k-lc_two_sum_é-[0-9a-f]{8}\.py$/);
    assert.notEqual(sampleDocumentPath('/ws/run', { ...base, response: 'b' }), p1);
    assert.match(sampleDocumentPath('/ws/run', { ...base, domain: 'math', promptId: '../../etc/passwd' }), /^\/ws\/run\/solutions\/step-00007-code-24k-etc_passwd-[0-9a-f]{8}\.md$/);
  });

  test('the dataset comes from the run config, else the built-in recipe', () => {
    const withDataset = path.join(tmp, 'a.json');
    fs.writeFileSync(withDataset, JSON.stringify({ dataset: '/d/curated.jsonl', recipe: 'demo' }));
    const recipeOnly = path.join(tmp, 'b.json');
    fs.writeFileSync(recipeOnly, JSON.stringify({ recipe: { name: 'acereason' } }));
    assert.equal(runDataset(withDataset), '/d/curated.jsonl');
    assert.equal(runDataset(recipeOnly), 'builtin:acereason');
    assert.equal(runDataset(path.join(tmp, 'missing.json')), 'builtin:demo');
    const files = path.join(tmp, 'c.json');
    fs.writeFileSync(files, JSON.stringify({ recipe: { name: 'acereason', data: { source: 'files', math: '/d/m.jsonl', code: '/d/c.jsonl' } } }));
    assert.equal(runDataset(files, 'code'), '/d/c.jsonl');
    assert.equal(runDataset(files, 'math'), '/d/m.jsonl');
  });

  test('the prompts a run wrote into its folder win, per domain', () => {
    const run = fs.mkdtempSync(path.join(tmp, 'run-'));
    const config = path.join(run, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ recipe: 'demo' }));
    fs.mkdirSync(path.join(run, 'data'));
    fs.writeFileSync(path.join(run, 'data', 'code.jsonl'), '');
    assert.equal(runDataset(config, 'code'), path.join(run, 'data', 'code.jsonl'));
    assert.equal(runDataset(config, 'math'), 'builtin:demo', 'no math file written: fall back');
  });

  test('a math sample opens as Markdown with prompt, response and extracted answer', () => {
    const doc = sampleDocumentText({
      step: 1, stage: 'math-8k', promptId: 'p1', domain: 'math', prompt: 'What is 1+1?', response: '\\boxed{2}', reward: 1, extracted: '2', verdict: 'ok',
    }, 'builtin:demo');
    assert.equal(doc.language, 'markdown');
    assert.ok(doc.content.startsWith('<!-- acereason: problem=p1 dataset=builtin:demo -->\n'));
    const withReference = sampleDocumentText({
      step: 1, stage: 'math-8k', promptId: 'p1', domain: 'math', prompt: 'q', response: 'r', reward: 0, extracted: '5', reference: '4', verdict: '4 ≠ 5',
    }, 'C:\\Users\\Ana María\\runs\\a --> b.jsonl');
    assert.match(withReference.content, /extracted answer:\*\* `5` · reference answer: `4`/);
    const header = withReference.content.split('\n')[0];
    assert.ok(header.endsWith(' -->') && header.indexOf('-->') === header.length - 3, 'the value cannot close the HTML comment early');
    assert.deepEqual(parseSolutionHeader(header), { kind: 'ok', header: { problemId: 'p1', dataset: 'C:\\Users\\Ana María\\runs\\a --> b.jsonl' } });
    assert.match(doc.content, /## Prompt\n\nWhat is 1\+1\?/);
  });
});
