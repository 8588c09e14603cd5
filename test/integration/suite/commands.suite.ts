// The extension's commands through the vscode API: activation, registration, Start Math RL (the
// trainer answers and reports the run running), a SIGKILLed trainer noticed within 2 s, a new run
// afterwards, Stop Training, and a launch refused before anything starts (a code file for Math RL).
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Services } from '../../../src/extension/services';
import type { TrainerMessage } from '../../../src/core/protocol/trainer';
import type { TrainerExit } from '../../../src/extension/trainerProcess';
import { test } from './tinyRunner';

const EXTENSION_ID = 'acereason.acereason-studio';
let services: Services;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a command; while it is pending, accepts whatever quick pick or input box it shows with its
 * default (first) item, as a person pressing Enter would.
 */
async function runAcceptingDefaults(command: string): Promise<unknown> {
  let done = false;
  const result = Promise.resolve(vscode.commands.executeCommand(command)).finally(() => { done = true; });
  while (!done) {
    await sleep(300);
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return result;
}

function nextMessage(match: (m: TrainerMessage) => boolean, what: string, timeoutMs: number): Promise<TrainerMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no ${what} within ${timeoutMs} ms`)); }, timeoutMs);
    const sub = services.supervisor.onMessage((m) => {
      if (match(m)) { clearTimeout(timer); sub.dispose(); resolve(m); }
    });
  });
}

function nextExit(timeoutMs: number): Promise<TrainerExit> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no trainer exit within ${timeoutMs} ms`)); }, timeoutMs);
    const sub = services.supervisor.onExit((e) => { clearTimeout(timer); sub.dispose(); resolve(e); });
  });
}

const isRunning = (m: TrainerMessage) => m.type === 'status' && m.status === 'running';

// The dataset and recipe picks are answered through the command's arguments (the built-in demo
// tasks and the demo recipe, the picks' defaults); the end-to-end test drives the picks themselves.
const DEMO_DEFAULTS = { dataset: undefined, recipe: 'demo' };

async function startMathRunAndWaitRunning(): Promise<number> {
  const running = nextMessage(isRunning, "a 'running' status", 90_000);
  const runId = await vscode.commands.executeCommand<string | undefined>('acereason.startMathRL', DEMO_DEFAULTS);
  assert.ok(runId, `the command started a run (supervisor running: ${services.supervisor.running}, active run: ${services.supervisor.activeRun?.runId})`);
  await running;
  const pid = services.supervisor.pid();
  assert.ok(pid && pid > 0, 'the supervisor knows the trainer pid');
  return pid;
}

test('the extension activates and returns its services', async () => {
  const ext = vscode.extensions.getExtension<Services>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed in the development host`);
  services = await ext.activate();
  assert.ok(services?.supervisor, 'activate() returns the trainer supervisor');
});

// The commands of the training lifecycle must be registered. The views' commands (dashboard,
// curator, verify) are being built by other issues: until they land, a missing one is reported as
// a warning line rather than a failure.
const LIFECYCLE_COMMANDS = ['acereason.startMathRL', 'acereason.startCodeRL', 'acereason.stopTraining', 'acereason.resumeRun', 'acereason.showLog'];

test('every contributed command is registered', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
  for (const c of LIFECYCLE_COMMANDS) assert.ok(contributed.includes(c), `package.json contributes ${c}`);
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.filter((c) => !registered.has(c));
  assert.deepEqual(missing.filter((c) => LIFECYCLE_COMMANDS.includes(c)), [], 'lifecycle commands declared in package.json but not registered');
  if (missing.length) console.log(`  ⚠ contributed but not registered yet: ${missing.join(', ')}`);
});

let firstPid = 0;

test('Start Math RL starts the trainer, which reports the backend and the run as running', async () => {
  firstPid = await startMathRunAndWaitRunning();
  assert.match(services.supervisor.backend ?? '', /^(wasm|cpu|tensorflow|tensorflow-gpu)$/);
  const run = services.supervisor.activeRun;
  assert.ok(run, 'the supervisor tracks the active run');
  assert.ok(fs.existsSync(path.join(run.runsDir, run.runId, 'config.json')), 'the run folder has its config');
}, 120_000);

test('a SIGKILLed trainer is reported within 2 s as an unexpected exit naming SIGKILL', async () => {
  assert.ok(firstPid > 0, 'the previous case started a trainer');
  const exited = nextExit(5000);
  const killedAt = Date.now();
  process.kill(firstPid, 'SIGKILL');
  const exit = await exited;
  const elapsed = Date.now() - killedAt;
  assert.equal(exit.unexpected, true);
  assert.match(exit.reason, /SIGKILL/);
  assert.ok(elapsed < 2000, `noticed after ${elapsed} ms`);
  assert.equal(services.supervisor.running, false);
});

test('a new run starts after the crash, in a new trainer process', async () => {
  const pid = await startMathRunAndWaitRunning();
  assert.notEqual(pid, firstPid);
}, 120_000);

// Acknowledged at once; the run itself stops after its current step, which may take minutes, so
// this does not wait for 'stopped'.
test('Stop Training is acknowledged by the trainer with a stopping status', async () => {
  const runId = services.supervisor.activeRun?.runId;
  assert.ok(runId, 'a run is active');
  const stopping = nextMessage((m) => m.type === 'status' && m.runId === runId && ['stopping', 'stopped', 'finished'].includes(m.status), "a 'stopping' status", 10_000);
  await runAcceptingDefaults('acereason.stopTraining');
  await stopping;
}, 30_000);

test('Start Math RL refuses a code file before starting anything, naming the file and the domain', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-code-')), 'problems.jsonl');
  fs.writeFileSync(file, Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: `c${i}`, problem: `Print ${i}.`, tests: [{ input: '', output: `${i}\n` }] })).join('\n') + '\n');
  const before = services.supervisor.activeRun?.runId;
  const runId = await vscode.commands.executeCommand<string | undefined>('acereason.startMathRL', { dataset: file, recipe: 'demo' });
  assert.equal(runId, undefined, 'no run was started');
  assert.equal(services.supervisor.activeRun?.runId, before, 'the active run is unchanged');
  assert.ok(!fs.existsSync(path.join(path.dirname(file), '.acereason')), 'nothing was written next to the file');
}, 30_000);
