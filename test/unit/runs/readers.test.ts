import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonlTail } from '../../../src/core/runs/jsonlTail';
import { parseMetricsLine } from '../../../src/core/runs/verlJsonl';
import { MetricsFile } from '../../../src/core/runs/metricsFile';
import { SamplesFile } from '../../../src/core/runs/samplesFile';
import { RunFeed } from '../../../src/core/runs/runFeed';
import { runPaths } from '../../../src/core/runs/layout';
import { appendJsonLine, writeJsonAtomic } from '../../../src/core/util/atomic';
import type { SampleRecord } from '../../../src/core/protocol/trainer';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-runs-readers-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function sample(step: number, stage: string, reward = 1): SampleRecord {
  return { step, stage, promptId: `p${step}`, domain: 'math', prompt: 'q', response: 'r', reward, extracted: '1', verdict: 'ok' };
}

describe('verl file-logger lines', () => {
  test('parses a verl line and keeps numeric values', () => {
    const r = parseMetricsLine('{"step": 3, "data": {"critic/score/mean": 0.5, "note": "x", "flag": true}}');
    assert.deepEqual(r, { ok: true, value: { step: 3, data: { 'critic/score/mean': 0.5, flag: 1 } } });
  });

  test("Python's bare NaN / Infinity tokens become missing values", () => {
    const r = parseMetricsLine('{"step": 4, "data": {"actor/grad_norm": NaN, "a": Infinity, "b": -Infinity, "c": 1.5}}');
    assert.deepEqual(r, { ok: true, value: { step: 4, data: { c: 1.5 } } });
  });

  test('names the bad field', () => {
    const missing = parseMetricsLine('{"data": {}}');
    assert.ok(!missing.ok && /field 'step'/.test(missing.error));
    const badData = parseMetricsLine('{"step": 1, "data": [1]}');
    assert.ok(!badData.ok && /field 'data'/.test(badData.error));
    const notJson = parseMetricsLine('{"step": 1, "da');
    assert.ok(!notJson.ok && /not JSON/.test(notJson.error));
  });
});

describe('JsonlTail', () => {
  test('returns only new complete lines, holding back a torn last line until it completes', () => {
    const file = path.join(tmp, 'tail.jsonl');
    fs.writeFileSync(file, '{"a":1}\n{"a":2}\n{"a":');
    const tail = new JsonlTail(file);
    assert.deepEqual(tail.read().lines.map((l) => [l.line, l.text]), [[1, '{"a":1}'], [2, '{"a":2}']]);
    assert.deepEqual(tail.read().lines, []);
    fs.appendFileSync(file, '3}\n\n{"a":4}\n');
    assert.deepEqual(tail.read().lines.map((l) => [l.line, l.text]), [[3, '{"a":3}'], [5, '{"a":4}']]);
  });

  test('restarts when the file is replaced or truncated', () => {
    const file = path.join(tmp, 'replaced.jsonl');
    fs.writeFileSync(file, '{"a":1}\n{"a":2}\n');
    const tail = new JsonlTail(file);
    assert.equal(tail.read().lines.length, 2);
    fs.writeFileSync(path.join(tmp, 'new.jsonl'), '{"b":1}\n');
    fs.renameSync(path.join(tmp, 'new.jsonl'), file);
    const r = tail.read();
    assert.equal(r.restarted, true);
    assert.deepEqual(r.lines.map((l) => l.text), ['{"b":1}']);
  });

  test('a missing file reads as empty', () => {
    assert.deepEqual(new JsonlTail(path.join(tmp, 'nope.jsonl')).read(), { lines: [], restarted: false });
  });
});

describe('MetricsFile', () => {
  test('follows a growing file and reports bad lines with file and line number', () => {
    const file = path.join(tmp, 'metrics.jsonl');
    fs.writeFileSync(file, '{"step":0,"data":{"critic/score/mean":0.1,"timing_s/gen":2}}\nnot json\n');
    const m = new MetricsFile(file);
    const first = m.poll();
    assert.equal(first.lines.length, 1);
    assert.deepEqual(first.badLines.map((b) => [b.file, b.line]), [[file, 2]]);
    assert.deepEqual(m.table.keys(), ['critic/score/mean'], 'uncharted keys are not kept');
    appendJsonLine(file, { step: 1, data: { 'critic/score/mean': 0.2 } });
    assert.equal(m.poll().lines.length, 1);
    assert.equal(m.table.length, 2);
    assert.equal(m.table.lastValue('critic/score/mean'), 0.2);
  });
});

describe('SamplesFile', () => {
  test('keeps the latest N valid samples and reports invalid lines', () => {
    const file = path.join(tmp, 'samples.jsonl');
    for (let i = 0; i < 5; i++) appendJsonLine(file, sample(i, 's1'));
    appendJsonLine(file, { step: 'x' });
    const s = new SamplesFile(file, 3);
    const u = s.poll();
    assert.equal(u.samples.length, 3);
    assert.deepEqual(s.latest.map((x) => x.step), [2, 3, 4]);
    assert.equal(u.badLines.length, 1);
    assert.equal(u.badLines[0].line, 6);
    assert.match(u.badLines[0].error, /step/);
  });
});

describe('RunFeed', () => {
  test('polls deltas: metrics as columns, samples, stage marks from samples and status.json', () => {
    const runsDir = path.join(tmp, 'runs');
    const p = runPaths(runsDir, 'r1');
    fs.mkdirSync(p.dir, { recursive: true });
    appendJsonLine(p.metrics, { step: 0, data: { 'critic/score/mean': 0.1 } });
    appendJsonLine(p.samples, sample(0, 'math-8k'));
    const feed = new RunFeed({ kind: 'run', runsDir, runId: 'r1' });
    const d1 = feed.poll();
    assert.deepEqual(d1.metrics, { steps: [0], columns: { 'critic/score/mean': [0.1] } });
    assert.equal(d1.samples.length, 1);
    assert.deepEqual(d1.stages, [{ name: 'math-8k', startStep: 0 }]);
    const d2 = feed.poll();
    assert.equal(d2.metrics, undefined);
    assert.equal(d2.stages, undefined);
    appendJsonLine(p.metrics, { step: 1, data: { 'critic/score/mean': 0.3 } });
    writeJsonAtomic(p.status, { status: 'stopped', stages: [{ name: 'math-8k', startStep: 0 }, { name: 'math-16k', startStep: 1 }] });
    const d3 = feed.poll();
    assert.deepEqual(d3.metrics?.steps, [1]);
    assert.equal(d3.progress?.status, 'stopped');
    assert.deepEqual(d3.stages?.map((s) => s.name), ['math-8k', 'math-16k']);
    assert.equal(feed.info('primary').status, 'stopped');
    const snap = feed.snapshot(1);
    assert.equal(snap.metrics.length, 2, 'chunked by row count');
    assert.equal(snap.samples.length, 1);
  });

  test('a bare verl metrics file has metrics only', () => {
    const file = path.join(tmp, 'cluster.jsonl');
    fs.writeFileSync(file, '{"step": 1, "data": {"critic/score/mean": NaN, "actor/entropy": 0.7}}\n');
    const feed = new RunFeed({ kind: 'metricsFile', file });
    const d = feed.poll();
    assert.deepEqual(d.metrics, { steps: [1], columns: { 'actor/entropy': [0.7] } });
    assert.equal(feed.label, 'cluster.jsonl');
  });
});
