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
    assert.ok(held.every((p) => isHeldOutProblem(sizes.taskSeed, p)));
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
  assert.ok(imperfect > 80 && imperfect < 160, `imperfect fraction ${imperfect}/400`);
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
