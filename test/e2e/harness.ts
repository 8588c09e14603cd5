// End-to-end harness: a real VS Code (code-server 4.100.3) with the packaged extension installed
// from dist/acereason-studio.vsix, driven by playwright-core in Debian's headless Chromium.
//
//   const studio = await Studio.launch({ name: 'smoke' });
//   await studio.capture('start math RL', async () => {
//     await studio.runCommand('AceReason: Start Math RL');
//     await studio.waitForStatusBarText(/AceReason: \S+ running/);
//   });
//   await studio.close();
//
// Every Studio has its own temp user-data, extensions and workspace folders and its own loopback
// port, so tests never see each other's state or the person's own code-server settings. On a
// failure inside `capture` a screenshot, the code-server log, the extension host logs and the
// AceReason output channel are copied to test-results/<name>/.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { packageRoot } from '../../src/core/util/paths';

export const CHROMIUM_PATH = process.env.ACEREASON_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];
export const VSIX_PATH = path.join(packageRoot(), 'dist', 'acereason-studio.vsix');
export const RESULTS_DIR = path.join(packageRoot(), 'test-results');
export const EXTENSION_ID = 'acereason.acereason-studio';
const ACTIVITY_BAR_ITEM = (label: string) => `.part.activitybar .action-item a[aria-label^="${label}"] >> nth=0`;

/** User settings that keep modal dialogs, tours, welcome pages and network checks out of the way. */
export const QUIET_USER_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.commandCenter': false,
  'editor.minimap.enabled': false,
};

export interface StudioOptions {
  /** Names the artifacts folder test-results/<name>/. */
  name: string;
  /** Files to create in the workspace folder, path → content. */
  workspaceFiles?: Record<string, string>;
  /** Extra user settings, merged over QUIET_USER_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Browser viewport (default 1400×900). */
  viewport?: { width: number; height: number };
  /** Install the VSIX (default true). */
  installExtension?: boolean;
  /**
   * Run an in-editor test suite (VS Code's --extensionTestsPath) with the extension loaded from
   * this development folder instead of the VSIX; await `extensionTestsExit()` for its exit code.
   */
  extensionTests?: { developmentPath: string; testsPath: string };
}

/** Runs scripts/setup-e2e.sh (about a second once installed) and returns the code-server binary. */
export function codeServerBinary(): string {
  if (process.env.ACEREASON_CODE_SERVER) return process.env.ACEREASON_CODE_SERVER;
  const r = spawnSync('bash', [path.join(packageRoot(), 'scripts', 'setup-e2e.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !fs.existsSync(bin)) throw new Error(`scripts/setup-e2e.sh failed (exit ${r.status}); output:\n${r.stdout}`);
  return bin;
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null && (v as unknown) !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function readTextIfExists(file: string): string {
  try { return fs.readFileSync(file, 'utf8'); } catch { return ''; }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** pid → parent pid for every process, from /proc. */
function processTable(): Map<number, { ppid: number; cmdline: string }> {
  const table = new Map<number, { ppid: number; cmdline: string }>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      table.set(Number(name), { ppid, cmdline });
    } catch { /* the process exited while we looked */ }
  }
  return table;
}

/** Processes below `root` (children, grandchildren, …) whose command line matches. */
export function descendantProcesses(root: number, match: RegExp = /./): { pid: number; cmdline: string }[] {
  const table = processTable();
  const below = (pid: number): boolean => {
    for (let p = table.get(pid)?.ppid, hops = 0; p !== undefined && p > 0 && hops < 64; p = table.get(p)?.ppid, hops++) {
      if (p === root) return true;
    }
    return false;
  };
  return [...table].filter(([pid, info]) => below(pid) && match.test(info.cmdline)).map(([pid, info]) => ({ pid, cmdline: info.cmdline }));
}

export class Studio {
  readonly page: Page;
  /** Every browser console message, including the extension host's output forwarded to it. */
  readonly consoleLines: string[] = [];
  private testsExitCode: number | undefined;
  private closed = false;

  private constructor(
    readonly name: string,
    readonly url: string,
    readonly scratchDir: string,
    readonly workspaceDir: string,
    readonly userDataDir: string,
    readonly serverLogPath: string,
    private readonly server: ChildProcess,
    private readonly browser: Browser,
    page: Page,
  ) {
    this.page = page;
  }

  /** pid of the code-server process (the root of the extension host and the trainer). */
  get serverPid(): number {
    return this.server.pid!;
  }

  get resultsDir(): string {
    return path.join(RESULTS_DIR, this.name);
  }

  static async launch(opts: StudioOptions): Promise<Studio> {
    const bin = codeServerBinary();
    if (opts.installExtension !== false && !fs.existsSync(VSIX_PATH)) {
      throw new Error(`${VSIX_PATH} is missing: run \`node scripts/package-vsix.mjs\` (npm test does it)`);
    }
    if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: run \`bash scripts/setup-e2e.sh\``);
    const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), `acereason-e2e-${opts.name}-`));
    const userDataDir = path.join(scratchDir, 'user-data');
    const extensionsDir = path.join(scratchDir, 'extensions');
    const workspaceDir = path.join(scratchDir, 'workspace');
    const serverLogPath = path.join(scratchDir, 'code-server.log');
    const configPath = path.join(scratchDir, 'config.yaml');
    for (const d of [path.join(userDataDir, 'User'), extensionsDir, workspaceDir]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_USER_SETTINGS, ...opts.settings }, null, 2));
    for (const [rel, content] of Object.entries(opts.workspaceFiles ?? {})) {
      const file = path.join(workspaceDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    const port = await freeLoopbackPort();
    // An explicit config file keeps code-server away from ~/.config/code-server/config.yaml.
    fs.writeFileSync(configPath, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const common = ['--config', configPath, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

    if (opts.installExtension !== false) {
      const r = spawnSync(bin, [...common, '--install-extension', VSIX_PATH, '--force'], { encoding: 'utf8', timeout: 120_000 });
      fs.appendFileSync(serverLogPath, `$ code-server --install-extension ${VSIX_PATH}\n${r.stdout}${r.stderr}\n`);
      if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
        fs.rmSync(scratchDir, { recursive: true, force: true });
        throw new Error(`installing the VSIX failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
      }
    }

    const logFd = fs.openSync(serverLogPath, 'a');
    // Its own process group, so close() can end code-server with everything it started (extension
    // host, trainer) and nothing else.
    const server = spawn(bin, [
      ...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--ignore-last-opened', workspaceDir,
    ], { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, VSCODE_PROXY_URI: '' } });
    fs.closeSync(logFd);
    let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspaceDir)}`;
    if (opts.extensionTests) {
      // The web workbench takes development options as a "payload" of [name, URI] pairs; the
      // extension host runs on the server, hence vscode-remote URIs.
      const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
      url += `&payload=${encodeURIComponent(JSON.stringify([
        ['extensionDevelopmentPath', remote(opts.extensionTests.developmentPath)],
        ['extensionTestsPath', remote(opts.extensionTests.testsPath)],
      ]))}`;
    }
    let browser: Browser | undefined;
    let page: Page | undefined;
    try {
      await waitFor('code-server to listen', 60_000, () => {
        if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}:\n${readTextIfExists(serverLogPath)}`);
        return /HTTP server listening/.test(readTextIfExists(serverLogPath)) || undefined;
      }, 200);
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
      page = await context.newPage();
      const studio = new Studio(opts.name, url, scratchDir, workspaceDir, userDataDir, serverLogPath, server, browser, page);
      page.on('console', (m) => {
        studio.consoleLines.push(m.text());
        if (m.type() === 'error') fs.appendFileSync(serverLogPath, `[browser console] ${m.text()}\n`);
      });
      if (opts.extensionTests) {
        // The workbench calls window.codeAutomationExit(code) when the extension tests end.
        await page.exposeFunction('codeAutomationExit', (code: number) => { studio.testsExitCode = code; });
      }
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 90_000 });
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 30_000 });
      // The extension's view container in the activity bar means its contributions are registered.
      if (opts.installExtension !== false && !opts.extensionTests) await page.locator(ACTIVITY_BAR_ITEM('AceReason')).waitFor({ state: 'visible', timeout: 60_000 });
      return studio;
    } catch (e) {
      const dir = path.join(RESULTS_DIR, opts.name, 'failure-launch');
      fs.mkdirSync(dir, { recursive: true });
      await page?.screenshot({ path: path.join(dir, 'screenshot.png') }).catch(() => undefined);
      fs.writeFileSync(path.join(dir, 'code-server.log'), readTextIfExists(serverLogPath));
      await browser?.close().catch(() => undefined);
      await killGroup(server);
      fs.rmSync(scratchDir, { recursive: true, force: true, maxRetries: 3 });
      (e as Error).message += `\n[e2e] artifacts saved in ${dir}`;
      throw e;
    }
  }

  // ── driving the workbench ───────────────────────────────────────────────────────────────────

  /**
   * Runs a command by its palette title (e.g. "AceReason: Start Math RL"): F1, type, pick the row
   * with exactly that label. If the command then shows quick picks or input boxes, Enter accepts
   * each one's default (first item), up to `acceptQuickPicks` of them (default 3; pass 0 for a
   * command known to show none, which also skips the wait for a first pick, up to
   * `firstQuickPickWaitMs`, default 5 s).
   */
  async runCommand(title: string, opts: { acceptQuickPicks?: number; firstQuickPickWaitMs?: number; timeoutMs?: number } = {}): Promise<void> {
    const timeout = opts.timeoutMs ?? 30_000;
    const widget = this.page.locator('.quick-input-widget');
    const row = widget.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exactly(title) }) }).first();
    const deadline = Date.now() + timeout;
    // The palette lists the commands known when it opened; one contributed by an extension that
    // was still being registered shows up only after reopening it.
    for (;;) {
      await this.dismissQuickInput();
      // Keys typed while a webview (an iframe) has focus go to the webview, not the workbench.
      await this.page.evaluate(`(() => { const a = document.activeElement; if (a && a.tagName === 'IFRAME') a.blur(); })()`);
      await this.page.keyboard.press('F1');
      await widget.waitFor({ state: 'visible', timeout });
      await widget.locator('.quick-input-box input').fill(`>${title}`);
      const found = await row.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
      if (found) break;
      if (Date.now() > deadline) throw new Error(`the command palette has no command titled "${title}" after ${timeout} ms`);
    }
    await row.click();
    // The palette closes, or the command replaces it at once with its own quick pick.
    await this.page.waitForFunction(`(() => {
      const w = document.querySelector('.quick-input-widget');
      const input = w && w.querySelector('.quick-input-box input');
      return !w || w.offsetParent === null || getComputedStyle(w).display === 'none' || !input || input.value !== ${JSON.stringify(`>${title}`)};
    })()`, undefined, { timeout, polling: 50 });
    for (let accepted = 0; accepted < (opts.acceptQuickPicks ?? 3); accepted++) {
      // The first pick can take a while: the command may first activate the extension.
      const waitMs = accepted === 0 ? opts.firstQuickPickWaitMs ?? 5000 : 1500;
      const shown = await widget.waitFor({ state: 'visible', timeout: waitMs }).then(() => true, () => false);
      if (!shown) return;
      // A pick whose items are still loading accepts nothing on Enter (the command then quietly
      // cancels): wait for its first row, or for an input box (no list), before accepting.
      await this.page.waitForFunction(`(() => {
        const w = document.querySelector('.quick-input-widget');
        if (!w || w.offsetParent === null) return true;
        const list = w.querySelector('.quick-input-list');
        const listShown = list && list.offsetParent !== null && getComputedStyle(list).display !== 'none';
        return !listShown || !!w.querySelector('.quick-input-list .monaco-list-row.focused, .quick-input-list .monaco-list-row');
      })()`, undefined, { timeout, polling: 50 });
      await this.page.waitForTimeout(200);
      await this.page.keyboard.press('Enter');
      await this.page.waitForTimeout(300);
    }
  }

  /** Labels of the rows the open quick pick shows (after `busy` loading settles for `settleMs`). */
  async quickPickLabels(settleMs = 1500): Promise<string[]> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: 30_000 });
    // A pick that is still searching shows a progress bar; wait for it to finish.
    await this.page.waitForFunction(`(() => { const p = document.querySelector('.quick-input-widget .quick-input-progress'); return !p || p.offsetParent === null || getComputedStyle(p).display === 'none' || !p.classList.contains('active'); })()`, undefined, { timeout: 30_000, polling: 100 }).catch(() => undefined);
    await this.page.waitForTimeout(settleMs);
    return widget.locator('.quick-input-list .monaco-list-row .label-name').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  }

  /** In the open quick pick, clicks the row whose label is exactly `label`. */
  async pickQuickItem(label: string, timeoutMs = 30_000): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    const row = widget.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) }).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
  }

  /** Clicks a button of the modal dialog on screen (e.g. "Start Anyway"). */
  async clickDialogButton(label: string, timeoutMs = 30_000): Promise<string> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
    const text = (await dialog.locator('.dialog-message-container').first().textContent().catch(() => null)) ?? (await dialog.textContent()) ?? '';
    await dialog.locator('.dialog-buttons a, .dialog-buttons .monaco-button', { hasText: exactly(label) }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    return text.trim();
  }

  /** Labels and descriptions of the rows of a tree view in the side bar (e.g. "Runs"). */
  async treeRows(): Promise<string[]> {
    return this.page.locator('.part.sidebar .monaco-list-row').evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
  }

  /** Closes a quick input left open (Escape), if any. */
  async dismissQuickInput(): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: 5000 });
    }
  }

  /** Opens the "AceReason" container in the activity bar. */
  async openActivityBarView(label = 'AceReason'): Promise<void> {
    const item = this.page.locator(ACTIVITY_BAR_ITEM(label));
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    const active = await this.page.locator('.part.sidebar .composite.title h2', { hasText: label.toUpperCase() }).isVisible().catch(() => false);
    if (!active) await item.click();
    await this.page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: 10_000 });
  }

  /** Texts of every status-bar item (codicons render as icons, so only their words remain). */
  async statusBarTexts(): Promise<string[]> {
    return this.page.locator('.part.statusbar .statusbar-item').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()).filter(Boolean));
  }

  async waitForStatusBarText(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return waitFor(`a status-bar item matching ${pattern}`, timeoutMs, async () => (await this.statusBarTexts()).find((t) => pattern.test(t)), 100);
  }

  /** Messages of the notification toasts on screen. */
  async notificationTexts(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  }

  async waitForNotification(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return waitFor(`a notification matching ${pattern}`, timeoutMs, async () => (await this.notificationTexts()).find((t) => pattern.test(t)), 100);
  }

  /**
   * Starts watching, inside the page, for a notification toast matching `pattern` and records the
   * wall-clock time it was added to the DOM (a MutationObserver fires in the same frame, so there is
   * no polling delay in the measurement). Await the returned function to get that time (ms since
   * the epoch; the browser and this process share the machine's clock).
   */
  async watchForNotification(pattern: RegExp, timeoutMs = 30_000): Promise<() => Promise<{ at: number; text: string }>> {
    const key = `__acereasonWatch${Math.random().toString(36).slice(2)}`;
    // A source string, not a function: tsx would wrap a function's inner closures in a `__name`
    // helper that does not exist in the page.
    await this.page.evaluate(`(() => {
      const key = ${JSON.stringify(key)};
      const re = new RegExp(${JSON.stringify(pattern.source)}, ${JSON.stringify(pattern.flags)});
      const check = () => {
        for (const el of document.querySelectorAll('.notifications-toasts .notification-toast .notification-list-item-message')) {
          const text = (el.textContent || '').trim();
          if (re.test(text) && el.offsetParent !== null) { window[key] = { at: Date.now(), text }; observer.disconnect(); return; }
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
      check();
    })()`);
    return async () => {
      const handle = await this.page.waitForFunction((k) => (window as unknown as Record<string, unknown>)[k], key, { timeout: timeoutMs, polling: 50 });
      return (await handle.jsonValue()) as { at: number; text: string };
    };
  }

  /**
   * The text of an output channel of this extension, read from the log file VS Code writes for
   * it (what the Output panel shows; the panel itself only renders visible lines).
   */
  readOutputChannel(name: string): string {
    const files = listFiles(path.join(this.userDataDir, 'logs'))
      .filter((f) => path.basename(f).endsWith(`-${name}.log`) && f.includes(`${path.sep}output_logging_`));
    return files.sort().map(readTextIfExists).join('');
  }

  async waitForOutput(name: string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return waitFor(`output channel "${name}" to match ${pattern}`, timeoutMs, () => this.readOutputChannel(name).match(pattern) ?? undefined, 100);
  }

  /** Shows an output channel in the panel (for a person looking at a screenshot). */
  async showOutputChannel(name: string): Promise<void> {
    await this.runCommand('Output: Show Output Channels...', { acceptQuickPicks: 0 });
    const widget = this.page.locator('.quick-input-widget');
    const row = widget.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exactly(name) }) }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
    await widget.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Processes started by this code-server whose command line matches (e.g. /dist\/trainer\.js/). */
  processes(match: RegExp): { pid: number; cmdline: string }[] {
    return descendantProcesses(this.serverPid, match);
  }

  /** Exit code of the in-editor suite started with `extensionTests`. */
  async extensionTestsExit(timeoutMs: number): Promise<number> {
    return waitFor('the extension tests to finish', timeoutMs, () => this.testsExitCode, 200);
  }

  /** The dashboard webview's frame, once its reward chart exists. */
  async dashboardFrame(timeoutMs = 60_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (await frame.locator('#charts section.chart[data-chart="reward"]').count().catch(() => 0)) return frame;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`no dashboard webview within ${timeoutMs} ms`);
  }

  // ── artifacts ───────────────────────────────────────────────────────────────────────────────

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.resultsDir, { recursive: true });
    const file = path.join(this.resultsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Runs `step`; if it throws, saves a screenshot and the logs to test-results/<name>/ first. */
  async capture<T>(stepName: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (e) {
      const saved = await this.saveFailureArtifacts(stepName).catch((err: Error) => `(saving artifacts failed: ${err.message})`);
      (e as Error).message += `\n[e2e] artifacts saved in ${saved}`;
      throw e;
    }
  }

  async saveFailureArtifacts(stepName: string): Promise<string> {
    const dir = path.join(this.resultsDir, `failure-${stepName.replace(/[^\w.-]+/g, '-')}`);
    fs.mkdirSync(dir, { recursive: true });
    await this.page.screenshot({ path: path.join(dir, 'screenshot.png') }).catch(() => undefined);
    fs.copyFileSync(this.serverLogPath, path.join(dir, 'code-server.log'));
    fs.writeFileSync(path.join(dir, 'output-AceReason.log'), this.readOutputChannel('AceReason'));
    const logsRoot = path.join(this.userDataDir, 'logs');
    for (const f of listFiles(logsRoot)) {
      const target = path.join(dir, 'vscode-logs', path.relative(logsRoot, f));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(f, target);
    }
    return dir;
  }

  /** Closes the browser and ends code-server with everything it started; removes the temp folders. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.browser.close().catch(() => undefined);
    await killGroup(this.server);
    fs.rmSync(this.scratchDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A regex matching the whole label text, for locator filters. */
function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

async function killGroup(server: ChildProcess): Promise<void> {
  const pid = server.pid;
  if (!pid || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  try { process.kill(-pid, 'SIGTERM'); } catch { return; }
  const timer = setTimeout(() => { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
  await exited;
  clearTimeout(timer);
  // The extension host and the trainer may outlive code-server by a moment.
  try { process.kill(-pid, 'SIGKILL'); } catch { /* group already empty */ }
}
