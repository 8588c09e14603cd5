// TrainerProcess (the vscode-free half of trainer supervision) against the real built trainer
// (dist/trainer.js) and against tiny fake trainers that misbehave on purpose.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrainerProcess, type TrainerExit } from '../../../src/extension/trainerProcess';
import type { TrainerMessage } from '../../../src/core/protocol/trainer';
import { distPath } from '../../../src/core/util/paths';

const trainerScript = distPath('trainer.js');
// The real trainer picks wasm here; cpu would also do, but wasm is what the extension uses.
const trainerEnv = { ACEREASON_BACKEND: 'wasm' };
// Loading TensorFlow.js takes a few seconds on a busy 2-core machine.
const HELLO_TIMEOUT_MS = 60_000;

let scratch: string;

/** Writes a fake trainer script (plain CommonJS, run by node through fork). */
function fakeTrainer(name: string, body: string): string {
  const file = path.join(scratch, `${name}.cjs`);
  fs.writeFileSync(file, body);
  return file;
}

const HELLO = `{ type: 'hello', pid: process.pid, version: 'fake', backend: 'cpu', backendNote: 'fake trainer' }`;

function nextMessage<T extends TrainerMessage['type']>(
  proc: TrainerProcess, type: T, timeoutMs: number,
): Promise<Extract<TrainerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`no '${type}' message within ${timeoutMs} ms; log tail:\n${proc.logTail().join('\n')}`)); }, timeoutMs);
    const onMessage = (m: TrainerMessage) => {
      if (m.type === type) { cleanup(); resolve(m as Extract<TrainerMessage, { type: T }>); }
    };
    const onExit = (e: TrainerExit) => { cleanup(); reject(new Error(`trainer ${e.reason} while waiting for '${type}'; log tail:\n${e.logTail.join('\n')}`)); };
    const cleanup = () => { clearTimeout(timer); proc.off('message', onMessage); proc.off('exit', onExit); };
    proc.on('message', onMessage);
    proc.on('exit', onExit);
  });
}

function nextExit(proc: TrainerProcess, timeoutMs: number): Promise<TrainerExit> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms`)), timeoutMs);
    proc.once('exit', (e) => { clearTimeout(timer); resolve(e); });
  });
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

const started: TrainerProcess[] = [];
function track(p: TrainerProcess): TrainerProcess {
  started.push(p);
  return p;
}

before(() => {
  if (!fs.existsSync(trainerScript)) {
    throw new Error(`${trainerScript} is missing: run \`npm run build\` first (npm test builds before the unit tests)`);
  }
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-trainer-process-'));
});

after(async () => {
  for (const p of started) if (p.running) await p.shutdown(1000);
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('TrainerProcess with the real dist/trainer.js', () => {
  test('says hello with its pid and backend, answers ping with pong, shuts down cleanly', async () => {
    const proc = track(new TrainerProcess({ script: trainerScript, env: trainerEnv }));
    const hello = nextMessage(proc, 'hello', HELLO_TIMEOUT_MS);
    proc.start();
    const h = await hello;
    assert.equal(h.pid, proc.pid);
    assert.equal(h.backend, 'wasm');
    assert.match(h.backendNote, /wasm/);
    assert.equal(proc.hello?.pid, h.pid);

    const pong = nextMessage(proc, 'pong', 5000);
    const id = proc.ping();
    assert.equal((await pong).id, id);

    // A heartbeat keeps arriving while idle.
    await nextMessage(proc, 'heartbeat', 2000);

    const exit = nextExit(proc, 10_000);
    await proc.shutdown(5000);
    const e = await exit;
    assert.equal(e.unexpected, false);
    assert.equal(e.code, 0);
    assert.equal(proc.running, false);
    assert.equal(isAlive(h.pid), false);
  });

  test('SIGKILL is reported as an unexpected exit within 2 s, and the same process object starts again', async () => {
    const proc = track(new TrainerProcess({ script: trainerScript, env: trainerEnv }));
    const hello = nextMessage(proc, 'hello', HELLO_TIMEOUT_MS);
    proc.start();
    const { pid } = await hello;

    const exit = nextExit(proc, 5000);
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const e = await exit;
    const noticedAfterMs = Date.now() - killedAt;
    assert.equal(e.unexpected, true);
    assert.equal(e.signal, 'SIGKILL');
    assert.match(e.reason, /SIGKILL/);
    assert.ok(e.logTail.some((l) => /wasm/.test(l)), `the log tail carries the trainer's last lines: ${JSON.stringify(e.logTail)}`);
    assert.ok(noticedAfterMs < 2000, `crash noticed after ${noticedAfterMs} ms (the issue requires < 2 s)`);
    assert.equal(proc.running, false);

    const again = nextMessage(proc, 'hello', HELLO_TIMEOUT_MS);
    proc.start();
    const h2 = await again;
    assert.notEqual(h2.pid, pid);
    const pong = nextMessage(proc, 'pong', 5000);
    const id = proc.ping();
    assert.equal((await pong).id, id);
    await proc.shutdown(5000);
  });

  test('a start request makes the trainer report the run as running; stop is acknowledged at once', async () => {
    const runsDir = path.join(scratch, 'runs');
    const proc = track(new TrainerProcess({ script: trainerScript, env: trainerEnv }));
    const hello = nextMessage(proc, 'hello', HELLO_TIMEOUT_MS);
    proc.start();
    await hello;
    const statuses: string[] = [];
    proc.on('message', (m) => { if (m.type === 'status') statuses.push(m.status); });
    const running = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no 'running' status; saw ${statuses.join(', ')}`)), 30_000);
      proc.on('message', (m) => { if (m.type === 'status' && m.status === 'running') { clearTimeout(timer); resolve(); } });
    });
    assert.equal(proc.send({ type: 'start', request: { runId: 'unit-run-1', runsDir, recipe: 'demo', phase: 'math' } }), true);
    await running;
    assert.equal(statuses[0], 'starting');
    assert.ok(fs.existsSync(path.join(runsDir, 'unit-run-1')), 'the run folder exists');
    // A training step can take long; the stop request is acknowledged before it ends.
    const stopping = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no stop acknowledgement; saw ${statuses.join(', ')}`)), 10_000);
      proc.on('message', (m) => {
        if (m.type === 'status' && m.runId === 'unit-run-1' && m.status !== 'running') { clearTimeout(timer); resolve(m.status); }
      });
    });
    assert.equal(proc.send({ type: 'stop' }), true);
    assert.match(await stopping, /^(stopping|stopped|finished)$/);
    const exit = nextExit(proc, 30_000);
    await proc.shutdown(2000);
    assert.equal((await exit).unexpected, false, 'a shutdown we asked for is not a crash, even if it ends in a kill');
  });
});

describe('TrainerProcess with fake trainers', () => {
  test('a malformed message is dropped and reported, valid ones still flow', async () => {
    const script = fakeTrainer('garbage', `
      process.send(${HELLO});
      process.send({ type: 'metrics', runId: 'r', step: -1, data: {} });
      process.send({ type: 'no-such-type', payload: '<script>alert(1)</script>' });
      process.send('just a string');
      process.send({ type: 'pong', id: 7 });
      setInterval(() => process.send({ type: 'heartbeat', time: Date.now() }), 200);
      process.on('message', (m) => { if (m && m.type === 'shutdown') process.exit(0); });
    `);
    const proc = track(new TrainerProcess({ script }));
    const invalid: string[] = [];
    const types: string[] = [];
    proc.on('invalid', (line) => invalid.push(line));
    proc.on('message', (m) => types.push(m.type));
    const pong = nextMessage(proc, 'pong', 10_000);
    proc.start();
    assert.equal((await pong).id, 7);
    assert.equal(invalid.length, 3, `three malformed messages reported: ${JSON.stringify(invalid)}`);
    for (const line of invalid) assert.match(line, /^dropped a malformed trainer message: /);
    assert.match(invalid[0], /step/, 'the report names the offending field');
    assert.deepEqual(types, ['hello', 'pong'], 'only valid messages are emitted');
    assert.ok(proc.logTail().filter((l) => l.startsWith('dropped a malformed')).length === 3, 'the drops are kept for crash reports');
    const exit = nextExit(proc, 5000);
    await proc.shutdown(2000);
    assert.equal((await exit).unexpected, false);
  });

  test('a trainer that stops sending heartbeats is declared hung and killed', async () => {
    const script = fakeTrainer('hung', `
      process.send(${HELLO});
      console.error('fake trainer: about to hang');
      setInterval(() => {}, 1000); // alive, silent
    `);
    const proc = track(new TrainerProcess({ script, heartbeatTimeoutMs: 400 }));
    const exit = nextExit(proc, 10_000);
    proc.start();
    const pid = proc.pid!;
    const e = await exit;
    assert.equal(e.unexpected, true);
    assert.equal(e.signal, 'SIGKILL');
    assert.match(e.reason, /no heartbeat/);
    assert.ok(e.logTail.some((l) => l.includes('fake trainer: about to hang')), 'stderr lines are in the tail');
    assert.ok(e.logTail.some((l) => /no heartbeat for \d+ ms/.test(l)), 'the tail says why it was killed');
    assert.equal(isAlive(pid), false);
  });

  test('a trainer that crashes reports its exit code and last stderr lines', async () => {
    const script = fakeTrainer('crash', `
      process.send(${HELLO});
      console.error('loading the model');
      setTimeout(() => { console.error('fatal: out of memory'); process.exit(13); }, 100);
    `);
    const proc = track(new TrainerProcess({ script }));
    const exit = nextExit(proc, 10_000);
    proc.start();
    const e = await exit;
    assert.equal(e.unexpected, true);
    assert.equal(e.code, 13);
    assert.equal(e.reason, 'exited with code 13');
    assert.deepEqual(e.logTail.slice(-2), ['loading the model', 'fatal: out of memory']);
  });

  test('shutdown kills a trainer that ignores the shutdown request after the grace period', async () => {
    const script = fakeTrainer('stubborn', `
      process.send(${HELLO});
      setInterval(() => process.send({ type: 'heartbeat', time: Date.now() }), 100);
      process.on('message', () => {}); // ignores shutdown
      process.on('disconnect', () => {}); // and the closed channel
    `);
    const proc = track(new TrainerProcess({ script }));
    const hello = nextMessage(proc, 'hello', 10_000);
    proc.start();
    const { pid } = await hello;
    const exit = nextExit(proc, 10_000);
    await proc.shutdown(300);
    const e = await exit;
    assert.equal(e.unexpected, false, 'we asked it to go, so it is not a crash');
    assert.equal(e.signal, 'SIGKILL');
    assert.equal(isAlive(pid), false);
  });

  test('start refuses to run twice, and send after exit returns false', async () => {
    const script = fakeTrainer('quick', `
      process.send(${HELLO});
      process.on('message', (m) => { if (m && m.type === 'shutdown') process.exit(0); });
      setInterval(() => process.send({ type: 'heartbeat', time: Date.now() }), 200);
    `);
    const proc = track(new TrainerProcess({ script }));
    const hello = nextMessage(proc, 'hello', 10_000);
    proc.start();
    await hello;
    assert.throws(() => proc.start(), /already running/);
    await proc.shutdown(2000);
    assert.equal(proc.send({ type: 'ping', id: 1 }), false);
  });
});
