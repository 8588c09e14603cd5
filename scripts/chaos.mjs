#!/usr/bin/env node
// `npm run chaos` (not in CI): the crash-safety series of issue 17, repeatable.
//  1. SIGKILL-resume: `node dist/cli.js train --recipe R` killed at random moments and resumed with
//     --resume until it finishes; then every checkpoint is checked (manifest, state vs metrics), the
//     metrics file for lost or repeated steps, and, with --reference, the final weights and Adam state
//     against an uninterrupted run of the same recipe (byte-identical expected).
//  2. Label writers: W processes append decisions to one labels.jsonl (each records what appendLabel
//     acknowledged), killed and restarted at random, with `labels compact` running in between; at the
//     end every acknowledged decision must be in the journal.
// Usage: node --import tsx scripts/chaos.mjs [--kills N] [--recipe demo|FILE] [--reference]
//        [--writer-rounds N] [--writers W] [--seed S] [--skip-train] [--skip-labels] [--keep]
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'cli.js');
const { values: opts } = parseArgs({
  options: {
    kills: { type: 'string', default: '3' }, recipe: { type: 'string', default: 'demo' }, reference: { type: 'boolean', default: false },
    'writer-rounds': { type: 'string', default: '8' }, writers: { type: 'string', default: '4' }, seed: { type: 'string' },
    'skip-train': { type: 'boolean', default: false }, 'skip-labels': { type: 'boolean', default: false }, keep: { type: 'boolean', default: false },
    'max-kill-s': { type: 'string', default: '40' },
  },
});
let seed = Number(opts.seed ?? Date.now() % 100000);
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-chaos-'));
const log = (m) => process.stdout.write(`${m}\n`);
log(`chaos: seed ${opts.seed ?? seed}, work folder ${work}`);

const store = await import(path.join(root, 'src/core/labels/store.ts'));
const { latestCheckpoint } = await import(path.join(root, 'src/trainer/rl/checkpoint.ts'));
const { readCheckpoint, verifyManifest } = await import(path.join(root, 'src/trainer/model/checkpoint.ts'));
const env = { ...process.env, TFJS_BACKEND: process.env.TFJS_BACKEND ?? 'wasm' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sha(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function trainKilled(args, killAfterMs) {
  const child = spawn(process.execPath, [cli, 'train', ...args, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const r = await exited;
  clearTimeout(timer);
  return { ...r, stderr };
}

async function trainSeries() {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`node scripts/build.mjs\` first (npm run chaos does)`);
  const runs = path.join(work, 'runs');
  const recipe = opts.recipe;
  const counts = { kills: 0, resumes: 0, finished: false, checkpoints: 0, corruptCheckpoints: 0, metricsLines: 0, repeatedSteps: 0, missingSteps: 0, identicalToReference: undefined };
  let reference;
  if (opts.reference) {
    const r = await trainKilled(['--recipe', recipe, '--out', runs, '--run-id', 'reference']);
    if (r.code !== 0) throw new Error(`reference run failed: ${r.stderr}`);
    reference = path.join(runs, 'reference');
  }
  const runDir = path.join(runs, 'chaos');
  const maxKill = Number(opts['max-kill-s']) * 1000;
  let first = true;
  for (;;) {
    const killAt = counts.kills < Number(opts.kills) ? 1500 + random() * maxKill : undefined;
    const args = first ? ['--recipe', recipe, '--out', runs, '--run-id', 'chaos'] : ['--resume', runDir];
    const r = await trainKilled(args, killAt);
    if (!first) counts.resumes++;
    first = false;
    if (r.signal === 'SIGKILL') { counts.kills++; log(`  killed after ${(killAt / 1000).toFixed(1)} s (kill ${counts.kills})`); continue; }
    if (r.code !== 0) throw new Error(`train exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    counts.finished = true;
    break;
  }
  const ckpts = path.join(runDir, 'checkpoints');
  for (const d of fs.readdirSync(ckpts).filter((x) => /^\d+$/.test(x))) {
    counts.checkpoints++;
    try {
      verifyManifest(path.join(ckpts, d));
      readCheckpoint(path.join(ckpts, d));
    } catch (e) {
      counts.corruptCheckpoints++;
      log(`  corrupt checkpoint ${d}: ${e.message}`);
    }
  }
  try { latestCheckpoint(ckpts); } catch (e) { counts.corruptCheckpoints++; log(`  latest checkpoint refused: ${e.message}`); }
  const steps = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).step);
  counts.metricsLines = steps.length;
  const rl = steps.filter((s) => s > 0);
  // Step lines come once each, in order; an eval line may share its stage's last step.
  const perStep = new Map();
  for (const s of rl) perStep.set(s, (perStep.get(s) ?? 0) + 1);
  const maxStep = Math.max(0, ...rl);
  for (let s = 1; s <= maxStep; s++) if (!perStep.has(s)) counts.missingSteps++;
  if (reference) {
    const refSteps = fs.readFileSync(path.join(reference, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).step);
    const refPer = new Map();
    for (const s of refSteps.filter((x) => x > 0)) refPer.set(s, (refPer.get(s) ?? 0) + 1);
    for (const [s, n] of perStep) if (n > (refPer.get(s) ?? 0)) counts.repeatedSteps += n - (refPer.get(s) ?? 0);
    const last = (dir) => path.join(dir, 'checkpoints', fs.readdirSync(path.join(dir, 'checkpoints')).filter((x) => /^\d+$/.test(x)).sort().pop());
    counts.identicalToReference = ['weights.bin', 'optimizer.bin'].every((f) => sha(path.join(last(runDir), f)) === sha(path.join(last(reference), f)));
  }
  return counts;
}

function startWriter(file, ackFile, who) {
  const script = `const { appendLabel } = require(${JSON.stringify(path.join(root, 'src/core/labels/store.ts'))});
    const fs = require('node:fs');
    for (let i = 0; ; i++) {
      const id = ${JSON.stringify(who)} + '-' + process.pid + '-' + i;
      appendLabel(${JSON.stringify(file)}, { id, decision: i % 3 === 0 ? 'exclude' : 'keep' });
      fs.appendFileSync(${JSON.stringify(ackFile)}, id + '\\n');
    }`;
  return spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: 'ignore', env });
}

async function labelSeries() {
  const file = path.join(work, 'ws', '.acereason', 'labels.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const counts = { rounds: 0, kills: 0, compactions: 0, acknowledged: 0, lost: 0, tornLines: 0 };
  const writers = Number(opts.writers);
  const acks = Array.from({ length: writers }, (_, w) => path.join(work, `ack-${w}.txt`));
  for (let round = 0; round < Number(opts['writer-rounds']); round++) {
    const procs = acks.map((a, w) => startWriter(file, a, `w${w}`));
    await sleep(2000 + random() * 2000);
    if (fs.existsSync(file) && random() < 0.5) {
      store.compactLabels(file);
      counts.compactions++;
    }
    await sleep(random() * 500);
    for (const p of procs) { p.kill('SIGKILL'); counts.kills++; }
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', r)))));
    counts.rounds++;
  }
  store.clearLabelsCache();
  const loaded = store.loadLabels(file);
  const present = new Set(loaded.history.map((h) => h.id));
  for (const a of acks) {
    if (!fs.existsSync(a)) continue;
    for (const id of fs.readFileSync(a, 'utf8').split('\n')) {
      // A line cut by the kill is an ack that was not completely written: not acknowledged.
      if (!id || !/-\d+-\d+$/.test(id)) continue;
      counts.acknowledged++;
      if (!present.has(id)) counts.lost++;
    }
  }
  counts.tornLines = loaded.tornLines.length;
  return counts;
}

let failed = false;
if (!opts['skip-train']) {
  log(`SIGKILL-resume series: train --recipe ${opts.recipe}, ${opts.kills} kill(s)${opts.reference ? ', against an uninterrupted reference' : ''}`);
  const c = await trainSeries();
  log(`  kills ${c.kills}, resumes ${c.resumes}, finished ${c.finished}; checkpoints ${c.checkpoints}, corrupt ${c.corruptCheckpoints}; metrics lines ${c.metricsLines}, missing steps ${c.missingSteps}${c.identicalToReference === undefined ? '' : `, repeated steps ${c.repeatedSteps}, final weights and Adam state identical to the reference: ${c.identicalToReference}`}`);
  failed ||= !c.finished || c.corruptCheckpoints > 0 || c.missingSteps > 0 || c.repeatedSteps > 0 || c.identicalToReference === false;
}
if (!opts['skip-labels']) {
  log(`label-writer series: ${opts.writers} writers, ${opts['writer-rounds']} rounds of random SIGKILLs, compactions in between`);
  const c = await labelSeries();
  log(`  rounds ${c.rounds}, writer kills ${c.kills}, compactions ${c.compactions}; acknowledged decisions ${c.acknowledged}, lost ${c.lost}; torn lines ignored ${c.tornLines}`);
  failed ||= c.lost > 0;
}
if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
log(failed ? 'chaos: FAILED' : 'chaos: all counts as expected');
process.exitCode = failed ? 1 : 0;
