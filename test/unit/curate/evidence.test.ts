// Decontamination evidence: the step records which n-grams a prompt shares with which benchmark
// statement; --min-shared-ngrams raises the bar; the highlight ranges land on the words a reader sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MathRecord } from '../../../src/core/dataset/records';
import { buildBenchmarkIndex, type BenchmarkItem } from '../../../src/core/curate/benchmarks';
import { sharedSpans, tokenSpans } from '../../../src/core/curate/evidence';
import { decontaminateStep } from '../../../src/core/curate/steps/decontaminate';
import { validateOptions } from '../../../src/core/curate/pipeline';
import type { StepContext } from '../../../src/core/curate/step';

const math = (id: string, problem: string): MathRecord => ({ id, source: 'test', domain: 'math', problem, answer: '1' });
const BENCH: BenchmarkItem[] = [
  { benchmark: 'math500', file: 'math500.jsonl', id: 'test/algebra/1', problem: 'Find the sum of all real numbers x such that x squared equals nine.' },
  // Shares exactly one 9-gram with the stock-phrase prompt below, and nothing else.
  { benchmark: 'math500', file: 'math500.jsonl', id: 'test/geometry/2', problem: 'You are given an array nums of positive integers and a circle of radius 4.' },
];
const ctx = (options: Partial<StepContext['options']> = {}): StepContext => ({
  domain: 'math', options: { domain: 'math', inputs: ['x'], boilerplateMinDocs: 0, ...options }, benchmarks: buildBenchmarkIndex(BENCH, 9),
});

test('the removal records the shared n-grams and the benchmark statement', async () => {
  const prompt = 'Let x be real. Find the sum of all real numbers x such that x squared equals nine, and explain.';
  const result = await decontaminateStep.run([math('p', prompt)], ctx());
  const reason = result.removed.get(0)![0];
  const top = reason.overlaps![0];
  assert.equal(top.id, 'test/algebra/1');
  // The statement has 14 words, so 14 - 9 + 1 = 6 nine-grams, all inside the prompt.
  assert.equal(top.sharedNgrams, 6);
  assert.deepEqual(top.shared, [
    'find the sum of all real numbers x such',
    'the sum of all real numbers x such that',
    'sum of all real numbers x such that x',
    'of all real numbers x such that x squared',
    'all real numbers x such that x squared equals',
    'real numbers x such that x squared equals nine',
  ]);
  assert.equal(top.benchmarkProblem, BENCH[0].problem);
  assert.equal(reason.detail, 'shares 6 9-gram(s) with math500 test/algebra/1');
});

test('--min-shared-ngrams: a single stock phrase no longer removes a prompt; six shared n-grams still do', async () => {
  const stock = 'Suppose you are given an array nums of positive integers; return the largest even sum.';
  const copied = 'Let x be real. Find the sum of all real numbers x such that x squared equals nine, and explain.';
  const loose = await decontaminateStep.run([math('stock', stock), math('copied', copied)], ctx());
  assert.deepEqual([...loose.removed.keys()].sort(), [0, 1]);
  assert.equal(loose.removed.get(0)![0].overlaps![0].sharedNgrams, 1);
  const strict = await decontaminateStep.run([math('stock', stock), math('copied', copied)], ctx({ minSharedNgrams: 2 }));
  assert.deepEqual([...strict.removed.keys()], [1]);
  assert.throws(() => validateOptions({ domain: 'math', inputs: ['x'], minSharedNgrams: 0 }), /minSharedNgrams must be an integer of at least 1/);
});

test('highlight ranges cover exactly the shared words in the original text (LaTeX, case and NFKC folded)', () => {
  const text = 'Let $x$ be real. FIND the sum of all real numbers x such that x² equals nine!';
  // Hand-computed: tokens let,x,be,real,find,the,sum,of,all,real,numbers,x,such,that,x2,equals,nine.
  assert.deepEqual(tokenSpans('x² ½').map((t) => [t.token, t.start, t.end]), [['x2', 0, 2], ['1', 3, 4], ['2', 3, 4]]);
  const spans = sharedSpans(text, ['find the sum of all real numbers x such'], 9);
  assert.deepEqual(spans.map(([a, b]) => text.slice(a, b)), ['FIND the sum of all real numbers x such']);
  const two = sharedSpans(text, ['find the sum of all real numbers x such', 'x such that x2 equals nine let x be'], 9);
  assert.deepEqual(two.map(([a, b]) => text.slice(a, b)), ['FIND the sum of all real numbers x such'], 'an n-gram not in the text highlights nothing');
  assert.deepEqual(sharedSpans(text, [], 9), []);
});
