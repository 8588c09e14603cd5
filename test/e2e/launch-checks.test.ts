// Issue 16 item 1 in a real VS Code (code-server): Start Math RL checks the dataset against the
// recipe before any process starts (a too-long curated file is refused with a clear error, a code
// file is never offered), and a run that fails anyway is marked crashed everywhere at once — a
// notification with the error, the status bar, the Runs view (from status.json) — its trainer
// process exits, Stop Training does not pretend to stop it, and Resume is not offered.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Studio } from './harness';

const TRAINER_CMDLINE = /dist\/trainer\.js/;
const line = (o: object) => JSON.stringify(o);
const mathRows = (n: number, problem: (i: number) => string) => Array.from({ length: n }, (_, i) => line({ id: `m${i}`, source: 'e2e', domain: 'math', problem: problem(i), answer: String(i) })).join('\n') + '\n';
// As long as the curated DeepScaleR problems of the issue: hundreds of characters, far over the demo's 128-token context.
const LONG = mathRows(200, (i) => `Problem ${i}. Let $f(x) = x^2 + ${i}x + 1$. ${'Find the sum of all real numbers x such that f(f(x)) equals the value given in the statement. '.repeat(3)}`);
// 78–87 tokens with the instruction: they fit the 128-token context, with less than the demo's 48-token answers beside them.
const SHORT = mathRows(300, (i) => `What is ${i}+1?`);
const CODE = Array.from({ length: 20 }, (_, i) => line({ id: `c${i}`, source: 'e2e', domain: 'code', format: 'stdin', problem: `Print ${i}.`, tests: [{ input: '', output: `${i}\n` }] })).join('\n') + '\n';

function runFolders(studio: Studio): string[] {
  const dir = path.join(studio.workspaceDir, '.acereason', 'runs');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('launch checks and visible failures in code-server', { timeout: 420_000 }, () => {
  let studio: Studio;

  before(async () => {
    studio = await Studio.launch({
      name: 'launch-checks',
      workspaceFiles: { 'curated-math/curated.jsonl': LONG, 'fit/short.jsonl': SHORT, 'code/problems.jsonl': CODE },
    });
  });

  after(async () => {
    await studio?.close();
  });

  test('Start Math RL offers math files only and refuses a curated file too long for the demo context, before starting anything', async () => {
    await studio.capture('refuse-long', async () => {
      await studio.runCommand('AceReason: Start Math RL', { acceptQuickPicks: 0 });
      const labels = await studio.quickPickLabels();
      assert.ok(labels.includes('curated-math/curated.jsonl'), `the curated math file is offered: ${labels.join(' | ')}`);
      assert.ok(labels.includes('fit/short.jsonl'), `the short math file is offered: ${labels.join(' | ')}`);
      assert.ok(!labels.some((l) => l.includes('code/problems.jsonl')), `no code file for Math RL: ${labels.join(' | ')}`);
      await studio.screenshot('math-dataset-pick');
      await studio.pickQuickItem('curated-math/curated.jsonl');
      await studio.pickQuickItem('demo');
      const notice = await studio.waitForNotification(/cannot start math RL/, 30_000);
      assert.match(notice, /200 of 200 math prompts in curated\.jsonl do not fit recipe 'demo': its context is 128 tokens and prompt 'm\d+' needs up to \d+/);
      await studio.screenshot('math-launch-refused');
      assert.deepEqual(studio.processes(TRAINER_CMDLINE), [], 'no trainer was started');
      assert.deepEqual(runFolders(studio), [], 'no run folder was created');
    });
  });

  test('a run that fails after launch is crashed everywhere at once; its process exits; no Stop or Resume pretends otherwise', async () => {
    await studio.capture('crash-visible', async () => {
      await studio.runCommand('AceReason: Start Math RL', { acceptQuickPicks: 0 });
      await studio.quickPickLabels(500);
      await studio.pickQuickItem('fit/short.jsonl');
      await studio.pickQuickItem('demo');
      // The demo's 48-token answers do not fit beside these prompts: a warning the user accepts.
      const warning = await studio.clickDialogButton('Start Anyway');
      assert.match(warning, /leave less than 48 tokens of response/);
      await studio.pickQuickItem('Built-in tiny model');
      // The file changes between the check and the trainer reading it (as a user's edit would): the
      // trainer now meets prompts longer than its context and the run fails.
      fs.writeFileSync(path.join(studio.workspaceDir, 'fit', 'short.jsonl'), LONG);
      const notice = await studio.waitForNotification(/AceReason: run \S+-math-\S+ failed: /, 180_000);
      assert.match(notice, /tokens/, `the notification carries the trainer's error: ${notice}`);
      const bar = await studio.waitForStatusBarText(/AceReason: \S+-math-\S+ crashed/, 10_000);
      assert.doesNotMatch(bar, /running/);
      await until('the trainer process to exit', 15_000, () => studio.processes(TRAINER_CMDLINE).length === 0);
      await studio.screenshot('run-crashed-notification');

      const runs = runFolders(studio);
      assert.equal(runs.length, 1, `one run folder: ${runs.join(', ')}`);
      const status = JSON.parse(fs.readFileSync(path.join(studio.workspaceDir, '.acereason', 'runs', runs[0], 'status.json'), 'utf8'));
      assert.equal(status.status, 'crashed');
      await studio.openActivityBarView('AceReason');
      let rows: string[] = [];
      const deadline = Date.now() + 15_000;
      while (!(rows = await studio.treeRows()).some((r) => r.includes(runs[0])) && Date.now() < deadline) await studio.page.waitForTimeout(300);
      const row = rows.find((r) => r.includes(runs[0]));
      assert.ok(row, `the Runs view lists ${runs[0]}: ${rows.join(' | ')}`);
      assert.match(row!, /crashed/);
      assert.doesNotMatch(row!, /running/);
      await studio.screenshot('runs-view-crashed');

      await studio.runCommand('AceReason: Stop Training', { acceptQuickPicks: 0 });
      await studio.waitForNotification(/AceReason: no training is running/, 10_000);
      const shown = await studio.notificationTexts();
      assert.ok(!shown.some((t) => /stopping .*after the current step/.test(t)), `no "stopping" notice for a dead run: ${shown.join(' | ')}`);
      await studio.runCommand('AceReason: Resume Run', { acceptQuickPicks: 0 });
      await studio.waitForNotification(/no stopped or crashed run has a checkpoint to resume from/, 10_000);
    });
  });
});
