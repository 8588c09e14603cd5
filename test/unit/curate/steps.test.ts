import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeRecord, MathRecord, PromptRecord } from '../../../src/core/dataset/records';
import { buildBenchmarkIndex, findOverlaps, type BenchmarkItem } from '../../../src/core/curate/benchmarks';
import type { CurationOptions } from '../../../src/core/curate/options';
import type { CurationStep, StepContext } from '../../../src/core/curate/step';
import { CURATION_STEPS } from '../../../src/core/curate/steps';
import { normalizeStep } from '../../../src/core/curate/steps/normalize';
import { labelsStep } from '../../../src/core/curate/steps/labels';
import { dedupStep } from '../../../src/core/curate/steps/dedup';
import { decontaminateStep } from '../../../src/core/curate/steps/decontaminate';
import { mathRulesStep } from '../../../src/core/curate/steps/mathRules';
import { codeRulesStep } from '../../../src/core/curate/steps/codeRules';
import { dateCutoffStep } from '../../../src/core/curate/steps/dateCutoff';
import { answerCheckStep } from '../../../src/core/curate/steps/answerCheck';
import { difficultyStep } from '../../../src/core/curate/steps/difficulty';
import { referenceSolutionsStep, type ReferenceRunner } from '../../../src/core/curate/steps/referenceSolutions';
import { difficultyBucket, type PassRateInfo } from '../../../src/core/curate/passRates';
import { jaccard, shingles } from '../../../src/core/curate/minhash';
import { matchTokens } from '../../../src/core/curate/text';

const math = (id: string, problem: string, answer = '1'): MathRecord => ({ id, source: 'test', domain: 'math', problem, answer });
const code = (id: string, problem: string, extra: Partial<CodeRecord> = {}): CodeRecord => ({
  id, source: 'test', domain: 'code', problem, format: 'stdin', tests: [{ input: '1\n', output: '1\n' }], ...extra,
});

function ctx(domain: 'math' | 'code', options: Partial<CurationOptions> = {}, extra: Partial<StepContext> = {}): StepContext {
  return { domain, options: { domain, inputs: ['x'], ...options }, ...extra };
}

async function reasonsOf(step: CurationStep, records: PromptRecord[], context: StepContext): Promise<Record<string, string[]>> {
  const result = await step.run(records, context);
  const out: Record<string, string[]> = {};
  for (const [i, reasons] of result.removed) out[records[i].id] = reasons.map((r) => r.reason);
  return out;
}

test('registry: step names are unique and every step says what it does', () => {
  const names = CURATION_STEPS.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  for (const s of CURATION_STEPS) assert.ok(s.description.length > 10, s.name);
});

test('normalize: NFC, newlines, odd spaces and zero-width characters; empty prompts removed', async () => {
  const records = [math('a', '  Cafe\u0301 \u200Bcosts\u00A0 $3$.\r\n\r\n\r\n\r\nFind  x.  '), math('b', ' \u200B ')];
  const result = normalizeStep.run(records, ctx('math')) as Awaited<ReturnType<CurationStep['run']>>;
  assert.equal(result.records?.[0].problem, 'Café costs $3$.\n\nFind x.');
  assert.deepEqual([...result.removed.keys()], [1]);
  assert.equal(result.removed.get(1)?.[0].reason, 'empty-problem');
  assert.equal(records[0].problem.startsWith('  '), true, 'the input is not mutated');
});

test('labels: a prompt excluded by hand is removed with reason label:exclude; keep/flag are not', async () => {
  const records = [math('a', 'one'), math('b', 'two'), math('c', 'three')];
  const labels = new Map([['a', { decision: 'exclude' as const }], ['b', { decision: 'keep' as const }], ['c', { decision: 'flag' as const }]]);
  assert.deepEqual(await reasonsOf(labelsStep, records, ctx('math', {}, { labels })), { a: ['label:exclude'] });
  assert.equal(labelsStep.enabled({ domain: 'math', inputs: [] }, { domain: 'math', options: { domain: 'math', inputs: [] } }), false);
});

const LONG = 'A farmer has a rectangular field whose length is twice its width and whose perimeter is one hundred twenty meters. ' +
  'He plants trees along the boundary every three meters, starting at a corner. How many trees does he plant in total around the field?';

test('dedup: exact duplicates ignore case, punctuation and spacing; near duplicates need the same answer (math)', async () => {
  const records = [
    math('orig', LONG, '40'),
    math('exact', LONG.toUpperCase().replace(/\?/g, ' ?!'), '40'),
    math('near', LONG.replace('in total', 'altogether in total'), '40'),
    math('variant', LONG.replace('one hundred twenty', 'one hundred eighty'), '61'),
    math('other', 'Compute the number of positive divisors of 3600, counting one and itself.', '45'),
  ];
  const result = await dedupStep.run(records, ctx('math'));
  const byId = Object.fromEntries([...result.removed].map(([i, r]) => [records[i].id, r[0]]));
  assert.deepEqual(Object.keys(byId).sort(), ['exact', 'near']);
  assert.equal(byId.exact.reason, 'duplicate:exact');
  assert.equal(byId.exact.duplicateOf, 'orig');
  assert.equal(byId.near.reason, 'duplicate:near');
  assert.equal(byId.near.duplicateOf, 'orig');
  const exactOnly = await reasonsOf(dedupStep, records, ctx('math', { nearDuplicateThreshold: 1 }));
  assert.deepEqual(Object.keys(exactOnly), ['exact']);
});

const BENCH: BenchmarkItem[] = [
  { benchmark: 'bench', file: '/b/bench.jsonl', id: 'B1', problem: 'Let $x$ be the smallest positive integer such that $x^2$ ends in the digits 444. Find x.' },
  { benchmark: 'bench', file: '/b/bench.jsonl', id: 'B2', problem: 'Find $2+2$.' },
  { benchmark: 'other', file: '/b/other.jsonl', id: 'O1', problem: 'A regular hexagon has side length 4 and a circle is inscribed inside it; what is the area of the circle?' },
];

test('decontaminate: removes prompts sharing an n-gram with a benchmark item and names the item (file + id)', async () => {
  const index = buildBenchmarkIndex(BENCH, 9);
  const records = [
    math('t1', 'Warm-up first. Take the least positive integer such that x^2 ends in the digits 444, then add one.'),
    math('t2', 'Find 2 + 2.'),
    math('t3', 'A regular pentagon has side length 4 and a circle is drawn around it. What is its radius?'),
  ];
  const result = await decontaminateStep.run(records, ctx('math', { boilerplateMinDocs: 0 }, { benchmarks: index }));
  assert.deepEqual([...result.removed.keys()].sort(), [0, 1]);
  const t1 = result.removed.get(0)![0];
  assert.equal(t1.reason, 'contaminated');
  assert.deepEqual(t1.overlaps?.map((o) => [o.file, o.id]), [['/b/bench.jsonl', 'B1']]);
  assert.ok(t1.overlaps![0].sharedNgrams >= 2);
  const t2 = result.removed.get(1)![0];
  assert.equal(t2.overlaps?.[0].id, 'B2');
  assert.equal(t2.overlaps?.[0].exact, true, 'statements shorter than n match as a whole');
  // With 14-grams the shared span of 11 words of t1 is no longer enough.
  const index14 = buildBenchmarkIndex(BENCH, 14);
  const r14 = await decontaminateStep.run(records, ctx('math', { boilerplateMinDocs: 0 }, { benchmarks: index14 }));
  assert.deepEqual([...r14.removed.keys()], [1]);
});

test('decontaminate: n-grams common to many documents are phrasing, not evidence', async () => {
  const phrase = 'express your answer as a decimal to the nearest tenth';
  const bench: BenchmarkItem[] = [{ benchmark: 'b', file: 'b', id: 'B', problem: `The tank holds 31 liters of oil. How full is it? ${phrase}.` }];
  const records = Array.from({ length: 12 }, (_, i) => math(`t${i}`, `A train goes ${i + 3} miles in ${i + 7} minutes. How fast is it? ${phrase}.`));
  const index = buildBenchmarkIndex(bench, 9);
  const strict = await decontaminateStep.run(records, ctx('math', { boilerplateMinDocs: 0 }, { benchmarks: index }));
  assert.equal(strict.removed.size, 12);
  const lenient = await decontaminateStep.run(records, ctx('math', { boilerplateMinDocs: 10 }, { benchmarks: index }));
  assert.equal(lenient.removed.size, 0);
  assert.ok((lenient.stats?.boilerplate_ngrams_ignored ?? 0) >= 1);
  assert.equal(findOverlaps(index, bench[0].problem)[0].exact, true);
});

test('math rules: each exclusion fires on its case and not on a plain problem', async () => {
  const records = [
    math('plain', 'Find the number of ordered pairs of positive integers whose product is 36.', '9'),
    math('mc', 'What is 2+3? $\\textbf{(A) }4 \\qquad \\textbf{(B) }5 \\qquad \\textbf{(C) }6$', '5'),
    math('mc-answer', 'Pick the right option for the sum of the angles of a triangle below.', '\\text{(B)}'),
    math('tf', 'True or false: every prime number greater than two is odd. Explain briefly.', 'True'),
    math('multi', 'A ball is thrown up. (a) Find the maximum height reached. (b) How long is it in the air? ', '5'),
    math('proof', 'Prove that the square root of two is irrational using a contradiction.', '0'),
    math('figure', 'In the diagram shown below, triangle ABC is right-angled at B with AB = 3. [asy] draw((0,0)--(1,0)); [/asy] Find AC.', '5'),
    math('chinese', '已知函数 f(x) 的定义域为实数集，求 f(2) 的值是多少？请给出详细过程和答案。', '3'),
    math('short', 'Factor $t^2-49$.', '(t-7)(t+7)'),
    math('long-answer', 'Solve the inequality and give the solution set of all real values of x that satisfy it.', 'x \\in (-\\infty, -\\frac{9}{2}) \\cup (-2, \\frac{1 - \\sqrt{5}}{2}) \\cup (\\frac{1+\\sqrt5}{2}, \\infty)'),
    math('prose-answer', 'Which team won the most games in the season described by the table above here?', '\\text{The red team won because it scored more}'),
    math('units-ok', 'A box has volume 4320 cubic inches; find the volume of a box with doubled edges.', '34560 \\text{ cubic inches}'),
    math('census', 'The census will show that the number of wrens is below ten percent in which year if it drops by forty percent yearly?', '2009'),
  ];
  const got = await reasonsOf(mathRulesStep, records, ctx('math'));
  assert.deepEqual(got, {
    mc: ['multiple-choice'],
    'mc-answer': ['multiple-choice'],
    tf: ['true-false'],
    multi: ['multi-part'],
    proof: ['proof'],
    figure: ['figure'],
    chinese: ['non-english'],
    short: ['too-short'],
    'long-answer': ['answer-too-long'],
    'prose-answer': ['answer-complex'],
  });
  const lenient = await reasonsOf(mathRulesStep, [records[8], records[9]], ctx('math', { minProblemTokens: 2, maxAnswerChars: 500 }));
  assert.deepEqual(lenient, {});
});

test('code rules: interactive, special judge, image-dependent, missing tests', async () => {
  const records = [
    code('plain', 'Given n integers, print their sum modulo 1000000007.'),
    code('interactive', 'This is an interactive problem. After printing a query, flush the output buffer.'),
    code('judge', 'Print any permutation with the property. If there are multiple answers, print any of them.'),
    code('image', 'The grid is drawn in the image below; count the cells.'),
    code('no-tests', 'Print hello.', { tests: [] }),
    code('figure-out', 'Figure out the minimum number of moves and print it.'),
  ];
  assert.deepEqual(await reasonsOf(codeRulesStep, records, ctx('code')), {
    interactive: ['interactive'],
    judge: ['special-judge'],
    image: ['figure'],
    'no-tests': ['no-tests'],
  });
  assert.deepEqual(await reasonsOf(codeRulesStep, [records[0]], ctx('code', { minTests: 2 })), { plain: ['no-tests'] });
});

test('date cutoff: later problems go, undated ones stay and are counted', async () => {
  const records = [code('old', 'p', { date: '2024-07-31' }), code('edge', 'p', { date: '2024-08-01' }), code('new', 'p', { date: '2024-08-02' }), code('undated', 'p')];
  const result = await dateCutoffStep.run(records, ctx('code', { dateCutoff: '2024-08-01' }));
  assert.deepEqual([...result.removed.keys()], [2]);
  assert.equal(result.removed.get(2)![0].reason, 'after-date-cutoff');
  assert.equal(result.stats?.undated, 1);
  assert.throws(() => dateCutoffStep.run(records, ctx('code', { dateCutoff: '08/01/2024' })), /YYYY-MM-DD/);
});

test('answer check: answers the math verifier cannot parse are removed', async () => {
  const records = [
    math('frac', 'p', '-\\frac{2}{3}'), math('tuple', 'p', '\\left( 3, \\frac{\\pi}{2} \\right)'), math('interval', 'p', '[0, 1)'),
    math('ratio', 'p', '1:3'), math('word', 'p', '\\text{Friday}'), math('approx', 'p', '\\approx 8.24'),
    math('broken', 'p', '\\frac{1}{7}\\triangle ABC'),
  ];
  const got = await reasonsOf(answerCheckStep, records, ctx('math'));
  // A ratio and an approximate value are answers the verifier compares; a word-only answer is flagged
  // for RL training (no equivalence beyond text), and a broken expression does not parse.
  assert.deepEqual(Object.keys(got).sort(), ['broken', 'word']);
  assert.ok(Object.values(got).every((r) => r[0] === 'answer-unparseable'));
});

test('difficulty: pass rates are attached with buckets and bounds filter', async () => {
  const info = (id: string, passes: number, k: number): [string, PassRateInfo] => [id, { id, passes, k, passRate: passes / k, bucket: difficultyBucket(passes / k) }];
  const passRates = new Map([info('easy', 7, 8), info('hard', 1, 16), info('zero', 0, 8)]);
  const records = [math('easy', 'p'), math('hard', 'p'), math('zero', 'p'), math('unmeasured', 'p')];
  const result = await difficultyStep.run(records, ctx('math', { minPassRate: 0.01, maxPassRate: 6 / 16 }, { passRates }));
  assert.deepEqual(Object.fromEntries([...result.removed].map(([i, r]) => [records[i].id, r[0].reason])), { easy: 'difficulty:too-easy', zero: 'difficulty:too-hard' });
  assert.equal(result.records?.[1].passRate, 1 / 16);
  assert.equal(result.records?.[1].meta?.difficultyBucket, 'hard');
  assert.equal(result.records?.[0].meta?.difficultyBucket, 'easy');
  assert.equal(result.records?.[2].meta?.difficultyBucket, 'unsolved');
  assert.equal(result.stats?.unmeasured, 1);
  assert.equal(difficultyBucket(1), 'solved');
  assert.equal(difficultyBucket(6 / 16), 'medium');
});

test('reference solutions: failing references are removed, with at most `concurrency` runs at once', async () => {
  let running = 0;
  let peak = 0;
  const runner: ReferenceRunner = {
    async runTests(req) {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      const ok = req.code.includes('good');
      return { passed: ok, tests: ok ? req.tests.map(() => ({ status: 'AC' })) : [{ status: 'AC' }, { status: 'WA', message: 'line 1 differs' }] };
    },
  };
  const records = [
    ...Array.from({ length: 6 }, (_, i) => code(`g${i}`, 'p', { solutions: ['good'], tests: [{ input: '1', output: '1' }, { input: '2', output: '2' }] })),
    code('bad', 'p', { solutions: ['bad'], tests: [{ input: '1', output: '1' }, { input: '2', output: '2' }] }),
    code('none', 'p'),
  ];
  const result = await referenceSolutionsStep.run(records, ctx('code', { verifyReferences: true, sandboxConcurrency: 3 }, { referenceRunner: runner }));
  assert.deepEqual([...result.removed.keys()], [6]);
  assert.equal(result.removed.get(6)![0].reason, 'reference-fails');
  assert.match(result.removed.get(6)![0].detail ?? '', /test 2: WA/);
  assert.ok(peak <= 3 && peak >= 2, `peak concurrency ${peak}`);
  assert.deepEqual(result.stats, { references_checked: 7, without_reference: 1 });
});

test('dedup: code near duplicates must share their tests (easy/hard versions are different problems)', async () => {
  const statement = 'You are given an array of n integers. In one move you may pick two adjacent elements and swap them. ' +
    'Find the minimum number of moves to sort the array in non-decreasing order. Print a single integer, the answer. ' +
    'The first line contains n and the second line contains the elements of the array separated by single spaces, each between one and n inclusive.';
  const records = [
    code('easy', `${statement} This is the easy version: n is at most 100.`, { tests: [{ input: '3\n3 2 1\n', output: '3\n' }] }),
    code('hard', `${statement} This is the hard version: n is at most 200000.`, { tests: [{ input: '5\n5 4 3 2 1\n', output: '10\n' }] }),
    code('copy', `${statement} This is the easy version: n is at most 100 here.`, { tests: [{ input: '3\n3 2 1\n', output: '3\n' }, { input: '1\n1\n', output: '0\n' }] }),
  ];
  // The easy/hard statements are as similar as a near-duplicate; only their tests tell them apart.
  assert.ok(jaccard(shingles(matchTokens(records[0].problem)), shingles(matchTokens(records[1].problem))) >= 0.8);
  assert.deepEqual(await reasonsOf(dedupStep, records, ctx('code')), { copy: ['duplicate:near'] });
});
