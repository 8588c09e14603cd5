// The generated compute_score.py, run with Python against a live `acereason serve` on loopback:
// the scores verl would get are the trainer's (math: boxed answer after </think>; code: all tests pass).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeRewardModule } from '../../../src/core/verl/rewardModule';

const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
let server: ChildProcess;
let url = '';
let dir = '';
const TOKEN = 'test-secret-123';

function startServe(extra: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--timeout-s', '1', ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${err}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1] }); }
    });
    child.stderr!.on('data', (d) => { err += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}: ${out}${err}`)); });
  });
}

/** Calls compute_score in Python for each case; returns the results (or the error text) in order. */
function score(cases: unknown[], env: Record<string, string> = {}): any[] {
  const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(dir)})
from compute_score import compute_score
out = []
for c in json.load(sys.stdin):
    try:
        out.append(compute_score(c["data_source"], c["solution"], c["gt"], c.get("extra")))
    except Exception as e:
        out.append({"raised": type(e).__name__ + ": " + str(e)})
print(json.dumps(out))
`;
  const r = spawnSync(python, ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '', ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reward-module-'));
  // The secret comes from the environment: on the command line every user could read it.
  ({ child: server, url } = await startServe([], { ACEREASON_SERVE_TOKEN: TOKEN }));
  writeRewardModule(dir, url);
});

after(() => {
  server?.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
});

const gtCode = JSON.stringify({ inputs: ['2\n3\n', '10\n-4\n'], outputs: ['5\n', '6\n'] });
const gtFn = JSON.stringify({ inputs: ['[1, 2, 3]'], outputs: ['6'], fn_name: 'total' });

test('math: right answers score 1, wrong ones 0, only the boxed answer after </think> counts', () => {
  const [right, equivalent, wrong, inThinkOnly] = score([
    { data_source: 'aime24', solution: '<think>2+2</think> The answer is \\boxed{4}.', gt: '4', extra: { id: 'm1', ability: 'math' } },
    { data_source: 'math', solution: '<think>…</think> \\boxed{\\dfrac{1}{2}}', gt: '0.5', extra: { id: 'm2', ability: 'math' } },
    { data_source: 'math', solution: '<think>…</think> \\boxed{1+1/e}', gt: '1-1/e', extra: { ability: 'math' } },
    { data_source: 'math', solution: '<think>\\boxed{4}</think> so it is five', gt: '4', extra: { ability: 'math' } },
  ], { ACEREASON_REWARD_TOKEN: TOKEN });
  assert.deepEqual(right, { score: 1.0, acereason_id: 'm1', acereason_state: 'correct', acereason_verifier_failed: 0.0 });
  assert.equal(equivalent.score, 1.0);
  assert.equal(wrong.score, 0.0);
  assert.equal(wrong.acereason_state, 'wrong');
  assert.equal(inThinkOnly.score, 0.0);
  assert.equal(inThinkOnly.acereason_state, 'no-answer');
});

test('math: verifier options pass through (reward_kwargs, then extra_info); a verifier failure is marked, not hidden', () => {
  const [boxedDefault, exprByExtra, precise, loose, badGold] = score([
    { data_source: 'math', solution: '<think>…</think> The answer is 5.', gt: '5', extra: { ability: 'math' } },
    { data_source: 'math', solution: '<think>…</think> The answer is 5.', gt: '5', extra: { ability: 'math', extract: ['latex', 'expr'] } },
    { data_source: 'math', solution: '<think>…</think> \\boxed{0.6667}', gt: '\\frac23', extra: { ability: 'math', precision: 4 } },
    { data_source: 'math', solution: '<think>…</think> \\boxed{x > 3}', gt: '(3,\\infty)', extra: { ability: 'math', allow_set_relation: true } },
    { data_source: 'math', solution: '<think>…</think> \\boxed{5}', gt: '\\frac{1}{7}\\triangle ABC', extra: { ability: 'math' } },
  ], { ACEREASON_REWARD_TOKEN: TOKEN });
  assert.equal(boxedDefault.score, 0.0, 'the recipe reward: only a boxed answer counts');
  assert.equal(exprByExtra.score, 1.0);
  assert.equal(precise.score, 1.0);
  assert.equal(loose.score, 1.0);
  assert.equal(badGold.score, 0.0);
  assert.equal(badGold.acereason_state, 'gold-unparseable');
  assert.equal(badGold.acereason_verifier_failed, 1.0);
});

test('code: all tests must pass; a program that runs past the limit scores 0', () => {
  const fence = (code: string) => `<think>plan</think>\n\`\`\`python\n${code}\n\`\`\``;
  const [right, oneWrong, timeout, fnCall, noCode] = score([
    { data_source: 'codeforces', solution: fence('a=int(input());b=int(input());print(a+b)'), gt: gtCode, extra: { ability: 'code', id: 'c1' } },
    { data_source: 'codeforces', solution: fence('a=int(input());b=int(input());print(abs(a)+abs(b))'), gt: gtCode, extra: { ability: 'code' } },
    { data_source: 'codeforces', solution: fence('while True: pass'), gt: gtCode, extra: { ability: 'code' } },
    { data_source: 'leetcode', solution: fence('class Solution:\n    def total(self, xs):\n        return sum(xs)'), gt: gtFn, extra: { ability: 'code' } },
    { data_source: 'leetcode', solution: 'I cannot solve this.', gt: gtFn, extra: { ability: 'code' } },
  ], { ACEREASON_REWARD_TOKEN: TOKEN });
  assert.deepEqual(right, { score: 1.0, acereason_id: 'c1' });
  assert.equal(oneWrong.score, 0.0, 'partial credit is not the recipe');
  assert.equal(timeout.score, 0.0);
  assert.equal(fnCall.score, 1.0);
  assert.equal(noCode.score, 0.0);
});

test('the shared secret is required, and an unreachable service raises instead of scoring 0', () => {
  const [noToken] = score([{ data_source: 'm', solution: '\\boxed{1}', gt: '1', extra: { ability: 'math' } }]);
  assert.match(noToken.raised, /RuntimeError: .*HTTP 401/);
  const [down] = score([{ data_source: 'm', solution: '\\boxed{1}', gt: '1', extra: { ability: 'math' } }],
    { ACEREASON_REWARD_URL: 'http://127.0.0.1:9', ACEREASON_REWARD_TIMEOUT_S: '2' });
  assert.match(down.raised, /did not answer after 4 tries/);
});

test('the HTTP API reports bad items in place and refuses non-arrays', async () => {
  const headers = { 'content-type': 'application/json', 'x-acereason-token': TOKEN };
  const r = await fetch(`${url}/verify/math`, { method: 'POST', headers, body: JSON.stringify([{ gold: '2', pred: '2' }, { pred: '1' }]) });
  assert.equal(r.status, 200);
  const body = await r.json() as any[];
  assert.equal(body[0].correct, true);
  assert.equal(body[0].state, 'correct');
  const opts = await fetch(`${url}/verify/math`, { method: 'POST', headers, body: JSON.stringify([
    { gold: '\\frac23', pred: '0.6667' }, { gold: '\\frac23', pred: '0.6667', precision: 4 }, { gold: 'x^2', pred: 'y^2', strict: false },
    { gold: '5', response: 'the answer is 5', extract: ['boxed'] }, { gold: '5', pred: '5', extract: 'nope' },
  ]) });
  const ob = await opts.json() as any[];
  assert.deepEqual(ob.slice(0, 4).map((x) => x.state), ['wrong', 'correct', 'correct', 'no-answer']);
  assert.match(ob[4].error, /extract/);
  const health = await fetch(`${url}/health`, { headers });
  const hb = await health.json() as any;
  assert.equal(hb.ok, true);
  assert.equal(typeof hb.sandbox, 'object');
  assert.ok(Object.keys(hb.sandbox).length > 0, `the sandbox info is filled in, not a serialised Promise: ${JSON.stringify(hb)}`);
  assert.deepEqual(Object.keys(body[1]).sort(), ['error', 'index']);
  assert.match(body[1].error, /gold/);
  const bad = await fetch(`${url}/verify/code`, { method: 'POST', headers, body: '{"code": "x"}' });
  assert.equal(bad.status, 400);
  const run = await fetch(`${url}/run_code`, { method: 'POST', headers, body: JSON.stringify({ code: 'print(6*7)', language: 'python' }) });
  const rc = await run.json() as any;
  assert.equal(rc.status, 'Success');
  assert.equal(rc.run_result.stdout, '42\n');
});

test('serve refuses a non-loopback address without --allow-remote and a token', () => {
  const r = spawnSync(process.execPath, [cli, 'serve', '--host', '0.0.0.0', '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a loopback address/);
  const r2 = spawnSync(process.execPath, [cli, 'serve', '--host', '0.0.0.0', '--port', '0', '--allow-remote'], { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH ?? '' } });
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /needs a shared secret/);
});
