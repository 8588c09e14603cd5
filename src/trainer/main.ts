// The trainer process. Forked by the extension host (child_process.fork, IPC channel): every
// message in either direction is a `core/protocol/trainer` union member, validated on receipt.
// Sends `hello` once the TensorFlow.js backend is chosen, then a heartbeat every 500 ms. The host
// notices a dead trainer at once (exit event) and a hung one after DEFAULT_HEARTBEAT_TIMEOUT_MS of
// silence (src/extension/trainerProcess.ts): long synchronous work must yield well within that.
import fs from 'node:fs';
import { parseHostMessage, type StartRunRequest, type TrainerMessage } from '../core/protocol/trainer';
import { runPaths } from '../core/runs/layout';
import { writeJsonAtomic } from '../core/util/atomic';
import { isUserError } from '../core/util/userError';
import { resolvePreference, selectBackend } from './backend';
import type { RunContext } from './context';
import { runTraining } from './run';

export const HEARTBEAT_MS = 500;
const VERSION = '0.1.0';

function send(msg: TrainerMessage): void {
  if (process.send && process.connected) process.send(msg);
}

/** Exits after every message sent so far has reached the host (IPC sends are ordered). */
function exitWhenFlushed(code: number): void {
  if (process.send && process.connected) process.send({ type: 'heartbeat', time: Date.now() } satisfies TrainerMessage, () => process.exit(code));
  else process.exit(code);
}

function log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
  send({ type: 'log', level, message });
  process.stderr.write(`[trainer ${level}] ${message}\n`);
}

async function main(): Promise<void> {
  if (!process.send) {
    process.stderr.write('dist/trainer.js is the process the extension forks; from a terminal use `acereason train`.\n');
    process.exit(2);
  }
  const heartbeat = setInterval(() => send({ type: 'heartbeat', time: Date.now() }), HEARTBEAT_MS);
  let stopping = false;
  let active: Promise<unknown> | undefined;
  let activeRunId: string | undefined;

  const ctx: RunContext = { emit: send, log, stopRequested: () => stopping };

  const startRun = (req: StartRunRequest) => {
    if (active) {
      send({ type: 'error', message: 'a run is already in progress in this trainer', fatal: false });
      return;
    }
    stopping = false;
    activeRunId = req.runId;
    send({ type: 'status', runId: req.runId, status: 'starting' });
    active = runTraining(req, ctx)
      .then((outcome) => {
        send({ type: 'status', runId: req.runId, status: outcome });
        writeStatus(req, outcome);
      })
      .catch((e: Error) => {
        // An input problem is one line; anything else is a bug and keeps its stack for the log.
        log('error', isUserError(e) ? e.message : (e.stack ?? e.message));
        send({ type: 'error', message: e.message, fatal: true });
        send({ type: 'status', runId: req.runId, status: 'crashed', detail: e.message });
        writeStatus(req, 'crashed', e.message);
        // A crashed trainer exits (code 1) once the host has its messages: nothing may keep
        // saying "running", and the next run gets a fresh process.
        clearInterval(heartbeat);
        exitWhenFlushed(1);
      })
      .finally(() => { active = undefined; activeRunId = undefined; });
  };

  process.on('message', (raw) => {
    const parsed = parseHostMessage(raw);
    if (!parsed.ok) {
      log('warn', `dropped a malformed message from the host: ${parsed.error}`);
      return;
    }
    const msg = parsed.value;
    switch (msg.type) {
      case 'ping': send({ type: 'pong', id: msg.id }); break;
      case 'start': startRun(msg.request); break;
      case 'stop':
        stopping = true;
        log('info', 'stop requested: finishing the current step');
        // Acknowledged at once: a step can take minutes, and the user should see the request landed.
        if (activeRunId) send({ type: 'status', runId: activeRunId, status: 'stopping', detail: 'finishing the current step' });
        break;
      case 'shutdown':
        stopping = true;
        void Promise.resolve(active).finally(() => { clearInterval(heartbeat); process.exit(0); });
        break;
    }
  });
  process.on('disconnect', () => { process.exit(0); });

  let backendName: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu' = 'cpu';
  let note = '';
  try {
    const choice = await selectBackend(resolvePreference(process.env.ACEREASON_BACKEND));
    backendName = choice.name;
    note = choice.note;
    log('info', choice.note);
  } catch (e) {
    log('error', (e as Error).message);
    send({ type: 'error', message: (e as Error).message, fatal: true });
    process.exit(3);
  }
  send({ type: 'hello', pid: process.pid, version: VERSION, backend: backendName, backendNote: note });
}

function writeStatus(req: StartRunRequest, status: string, detail?: string): void {
  try {
    const p = runPaths(req.runsDir, req.runId);
    if (fs.existsSync(p.dir)) writeJsonAtomic(p.status, { status, detail, time: new Date().toISOString(), pid: process.pid });
  } catch { /* the run folder may have been deleted by the user */ }
}

void main();
