// Loads the built dashboard (dist/webview/dashboard.js) into headless Chromium exactly as VS Code
// would: the same HTML and CSP from src/extension/dashboard/html.ts, served from a fake origin, with
// a fake acquireVsCodeApi that records what the page posts. Used by the webview tests and the bench.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { DashboardToHost, HostToDashboard } from '../../src/core/protocol/dashboard';
import { distPath } from '../../src/core/util/paths';
import { dashboardHtml } from '../../src/extension/dashboard/html';

const ORIGIN = 'https://dashboard.test';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The variables VS Code's Dark Modern theme injects into every webview (a subset). */
const DARK_THEME_CSS = `:root {
  --vscode-font-family: system-ui, "Ubuntu", "Droid Sans", sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: "Droid Sans Mono", monospace; --vscode-foreground: #cccccc;
  --vscode-descriptionForeground: #9d9d9d; --vscode-editor-background: #1f1f1f; --vscode-panel-border: #2b2b2b;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #026ec1;
  --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc;
  --vscode-button-secondaryHoverBackground: #3c3c3c; --vscode-dropdown-background: #313131;
  --vscode-dropdown-foreground: #cccccc; --vscode-dropdown-border: #3c3c3c; --vscode-badge-background: #616161;
  --vscode-badge-foreground: #f8f8f8; --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616;
  --vscode-charts-green: #89d185; --vscode-charts-purple: #b180d7; --vscode-charts-red: #f14c4c;
  --vscode-charts-yellow: #cca700; --vscode-charts-lines: #808080; --vscode-focusBorder: #0078d4;
  --vscode-textCodeBlock-background: #2b2b2b; --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c;
}`;

const FAKE_VSCODE_API = `
  window.__posted = [];
  window.__state = undefined;
  let acquired = false;
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: function (m) { window.__posted.push(JSON.parse(JSON.stringify(m))); },
      getState: function () { return window.__state; },
      setState: function (s) { window.__state = s; },
    };
  };
`;

export interface DashboardPage {
  browser: Browser;
  page: Page;
  post(msg: HostToDashboard): Promise<void>;
  posted(): Promise<DashboardToHost[]>;
  dialogs: string[];
  consoleErrors: string[];
  /** Files the page asked for that dist/webview does not have (a stylesheet or font not built). */
  missing: string[];
  close(): Promise<void>;
}

export async function openDashboardPage(opts: { width?: number; height?: number; decimate?: boolean } = {}): Promise<DashboardPage> {
  const script = distPath('webview', 'dashboard.js');
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 } });
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  const missing: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  // A string, not a function: tsx would wrap a function's inner closures in a `__name` helper the
  // page does not have.
  await page.addInitScript(FAKE_VSCODE_API);
  const baseHtml = dashboardHtml({
    cspSource: ORIGIN, nonce: 'dGVzdC1ub25jZS0xMjM0NTY3OA', scriptUri: `${ORIGIN}/dashboard.js`,
    styleUris: [`${ORIGIN}/vscode-theme.css`, `${ORIGIN}/uPlot.min.css`, `${ORIGIN}/katex/katex.min.css`, `${ORIGIN}/dashboard-dashboard.css`],
  });
  const html = opts.decimate === false ? baseHtml.replace('<body>', '<body data-decimate="off">') : baseHtml;
  await page.route(`${ORIGIN}/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: html });
    if (name === 'vscode-theme.css') return route.fulfill({ contentType: 'text/css', body: DARK_THEME_CSS });
    const root = distPath('webview');
    const file = path.resolve(root, name);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file)) {
      missing.push(name);
      return route.fulfill({ status: 404, body: 'not found' });
    }
    const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.js') ? 'text/javascript' : file.endsWith('.woff2') ? 'font/woff2' : 'application/octet-stream';
    return route.fulfill({ contentType: type, body: fs.readFileSync(file) });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return {
    browser, page, dialogs, consoleErrors, missing,
    post: (msg) => page.evaluate((m) => window.postMessage(m, '*'), msg as unknown as Record<string, unknown>),
    posted: () => page.evaluate(() => (window as unknown as { __posted: DashboardToHost[] }).__posted),
    close: () => browser.close(),
  };
}

/** A synthetic SFT warm-up: `steps` rows of sft/loss (decaying) and sft/lr (warm-up then cosine). */
export function syntheticSft(steps: number): { steps: number[]; columns: Record<string, (number | null)[]> } {
  const s: number[] = [];
  const loss: number[] = [];
  const lr: number[] = [];
  for (let i = 1; i <= steps; i++) {
    s.push(i);
    loss.push(3 * Math.exp(-i / (steps / 4)) + 0.4 + 0.05 * Math.sin(i));
    lr.push(i < steps / 20 ? (3e-3 * i) / (steps / 20) : 3e-3 * (0.1 + 0.45 * (1 + Math.cos((Math.PI * i) / steps))));
  }
  return { steps: s, columns: { 'sft/loss': loss, 'sft/lr': lr } };
}

/** A synthetic run history: `steps` rows with reward, band, length, entropy, grad norm, throughput and held-out every 10 steps. */
export function syntheticMetrics(steps: number, start = 0): { steps: number[]; columns: Record<string, (number | null)[]> } {
  const s: number[] = [];
  const c: Record<string, (number | null)[]> = {
    'critic/score/mean': [], 'critic/score/min': [], 'critic/score/max': [],
    'response_length/mean': [], 'response_length/max': [], 'response_length/clip_ratio': [],
    'actor/entropy': [], 'actor/grad_norm': [], 'perf/throughput': [], 'val-core/math500/acc/mean@4': [],
    'actor/pg_loss': [], 'actor/lr': [], frac_reward_zero_std: [],
  };
  for (let i = start; i < start + steps; i++) {
    const r = 0.2 + 0.6 * (1 - Math.exp(-i / (steps / 3 + 1))) + 0.05 * Math.sin(i / 7);
    s.push(i);
    c['critic/score/mean'].push(r);
    c['critic/score/min'].push(Math.max(0, r - 0.2));
    c['critic/score/max'].push(Math.min(1, r + 0.2));
    c['response_length/mean'].push(300 + 100 * Math.sin(i / 50));
    c['response_length/max'].push(1024);
    c['response_length/clip_ratio'].push(0.1 + 0.05 * Math.cos(i / 30));
    c['actor/entropy'].push(1.5 * Math.exp(-i / (steps + 1)));
    c['actor/grad_norm'].push(0.5 + 0.3 * Math.abs(Math.sin(i / 11)));
    c['perf/throughput'].push(1000 + 50 * Math.sin(i / 5));
    c['val-core/math500/acc/mean@4'].push(i % 10 === 0 ? r * 0.9 : null);
    c['actor/pg_loss'].push(0.05 * Math.sin(i / 3));
    c['actor/lr'].push(1e-3);
    c.frac_reward_zero_std.push(Math.max(0, 0.6 - r / 2));
  }
  return { steps: s, columns: c };
}
