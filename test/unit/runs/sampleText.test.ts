import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractCode, runDataset, sampleDocumentText } from '../../../src/extension/dashboard/sampleText';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-sample-text-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('sample documents', () => {
  test('a code sample opens as Python with the CodeLens header and the last fenced block after </think>', () => {
    const response = '<think>try ```python\nprint(0)\n```</think>\nHere:\n```python\nprint(input())\n```\n';
    assert.equal(extractCode(response), 'print(input())\n');
    const doc = sampleDocumentText({
      step: 3, stage: 'code-24k', promptId: 'cf 1/A', domain: 'code', prompt: 'echo', response, reward: 1, verdict: 'ok',
    }, '/data/my set.jsonl');
    assert.equal(doc.language, 'python');
    assert.equal(doc.content, '# acereason: problem=cf%201/A dataset=/data/my%20set.jsonl\nprint(input())\n');
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
    assert.match(doc.content, /## Prompt\n\nWhat is 1\+1\?/);
  });
});
