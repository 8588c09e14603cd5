import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/core/rl/rng';
import { buildBuiltinSuite, isHeldOutProblem } from '../../../src/trainer/tasks/suite';
import { drawDemonstrations } from '../../../src/trainer/tasks/sftData';
import { decontaminate } from '../../../src/trainer/tasks/curate';
import { Rewards } from '../../../src/trainer/rewards';
import { MATH_FAMILIES, CODE_FAMILIES } from '../../../src/trainer/tasks/registry';

const sizes = { taskSeed: 11, mathTrain: 300, mathHeldOut: 40, codeTrain: 150, codeHeldOut: 20 };
const rewards = new Rewards({ concurrency: 2 });
after(() => rewards.close());

test('train and held-out splits never overlap, and are reproducible from the task seed', () => {
  const a = buildBuiltinSuite(sizes);
  const b = buildBuiltinSuite(sizes);
  for (const d of ['math', 'code'] as const) {
    const train = new Set(a[d].train.map((t) => t.record.problem));
    const held = a[d].heldOut.map((t) => t.record.problem);
    assert.equal(train.size, a[d].train.length, `${d}: duplicate train problems`);
    assert.equal(held.filter((p) => train.has(p)).length, 0, `${d}: held-out problem in train`);
    assert.ok(a[d].heldOut.every((t) => isHeldOutProblem(sizes.taskSeed, t.questionKey ?? t.record.problem)));
    // Other wordings of a held-out question (a fraction sum in words or bare) are never trained on.
    const heldQuestions = new Set(a[d].heldOut.map((t) => t.questionKey).filter(Boolean));
    assert.equal(a[d].train.filter((t) => t.questionKey && heldQuestions.has(t.questionKey)).length, 0, `${d}: a held-out question in other words in train`);
    assert.deepEqual(a[d].train.map((t) => t.record.id), b[d].train.map((t) => t.record.id));
    assert.equal(new Set(a[d].train.map((t) => t.record.id)).size, a[d].train.length, `${d}: ids not unique`);
  }
  // A different task seed gives a different universe.
  const c = buildBuiltinSuite({ ...sizes, taskSeed: 12 });
  assert.notDeepEqual(c.math.heldOut.map((t) => t.record.problem), a.math.heldOut.map((t) => t.record.problem));
});

test('every family appears, and impossible sizes fail with a clear message', () => {
  const s = buildBuiltinSuite(sizes);
  const families = (xs: { record: { meta?: Record<string, unknown> } }[]) => new Set(xs.map((t) => t.record.meta?.family));
  assert.equal(families(s.math.train).size, MATH_FAMILIES.length);
  assert.equal(families(s.code.train).size, CODE_FAMILIES.length);
  assert.throws(() => buildBuiltinSuite({ ...sizes, codeTrain: 100_000 }), /only \d+ train .* distinct problems exist/);
});

test('correct demonstrations earn reward 1 from the real verifiers (math verifier, code sandbox)', async () => {
  const s = buildBuiltinSuite(sizes);
  const rng = new Rng(5);
  const math = s.math.train.slice(0, 40);
  const code = [...s.code.train.slice(0, 12), ...s.code.train.filter((t) => t.record.format === 'functional').slice(0, 4)];
  const verdicts = await rewards.scoreAll([...math, ...code].map((t) => ({ record: t.record, response: t.demonstration(rng) })));
  verdicts.forEach((v, i) => assert.equal(v.reward, 1, `${[...math, ...code][i].record.problem}: ${v.verdict}`));
});

test('imperfect demonstrations are mostly wrong (room for RL), never all', async () => {
  const s = buildBuiltinSuite(sizes);
  const rng = new Rng(9);
  const items = [...s.math.train.slice(0, 60), ...s.code.train.slice(0, 16)].map((t) => ({ record: t.record, response: t.imperfectDemonstration(rng) }));
  const verdicts = await rewards.scoreAll(items);
  const solved = verdicts.filter((v) => v.reward === 1).length;
  assert.ok(solved < items.length * 0.5, `${solved}/${items.length} imperfect demonstrations were correct`);
  const demos = drawDemonstrations(s.math.train, 400, 0.3, new Rng(1));
  const imperfect = demos.filter((d) => d.imperfect).length;
  // At imperfectFraction 0.3: tier 1 shown wrong 15%, tier 2 30%, tier 3 84%, mixed as the split's tiers.
  const share: Record<number, number> = { 1: 0.15, 2: 0.3, 3: 0.84 };
  const expected = 400 * s.math.train.reduce((sum, t) => sum + share[t.tier], 0) / s.math.train.length;
  const sd = Math.sqrt(400 * 0.25);
  assert.ok(Math.abs(imperfect - expected) < 4 * sd, `imperfect ${imperfect}/400, expected about ${expected.toFixed(0)}`);
});

test('decontamination drops train prompts sharing an n-gram with held-out, and duplicates', () => {
  const rec = (id: string, problem: string) => ({ id, source: 's', domain: 'math' as const, problem, answer: '1' });
  const held = [rec('h', 'Ann has 5 pens and gets 3 more. How many pens?')];
  const train = [
    rec('a', 'Ann has 5 pens and gets 3 more. How many pens in total now?'),
    rec('b', 'Bo has 2 cups and gets 7 more. How many cups?'),
    rec('c', 'bo  has 2 cups and gets 7 more. how many cups?'),
  ];
  const { kept, report } = decontaminate(train, held, 9);
  assert.deepEqual(kept.map((r) => r.id), ['b']);
  assert.equal(report.contaminated, 1);
  assert.equal(report.duplicates, 1);
});

test('held-out problems are never trained on: neither an RL prompt nor an SFT demonstration of the demo', async () => {
  const { preset } = await import('../../../src/core/rl/presets');
  const { loadTaskData } = await import('../../../src/trainer/tasks/load');
  const data = await loadTaskData(preset('demo'));
  const norm = (p: string) => p.toLowerCase().replace(/\s+/g, ' ').trim();
  for (const d of ['math', 'code'] as const) {
    const held = new Set(data[d].heldOut.map((r) => norm(r.problem)));
    assert.ok(held.size > 0);
    assert.equal(data[d].train.filter((r) => held.has(norm(r.problem))).length, 0, `${d}: a held-out problem is an RL prompt`);
    assert.ok(data[d].heldOut.every((r) => r.split === 'test'), `${d}: held-out records are marked split=test`);
  }
  const heldAll = new Set([...data.math.heldOut, ...data.code.heldOut].map((r) => norm(r.problem)));
  const rlAll = new Set([...data.math.train, ...data.code.train].map((r) => r.id));
  // Every SFT batch of the 500-step warm-up draws from the SFT half only: never held out, never an RL prompt.
  for (let step = 0; step < 500; step += 7) {
    for (const demo of data.demonstrations!(24, new Rng(step))) {
      assert.ok(!heldAll.has(norm(demo.record.problem)), `SFT step ${step} demonstrates held-out '${demo.record.problem}'`);
      assert.ok(!rlAll.has(demo.record.id), `SFT step ${step} demonstrates RL prompt ${demo.record.id}`);
    }
  }
});

test('the demo\'s curated math RL prompts keep every family, fractions included (the 9-gram check does not eat a tier)', async () => {
  const { preset } = await import('../../../src/core/rl/presets');
  const { loadTaskData } = await import('../../../src/trainer/tasks/load');
  const data = await loadTaskData(preset('demo'));
  const { kept } = decontaminate(data.math.train, data.math.heldOut, 9); // n as the run's curation (run.ts)
  const count = (family: string) => kept.filter((r) => r.meta?.family === family).length;
  for (const family of MATH_FAMILIES.map((f) => f.name)) assert.ok(count(family) >= 20, `${family}: ${count(family)} of ${kept.length} RL prompts`);
  assert.ok(count('fraction') / kept.length > 0.15, `fractions ${count('fraction')} of ${kept.length}`);
});
