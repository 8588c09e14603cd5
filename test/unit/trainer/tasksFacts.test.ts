import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/core/rl/rng';
import { buildBuiltinSuite } from '../../../src/trainer/tasks/suite';
import { FACTS, factDrills } from '../../../src/trainer/tasks/facts';
import { drawDemonstrations, imperfectProbability } from '../../../src/trainer/tasks/sftData';
import { Rewards } from '../../../src/trainer/rewards';

const sizes = { taskSeed: 2505, mathTrain: 300, mathHeldOut: 64, codeTrain: 150, codeHeldOut: 32 };
const rewards = new Rewards({ concurrency: 2 });
after(() => rewards.close());

/** `7+5` → 12, computed by JavaScript's own arithmetic rather than the drill's table. */
const evaluate = (expr: string) => Number(new Function(`return (${expr});`)());

test('every fact drill states a true fact and earns reward 1 from the math verifier', async () => {
  const drills = factDrills();
  assert.equal(drills.length, FACTS.length);
  assert.equal(new Set(drills.map((d) => d.record.problem)).size, drills.length, 'duplicate drills');
  for (const f of FACTS) assert.equal(f.result, evaluate(f.problem), f.problem);
  // The corners of the table: factors 1..3, addends 1..4 onto 0..9, both orders, and the inverses.
  for (const p of ['3*3', '2*3', '9+4', '4+9', '13-4', '9/3', '0+1', '1+1']) assert.ok(FACTS.some((f) => f.problem === p), `${p} is not drilled`);
  const verdicts = await rewards.scoreAll(drills.map((d) => ({ record: d.record, response: d.response })));
  verdicts.forEach((v, i) => assert.equal(v.reward, 1, `${drills[i].record.problem} → ${drills[i].response}: ${v.verdict}`));
});

test('every step of every correct math demonstration is a drilled fact, and no held-out problem is a bare fact', () => {
  const drilled = new Map(FACTS.map((f) => [f.problem, f.result]));
  const s = buildBuiltinSuite(sizes);
  const rng = new Rng(3);
  let fractions = 0;
  for (const task of [...s.math.train, ...s.math.heldOut]) {
    const think = /<think>(.*)<\/think>/.exec(task.demonstration(rng))![1];
    const steps = think.split(',');
    if (task.record.meta?.family === 'fraction') {
      // The right fraction method's last step writes the numerator sum over the denominator: no fact.
      const [a, b, c] = task.record.problem.match(/\d+/g)!;
      assert.equal(steps.pop(), `${evaluate(`${a}+${c}`)}/${b}`, `${task.record.problem}: ${think}`);
      fractions++;
    }
    for (const step of steps) {
      const [lhs, rhs] = step.split('=');
      assert.equal(drilled.get(lhs), Number(rhs), `${task.record.problem}: step ${step} is not a drilled fact`);
    }
  }
  assert.ok(fractions > 20, `only ${fractions} fraction tasks`);
  const drillProblems = new Set(factDrills().map((d) => d.record.problem));
  assert.equal(s.math.heldOut.filter((t) => drillProblems.has(t.record.problem)).length, 0);
});

test('the warm-up shows tier 1 rarely wrong, tier 2 sometimes, tier 3 mostly (the difficulty spread)', () => {
  const s = buildBuiltinSuite(sizes);
  const byTier = (tier: number) => s.math.train.filter((t) => t.tier === tier);
  assert.ok(byTier(1).length > 0 && byTier(2).length > 0 && byTier(3).length > 0);
  assert.equal(imperfectProbability(byTier(1)[0], 0.3), 0.15);
  assert.equal(imperfectProbability(byTier(2)[0], 0.3), 0.3);
  assert.ok(Math.abs(imperfectProbability(byTier(3)[0], 0.3) - 0.84) < 1e-9);
  assert.equal(imperfectProbability(byTier(3)[0], 0.5), 0.9, 'capped');
  const hard = drawDemonstrations(byTier(3), 1000, 0.3, new Rng(4)).filter((d) => d.imperfect).length;
  assert.ok(hard > 800 && hard < 880, `tier-3 imperfect ${hard}/1000`);
  const easy = drawDemonstrations(byTier(1), 1000, 0.3, new Rng(4)).filter((d) => d.imperfect).length;
  assert.ok(easy > 115 && easy < 185, `tier-1 imperfect ${easy}/1000`);
});

test('tier-3 tasks: the right method earns reward 1, the tempting one earns 0 (math verifier, code sandbox)', async () => {
  const s = buildBuiltinSuite(sizes);
  const hard = [...s.math.heldOut, ...s.code.heldOut, ...s.code.train.slice(0, 40)].filter((t) => t.tier === 3);
  assert.ok(hard.filter((t) => t.record.domain === 'math').length >= 8 && hard.filter((t) => t.record.domain === 'code').length >= 4, 'too few tier-3 tasks');
  const rng = new Rng(6);
  const items = hard.flatMap((t) => [{ record: t.record, response: t.demonstration(rng) }, { record: t.record, response: t.imperfectDemonstration(rng) }]);
  const verdicts = await rewards.scoreAll(items);
  for (let i = 0; i < hard.length; i++) {
    assert.equal(verdicts[2 * i].reward, 1, `${hard[i].record.problem}: right method ${verdicts[2 * i].verdict}`);
    assert.equal(verdicts[2 * i + 1].reward, 0, `${hard[i].record.problem}: the tempting method passed (${items[2 * i + 1].response})`);
  }
});
