// Curation on the real files in /work/shared/data (tests may read it; the product never does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadDataset } from '../../../src/core/dataset/load';
import { buildBenchmarkIndex, findOverlaps, findOverlapsAllPairs, loadBenchmarkItems } from '../../../src/core/curate/benchmarks';
import { runCuration } from '../../../src/core/curate';
import { matchTokens, ngrams } from '../../../src/core/curate/text';

const DATA = '/work/shared/data';
const BENCHMARKS = ['aime24', 'aime25', 'amc23', 'math500'].map((b) => path.join(DATA, 'benchmarks', `${b}.jsonl`));

// The three training problems that the data README found verbatim (whitespace/case-normalised) in MATH-500.
const KNOWN_EXACT: Record<string, string> = {
  'aime-2010-1-6': 'test/intermediate_algebra/2146.json',
  'aime-2015-2-6': 'test/intermediate_algebra/1411.json',
  'aime-2017-2-7': 'test/intermediate_algebra/1849.json',
};

test('deepscaler.jsonl against all benchmarks: the known MATH-500 copies are removed, naming the MATH-500 item', async () => {
  const result = await runCuration({
    domain: 'math',
    inputs: [path.join(DATA, 'math/deepscaler.jsonl')],
    benchmarks: BENCHMARKS,
    steps: ['normalize', 'decontaminate'],
  });
  const contaminated = new Map(result.removed.filter((r) => r.reasons[0].reason === 'contaminated').map((r) => [r.id, r.reasons[0].overlaps!]));
  for (const [trainId, benchId] of Object.entries(KNOWN_EXACT)) {
    const overlaps = contaminated.get(trainId);
    assert.ok(overlaps, `${trainId} was not flagged`);
    const hit = overlaps.find((o) => o.id === benchId);
    assert.ok(hit, `${trainId} does not name ${benchId}`);
    assert.equal(hit.benchmark, 'math500');
    assert.equal(hit.file, BENCHMARKS[3]);
    assert.equal(hit.exact, true);
  }
  // n-gram matching finds more than the verbatim copies (reworded and partial overlaps).
  assert.ok(contaminated.size > Object.keys(KNOWN_EXACT).length);
  assert.equal(result.report.removed.contaminated, contaminated.size);
  assert.equal(result.report.input, 8938);
});

test('the n-gram index finds exactly what all-pairs set intersection finds (sample of the real data)', async () => {
  const { items } = await loadBenchmarkItems(BENCHMARKS);
  const index = buildBenchmarkIndex(items, 9);
  const itemNgrams = items.map((item) => ngrams(matchTokens(item.problem), 9));
  const train = await loadDataset([path.join(DATA, 'math/deepscaler.jsonl')], { domain: 'math' });
  // Every 20th prompt, plus the known copies so the sample surely has hits.
  const sample = train.records.filter((r, i) => i % 20 === 0 || r.id in KNOWN_EXACT);
  let withHits = 0;
  for (const record of sample) {
    const fast = findOverlaps(index, record.problem).filter((o) => o.sharedNgrams > 0 && !(o.exact && matchTokens(record.problem).length < 9)).map((o) => `${o.benchmark}:${o.id}`).sort();
    const slow = findOverlapsAllPairs(items, itemNgrams, record.problem, 9).sort();
    assert.deepEqual(fast, slow, record.id);
    if (slow.length) withHits++;
  }
  assert.ok(withHits >= 3, `only ${withHits} sampled prompts overlap`);
});

test('code problems.jsonl: exclusion rules and dedup run on the real file, and every removal has a reason', async () => {
  const result = await runCuration({ domain: 'code', inputs: [path.join(DATA, 'code/problems.jsonl')], dateCutoff: '2024-08-01' });
  assert.equal(result.report.input, 773);
  assert.equal(result.report.kept + result.report.removed_total, 773);
  assert.ok(result.removed.every((r) => r.reasons.length > 0 && r.reasons.every((x) => x.reason && x.detail)));
  assert.ok((result.report.removed['interactive'] ?? 0) + (result.report.removed['special-judge'] ?? 0) > 0, 'Codeforces has interactive / any-answer problems');
  assert.equal(result.report.steps.find((s) => s.name === 'date-cutoff')?.stats?.undated, result.report.steps.find((s) => s.name === 'date-cutoff')?.input, 'the source has no dates');
});
