// Fuzz: recipe files (the real presets, mutated) through the resolver the CLI uses and through the
// CLI itself, and every message validator of the trainer, dashboard and curator protocols. A bad
// recipe is refused naming the file and the field path, never a TypeError/RangeError; a validator
// never throws, refuses what is malformed, accepts the valid examples, and never hands back an
// object whose prototype came from the input.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { preset } from '../../../src/core/rl/presets';
import { RecipeSpec } from '../../../src/core/rl/recipe';
import { resolveRecipe } from '../../../src/trainer/rl/resolveRecipe';
import { HostMessage, StartRunRequest, TrainerMessage } from '../../../src/core/protocol/trainer';
import { DashboardState, DashboardToHost, HostToDashboard } from '../../../src/core/protocol/dashboard';
import { CuratorHostMessage, CuratorViewMessage } from '../../../src/core/protocol/curator';
import { Fuzz, SCALE, SEED } from './fuzzKit';

const fz = new Fuzz(SEED + 7);
const note = `(FUZZ_SEED=${SEED})`;
const root = path.resolve(__dirname, '../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-recipe-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Deep nesting as JSON text (arrays or objects), deeper than any recursive reader should follow. */
const deep = (d: number, obj: boolean) => (obj ? '{"a":'.repeat(d) + '1' + '}'.repeat(d) : '['.repeat(d) + ']'.repeat(d));

/** Every path to a value inside o (objects and arrays), root excluded. */
function paths(o: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      const p = [...at, Array.isArray(o) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

function parentOf(o: Json, p: (string | number)[]): Record<string, Json> {
  let cur = o as Record<string, Json>;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string, Json>;
  return cur;
}

const NUMBERS = [-1, 0, 1e308, -1e308, 1.5, 2 ** 53 + 1, 1e-320, -0];
const STRINGS = ['', 'NaN', 'Infinity', '-1', '\u0000', '\ud800', '\u202e', 'é😀', 'x'.repeat(100_000), '__proto__'];

/** One recipe mutation, as JSON text (some mutations only exist as text). */
function mutateRecipe(base: Json): string {
  const o = structuredClone(base);
  const all = paths(o);
  const p = fz.pick(all);
  const parent = parentOf(o, p);
  const key = p[p.length - 1] as string;
  switch (fz.int(11)) {
    case 0: delete parent[key]; break;
    case 1: parent[key] = fz.pick(NUMBERS); break;
    case 2: parent[key] = fz.pick(STRINGS); break;
    case 3: parent[key] = fz.value() as Json; break;
    case 4: parent[key] = fz.pick([[], {}, null, true, [1, 2]]); break;
    case 5: parent[fz.pick(['unknown', '__proto__', 'constructor', 'prototype', 'ünïcødé', '😀'])] = fz.value() as Json; break;
    case 6: { const text = JSON.stringify(o); return text.slice(0, fz.int(text.length)); } // truncated
    case 7: { // NaN-like and Infinity-like number literals JSON does not allow
      const text = JSON.stringify(o);
      return text.replace(/:(-?\d[\d.e+-]*)/, `:${fz.pick(['NaN', 'Infinity', '-Infinity', '1e99999', '0x10', '01', '.5'])}`);
    }
    case 8: { // deep nesting in place of a value
      const text = JSON.stringify({ ...o as object, __deep__: 0 });
      return text.replace('"__deep__":0', `"${key}x":${deep(1 + fz.int(20_000), fz.next() < 0.5)}`);
    }
    case 9: return JSON.stringify(o).replace(/"/, fz.pick(["'", '\\"', '"\u0000']));
    default: { // a valid number made huge or negative
      const numeric = all.filter((q) => typeof parentOf(o, q)[q[q.length - 1] as string] === 'number');
      if (numeric.length) {
        const q = fz.pick(numeric);
        parentOf(o, q)[q[q.length - 1] as string] = fz.pick([-1, 1e12, 1e308, -0.5, 0]);
      }
    }
  }
  return JSON.stringify(o);
}

/** A refusal: an Error (not a JS runtime error) whose first line names the file, the rest field paths. */
function assertRecipeRefusal(e: unknown, file: string, text: string): string {
  const ctx = `${note} input: ${text.slice(0, 300)}`;
  assert.ok(e instanceof Error, `${String(e)} ${ctx}`);
  assert.ok(!(e instanceof TypeError) && !(e instanceof RangeError) && !(e instanceof ReferenceError), `${e.stack} ${ctx}`);
  const [first, ...rest] = e.message.split('\n');
  const namesFieldOnly = /^recipe field [\w.]+: /.test(first);
  assert.ok(first.includes(file) || namesFieldOnly, `names the file or field: ${e.message} ${ctx}`);
  for (const line of rest) assert.match(line, /^ {2}[^\s:][^:]*: \S/, `each further line is "  field.path: problem": ${JSON.stringify(e.message)} ${ctx}`);
  assert.ok(rest.length <= 8, ctx);
  return e.message;
}

test(`fuzz: mutated preset recipes are accepted as valid recipes or refused naming file and field ${note}`, { timeout: 60_000 }, () => {
  const bases = ['demo', 'acereason'].map((n) => JSON.parse(JSON.stringify(preset(n))) as Json);
  // The presets themselves, as files, resolve (so every refusal below is the mutation's doing).
  for (const [i, b] of bases.entries()) {
    const file = path.join(dir, `base${i}.json`);
    fs.writeFileSync(file, JSON.stringify(b));
    assert.equal(resolveRecipe(file).name, (b as { name: string }).name);
  }
  let refused = 0;
  let accepted = 0;
  let namedField = 0;
  for (let round = 0; round < Math.round(600 * SCALE); round++) {
    const text = mutateRecipe(fz.pick(bases));
    const file = path.join(dir, `r${round}.json`);
    fs.writeFileSync(file, text);
    try {
      const r = resolveRecipe(file);
      // Accepted: it is a recipe by the schema's own rules, and round-trips through it unchanged.
      const again = RecipeSpec.safeParse(JSON.parse(JSON.stringify(r)));
      assert.ok(again.success, `accepted recipe re-validates ${note} ${text.slice(0, 300)}`);
      assert.equal(Object.getPrototypeOf(r), Object.prototype, note);
      accepted++;
    } catch (e) {
      const msg = assertRecipeRefusal(e, file, text);
      if (/\n {2}[\w]+(\.[\w]+)*: /.test(msg) || /^recipe field /.test(msg)) namedField++;
      refused++;
    }
    fs.rmSync(file);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, note);
  assert.ok(refused > 0 && accepted > 0 && namedField > 0, `refused ${refused}, accepted ${accepted}, named a field ${namedField} ${note}`);
});

test(`fuzz: a wrong value names its field path, e.g. grpo.clipRatioHigh ${note}`, () => {
  const cases: [string, (r: Record<string, any>) => void][] = [
    ['grpo.clipRatioHigh', (r) => { r.grpo.clipRatioHigh = -1; }],
    ['stages.1.temperature', (r) => { r.stages[1].temperature = 'hot'; }],
    ['model.width', (r) => { r.model.width = 1e308; }],
    ['sft.steps', (r) => { delete r.sft.steps; }],
  ];
  for (const [field, mutate] of cases) {
    const r = JSON.parse(JSON.stringify(preset('demo')));
    mutate(r);
    const file = path.join(dir, `field-${field}.json`);
    fs.writeFileSync(file, JSON.stringify(r));
    assert.throws(() => resolveRecipe(file), (e: Error) => {
      assertRecipeRefusal(e, file, JSON.stringify(r));
      return e.message.includes(`\n  ${field}: `);
    });
  }
});

test(`fuzz: the CLI refuses damaged recipes with exit code 2 and one stderr line, no stack ${note}`, { timeout: 60_000 }, () => {
  const cli = path.join(root, 'dist/cli.js');
  assert.ok(fs.existsSync(cli), `${cli} is missing: run node scripts/build.mjs`);
  const base = JSON.parse(JSON.stringify(preset('demo'))) as Json;
  const texts = [
    JSON.stringify(base).slice(0, 40),
    JSON.stringify({ ...(base as object), grpo: { clipRatioHigh: 'x' } }),
    JSON.stringify({ ...(base as object), stages: deep(5000, false) }).replace(/"(\[+\]+)"/, '$1'),
    `{"name":${deep(200_000, true)}}`,
    JSON.stringify({ ...(base as object), __proto__x: 1, constructor: { prototype: { polluted: 1 } } }),
    '\ufeff' + JSON.stringify(base).replace(/"seed":0/, '"seed":NaN'),
  ];
  for (const [i, text] of texts.entries()) {
    const file = path.join(dir, `cli${i}.json`);
    fs.writeFileSync(file, text);
    const r = spawnSync(process.execPath, [cli, 'train', '--recipe', file, '--plan'], { encoding: 'utf8', timeout: 30_000 });
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(r.status, 2, `exit code for case ${i}: ${r.status} ${r.stderr.slice(0, 2000)} ${note}`);
    assert.equal(lines.length, 1, `one stderr line for case ${i}: ${r.stderr.slice(0, 2000)}`);
    assert.ok(!r.stderr.includes('    at '), `no stack frames for case ${i}: ${r.stderr.slice(0, 2000)}`);
    assert.ok(r.stderr.includes(file), `names the file for case ${i}: ${r.stderr.slice(0, 500)}`);
  }
});

// ---- protocol -------------------------------------------------------------------------------

const sample = { step: 3, stage: 'math-24', promptId: 'p1', domain: 'math', prompt: 'What is 1+1?', response: '2', reward: 1, extracted: '2', reference: '2', verdict: 'correct', tests: [{ status: 'pass', timeMs: 2 }], truncated: false, verdictState: 'correct', verifierFailed: false };
const row = { id: 'a', source: 's', domain: 'math', text: 'x', status: 'kept', reasons: [], label: { decision: 'keep' }, difficulty: 0.5, passRate: null };
const detail = {
  id: 'a', source: 's', domain: 'code', problem: 'p', answer: null, tests: [{ input: '1', output: '2' }], testCount: 1, verifierFailure: null, status: 'removed',
  removals: [{ reason: 'overlap', detail: 'd', overlaps: ['math500:1'], evidence: [{ benchmark: 'math500', id: '1', sharedNgrams: 3, n: 8, exact: false, shared: ['a b c'], benchmarkProblem: 'q', promptSpans: [[0, 3]], benchmarkSpans: [[1, 2]] }] }],
  label: null, difficulty: null, passRate: 0.25, rollouts: [{ runId: 'r', step: 1, stage: 's', reward: 0, verdict: 'wrong', extracted: null, response: 'x', tests: [{ status: 'fail' }] }],
};
const start = { runId: 'run-1', runsDir: '/tmp/runs', recipe: 'demo', phase: 'math', dataset: 'd.jsonl', seed: 3 };
const dashState = { source: { kind: 'run', runsDir: '/tmp/runs', runId: 'r1' }, compare: [{ kind: 'metricsFile', file: '/tmp/m.jsonl' }], smoothing: 0.6 };

const VALID: [string, z.ZodType, Record<string, unknown>[]][] = [
  ['TrainerMessage', TrainerMessage, [
    { type: 'hello', pid: 12, version: '1.0', backend: 'wasm', backendNote: '' },
    { type: 'heartbeat', time: 1.5 },
    { type: 'pong', id: 4 },
    { type: 'log', level: 'warn', message: 'm' },
    { type: 'status', runId: 'r', status: 'running', detail: 'd' },
    { type: 'progress', runId: 'r', stage: 's', stageIndex: 0, stageCount: 2, step: 3, totalSteps: 10, etaSeconds: null, phase: 'rollout' },
    { type: 'metrics', runId: 'r', step: 3, data: { 'reward/mean': 0.5 } },
    { type: 'stage', runId: 'r', stage: 's', stageIndex: 1, startStep: 40 },
    { type: 'error', message: 'boom', fatal: true },
  ]],
  ['StartRunRequest', StartRunRequest, [start]],
  ['HostMessage', HostMessage, [{ type: 'ping', id: 1 }, { type: 'start', request: start }, { type: 'stop' }, { type: 'shutdown' }]],
  ['DashboardState', DashboardState, [dashState]],
  ['HostToDashboard', HostToDashboard, [
    { type: 'reset', runs: [{ key: 'k', label: 'l', detail: 'd', role: 'primary', status: 'unknown' }], state: dashState },
    { type: 'metrics', key: 'k', metrics: { steps: [1, 2], columns: { a: [0.5, null] } }, table: 'sft' },
    { type: 'stages', key: 'k', stages: [{ name: 's', startStep: 0 }] },
    { type: 'samples', key: 'k', samples: [sample], replace: true },
    { type: 'progress', key: 'k', status: 'crashed', stage: 's', step: 1, totalSteps: 2, etaSeconds: 3, detail: 'x', logTail: ['a'] },
    { type: 'labelResult', requestId: 1, ok: false, message: 'no' },
    { type: 'notice', level: 'error', message: 'm' },
  ]],
  ['DashboardToHost', DashboardToHost, [
    { type: 'ready' },
    { type: 'openSample', key: 'k', sample },
    { type: 'label', requestId: 2, key: 'k', promptId: 'p', decision: 'flag', note: 'n' },
    { type: 'pickCompare' },
    { type: 'removeCompare', key: 'k' },
  ]],
  ['CuratorHostMessage', CuratorHostMessage, [
    { type: 'empty', hint: 'h' },
    { type: 'datasetBegin', name: 'n', total: 3, curated: true },
    { type: 'rows', offset: 0, rows: [row] },
    { type: 'datasetEnd', skippedLines: 2 },
    { type: 'labels', labels: [{ id: 'a', label: null }, { id: 'b', label: { decision: 'exclude', note: 'n' } }] },
    { type: 'detail', detail },
    { type: 'error', message: 'm' },
  ]],
  ['CuratorViewMessage', CuratorViewMessage, [
    { type: 'ready' },
    { type: 'label', items: [{ id: 'a', label: { decision: 'flag' } }] },
    { type: 'undo', ids: ['a'] },
    { type: 'requestDetail', id: 'a' },
    { type: 'openDataset' },
    { type: 'curateDataset' },
    { type: 'openInEditor' },
  ]],
];

/** A value of a kind no field of these schemas accepts where v was valid (or longer than any max). */
function definitelyWrong(v: unknown): unknown {
  if (typeof v === 'string') return fz.pick([{}, 1, 'x'.repeat(1_000_001)]);
  if (typeof v === 'number') return fz.pick([NaN, Infinity, -Infinity, '1', {}, [1]]);
  if (Array.isArray(v)) return fz.pick([{}, { 0: v[0], length: 1 }, 'a']);
  if (v && typeof v === 'object') return fz.pick([[], [v], 7]);
  return fz.pick([{}, [], 'true']);
}

/** Mutates one nested field of a deep copy: a wrong value that must be refused. */
function breakOne(msg: Record<string, unknown>): unknown {
  const o = structuredClone(msg) as Json;
  const p = fz.pick(paths(o));
  const parent = parentOf(o, p);
  const key = p[p.length - 1] as string;
  // null where the schema allows null/absent may be fine; those are covered by the open fuzz below.
  if (parent[key] === null) parent[key] = fz.pick([{}, []]) as Json; // a nullable string may be 'x'
  else if (typeof parent[key] === 'boolean') parent[key] = fz.pick([{}, [], 'x', 0]) as Json;
  else parent[key] = definitelyWrong(parent[key]) as Json;
  return o;
}

/** Mutations that may or may not be valid: only "never throws, never a polluted prototype" applies. */
function anyMutation(msg: Record<string, unknown>): unknown {
  const o = structuredClone(msg) as Json;
  const all = paths(o);
  const p = all.length ? fz.pick(all) : ['type'];
  const parent = parentOf(o, p);
  const key = p[p.length - 1] as string;
  switch (fz.int(7)) {
    case 0: delete parent[key]; return o;
    case 1: parent[key] = fz.value() as Json; return o;
    case 2: return JSON.parse(JSON.stringify(o).replace(/^\{/, `{"__proto__":{"polluted":1,"type":"ready"},"constructor":{"prototype":{"polluted":1}},`));
    case 3: parent[key] = JSON.parse(deep(1 + fz.int(5000), fz.next() < 0.5)); return o;
    case 4: return fz.pick([[o], 'string', 42, null, undefined, Object.create(null), new Proxy({}, {}), () => o]);
    case 5: parent[fz.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])] = fz.value() as Json; return JSON.parse(JSON.stringify(o));
    default: parent[key] = fz.pick([NaN, Infinity, -0, 2 ** 53 + 1, '\ud800', 'é'.repeat(300_000)]); return o;
  }
}

function assertClean(value: unknown, ctx: string): void {
  const walk = (v: unknown, depth: number): void => {
    if (!v || typeof v !== 'object' || depth > 50) return;
    const proto = Object.getPrototypeOf(v);
    assert.ok(proto === Object.prototype || proto === Array.prototype, `parsed value has a foreign prototype ${ctx}`);
    assert.equal((v as Record<string, unknown>).polluted, undefined, ctx);
    for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(value, 0);
}

test(`fuzz: protocol validators accept the valid examples and refuse each one-field break ${note}`, { timeout: 60_000 }, () => {
  for (const [name, schema, examples] of VALID) {
    for (const m of examples) {
      const r = schema.safeParse(m);
      assert.ok(r.success, `${name} accepts ${JSON.stringify(m).slice(0, 200)}: ${!r.success && r.error.message}`);
      assertClean(r.data, name);
      if ('type' in m) assert.equal(schema.safeParse({ ...m, type: fz.pick(['nope', '', 'READY', 1, null, ['ready']]) }).success, false, `${name} wrong discriminant`);
    }
    for (let i = 0; i < Math.round(150 * SCALE); i++) {
      const m = fz.pick(examples);
      const broken = breakOne(m);
      let r;
      assert.doesNotThrow(() => { r = schema.safeParse(broken); }, `${name} ${note}`);
      assert.equal(r!.success, false, `${name} refuses ${JSON.stringify(broken).slice(0, 300)} ${note}`);
    }
  }
});

test(`fuzz: protocol validators never throw and never return a polluted prototype ${note}`, { timeout: 60_000 }, () => {
  let accepted = 0;
  let refused = 0;
  for (const [name, schema, examples] of VALID) {
    for (let i = 0; i < Math.round(200 * SCALE); i++) {
      const input = fz.next() < 0.1 ? fz.value() : anyMutation(fz.pick(examples));
      let r: ReturnType<typeof schema.safeParse> | undefined;
      assert.doesNotThrow(() => { r = schema.safeParse(input); }, `${name} ${note}`);
      if (r!.success) {
        assertClean(r!.data, `${name} ${note}`);
        accepted++;
      } else {
        assert.ok(r!.error.issues.length > 0, note);
        refused++;
      }
    }
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, `Object.prototype untouched ${note}`);
  assert.ok(accepted > 0 && refused > 0, `accepted ${accepted}, refused ${refused} ${note}`);
});
