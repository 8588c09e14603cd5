// Regenerates the README's pictures in a real VS Code (code-server) with the packaged extension.
// One command, from the repository root (builds, packages the VSIX, takes both pictures):
//
//   node scripts/build.mjs && node scripts/package-vsix.mjs && node --import tsx test/e2e/readme-screenshot.ts --run .acereason/runs/<finished demo run>
//
//   --run DIR
//     Copies that run folder (never changes it) into the workspace's .acereason/runs/, opens the
//     AceReason view and the run's dashboard from the Runs view, waits until every chart has drawn
//     the run's rows, and writes
//       media/screenshot-editor.png     1280×800: the side bar (the Runs view with the run's stages,
//                                       the curator collapsed) beside the dashboard
//       media/screenshot-dashboard.png  1400×900: the dashboard alone, model line, reward and
//                                       held-out pass@1 on top
//     Use a finished run that learns (`npm run demo` prints its folder): the README promises
//     held-out pass@1 rising across the stages.
//   (no --run)
//     The old picture: a fresh demo run started from the command palette, a few steps in
//     (media/screenshot-editor.png only).
// Options: --out DIR writes the PNGs there instead of media/ (to look before replacing them).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Frame, Locator } from 'playwright-core';
import { Studio } from './harness';
import { packageRoot } from '../../src/core/util/paths';

const EDITOR_VIEWPORT = { width: 1280, height: 800 };
const DASHBOARD_VIEWPORT = { width: 1400, height: 900 };
/** Charts that must have drawn every row of the run before a picture is taken. */
const CHARTS_TO_WAIT_FOR = ['reward', 'heldout', 'length'];

interface FinishedRun {
  dir: string;
  id: string;
  /** RL steps with a reward (what the reward chart shows). */
  rewardRows: number;
  /** Lines with a held-out evaluation. */
  evalRows: number;
}

/** Checks that `dir` is a finished run folder worth showing; every refusal names the file. */
function readFinishedRun(dirArg: string): FinishedRun {
  const dir = path.resolve(dirArg);
  const statusFile = path.join(dir, 'status.json');
  const metricsFile = path.join(dir, 'metrics.jsonl');
  if (!fs.existsSync(statusFile)) throw new Error(`${statusFile} is missing: --run takes a run folder (.acereason/runs/<id>)`);
  let status: string | undefined;
  try {
    status = (JSON.parse(fs.readFileSync(statusFile, 'utf8')) as { status?: string }).status;
  } catch (e) {
    throw new Error(`${statusFile}: not JSON (${(e as Error).message})`);
  }
  if (status !== 'finished') throw new Error(`${statusFile}: status is "${status}", not "finished"; the README shows a finished run`);
  if (!fs.existsSync(metricsFile)) throw new Error(`${metricsFile} is missing`);
  let rewardRows = 0;
  let evalRows = 0;
  for (const [i, line] of fs.readFileSync(metricsFile, 'utf8').split('\n').entries()) {
    if (!line.trim()) continue;
    let data: Record<string, unknown>;
    try {
      data = (JSON.parse(line) as { data: Record<string, unknown> }).data;
    } catch (e) {
      throw new Error(`${metricsFile}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (typeof data['critic/score/mean'] === 'number') rewardRows++;
    if (Object.keys(data).some((k) => k.startsWith('val-core/'))) evalRows++;
  }
  if (evalRows < 2) throw new Error(`${metricsFile}: ${evalRows} held-out evaluation(s); a picture of learning needs one before RL and one after a stage`);
  return { dir, id: path.basename(dir), rewardRows, evalRows };
}


/**
 * Clicks the run in the Runs view until its dashboard shows. On a loaded machine a webview now and
 * then stays blank; closing the tab and opening it again brings it up.
 */
async function openDashboard(studio: Studio, row: Locator): Promise<Frame> {
  for (let attempt = 1; ; attempt++) {
    await row.click({ timeout: 60_000 });
    try {
      return await studio.dashboardFrame(60_000);
    } catch (e) {
      if (attempt >= 3) throw e;
      console.error(`the dashboard stayed blank (attempt ${attempt}); opening it again`);
      await studio.runCommand('View: Close All Editors', { acceptQuickPicks: 0 });
    }
  }
}

/** Every chart that matters has as many rows as the run has lines for it (the whole run drawn). */
async function waitForCharts(frame: Frame, run: FinishedRun): Promise<void> {
  await frame.locator('section.chart[data-chart="reward"]').waitFor({ state: 'attached', timeout: 30_000 });
  await frame.waitForFunction(`(() => {
    const rows = (id) => Number(document.querySelector('section.chart[data-chart="' + id + '"]')?.dataset.rows ?? 0);
    return ${JSON.stringify(CHARTS_TO_WAIT_FOR)}.every((id) => rows(id) > 0) && rows('reward') >= ${run.rewardRows};
  })()`, undefined, { timeout: 60_000, polling: 250 });
  // The model line comes from config.json in a message of its own.
  await frame.locator('#run-title').filter({ hasText: /\S/ }).waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
  // uPlot draws on the next animation frames after its data arrives.
  await frame.page().waitForTimeout(1500);
}

/** Problems a reader would see in the picture: a crash banner, an error toast, an empty chart. */
async function pictureProblems(studio: Studio, frame: Frame): Promise<string[]> {
  const problems: string[] = [];
  if (await frame.locator('#crash-banner:not([hidden])').count()) problems.push('the crash banner is showing');
  const empty = await frame.locator('#charts section.chart').evaluateAll((els) => els
    .filter((e) => { const note = e.querySelector('.empty') as HTMLElement | null; return !!note && !note.hidden && note.offsetParent !== null; })
    .map((e) => (e as HTMLElement).dataset.chart ?? '?'));
  for (const id of empty.filter((c) => CHARTS_TO_WAIT_FOR.includes(c))) problems.push(`chart "${id}" shows no data`);
  for (const t of await studio.notificationTexts()) problems.push(`a notification is showing: ${t}`);
  return problems;
}

async function shootFinishedRun(runArg: string, outDir: string): Promise<string[]> {
  const run = readFinishedRun(runArg);
  const studio = await Studio.launch({ name: 'readme', viewport: EDITOR_VIEWPORT });
  try {
    return await studio.capture('readme-finished-run', async () => {
      // A copy: the extension may write into the folder it shows (solutions/, labels).
      const target = path.join(studio.workspaceDir, '.acereason', 'runs', run.id);
      fs.cpSync(run.dir, target, { recursive: true });
      await studio.openActivityBarView('AceReason');
      await studio.waitForOutput('AceReason', /AceReason Studio activated/, 60_000);
      const row = studio.page.locator('.part.sidebar .monaco-list-row', { hasText: run.id }).first();
      if (!(await row.isVisible().catch(() => false))) await studio.runCommand('AceReason: Refresh Runs', { acceptQuickPicks: 0 });
      const frame = await openDashboard(studio, row);
      // The sidebar tells the run's story: the Runs view gets the room (the curator, empty in this
      // workspace, collapses) and the run shows its stages.
      await studio.page.locator('.part.sidebar .pane-header', { hasText: /dataset curator/i }).first().click();
      await row.locator('.monaco-tl-twistie').click();
      await studio.page.locator('.part.sidebar .monaco-list-row[aria-level="2"]').first().waitFor({ state: 'visible', timeout: 15_000 });
      await waitForCharts(frame, run);
      // The pointer left over the Runs view would show a hover; park it on the status bar.
      await studio.page.mouse.move(EDITOR_VIEWPORT.width / 2, EDITOR_VIEWPORT.height - 2);
      await studio.page.waitForTimeout(500);
      const problems = await pictureProblems(studio, frame);
      if (problems.length) throw new Error(`the picture would show: ${problems.join('; ')}`);
      const written: string[] = [];
      const save = async (shotName: string, file: string) => {
        const shot = await studio.screenshot(shotName);
        fs.mkdirSync(outDir, { recursive: true });
        fs.copyFileSync(shot, path.join(outDir, file));
        written.push(path.join(outDir, file));
      };
      await save('readme-editor', 'screenshot-editor.png');

      // The dashboard alone: the side bar closed, a larger window, the top of the dashboard (model
      // line, reward, held-out pass@1) in view.
      await studio.page.setViewportSize(DASHBOARD_VIEWPORT);
      await studio.runCommand('View: Close Primary Side Bar', { acceptQuickPicks: 0 });
      await frame.locator('#charts').evaluate((el) => el.ownerDocument.scrollingElement?.scrollTo(0, 0));
      await frame.locator('section.chart[data-chart="heldout"]').scrollIntoViewIfNeeded();
      await studio.page.mouse.move(DASHBOARD_VIEWPORT.width / 2, DASHBOARD_VIEWPORT.height - 2);
      await waitForCharts(frame, run);
      await save('readme-dashboard', 'screenshot-dashboard.png');
      return written;
    });
  } finally {
    await studio.close();
  }
}

async function shootFreshRun(outDir: string): Promise<string[]> {
  const studio = await Studio.launch({ name: 'readme', viewport: EDITOR_VIEWPORT });
  try {
    await studio.runCommand('AceReason: Start Math RL');
    await studio.waitForStatusBarText(/AceReason: \S+ running|step \d+/, 90_000);
    await studio.openActivityBarView('AceReason');
    // A picture with curves: wait for a few RL steps (minutes on 2 cores), or take what is there.
    await studio.waitForStatusBarText(/step ([4-9]|\d\d+)\//, 600_000).catch(() => undefined);
    await studio.page.waitForTimeout(2000); // let the views render the latest data
    const shot = await studio.screenshot('readme-editor');
    fs.mkdirSync(outDir, { recursive: true });
    const target = path.join(outDir, 'screenshot-editor.png');
    fs.copyFileSync(shot, target);
    return [target];
  } finally {
    await studio.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { run: { type: 'string' }, out: { type: 'string' } } });
  const outDir = path.resolve(values.out ?? path.join(packageRoot(), 'media'));
  const written = values.run ? await shootFinishedRun(values.run, outDir) : await shootFreshRun(outDir);
  for (const f of written) console.log(f);
}

void main().catch((e: Error) => { console.error(e.stack ?? e.message); process.exitCode = 1; });
