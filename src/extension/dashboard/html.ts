// The dashboard page. No vscode import, so the webview tests build the very same markup. Strict CSP:
// scripts only with the per-load nonce, styles and fonts only from the extension's own files, no
// inline handlers anywhere (the script wires events itself).
import { contentSecurityPolicy, escapeAttr as attr } from '../webviewPage';

export interface DashboardHtmlInput {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  /** asWebviewUri of dist/webview/dashboard.js and the stylesheets. */
  scriptUri: string;
  styleUris: string[];
}

export function dashboardHtml(i: DashboardHtmlInput): string {
  const csp = contentSecurityPolicy(i.cspSource, i.nonce, { imgData: true });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${i.styleUris.map((u) => `<link rel="stylesheet" href="${attr(u)}">`).join('\n')}
<title>AceReason Dashboard</title>
</head>
<body>
<header class="top">
  <h1 id="run-title">AceReason</h1>
  <span id="run-detail" class="meta"></span>
  <span id="run-status"></span>
  <span class="spacer"></span>
  <span id="compare-list"></span>
  <button type="button" id="compare" class="secondary" title="Overlay the curves of other runs">Compare runs…</button>
  <label class="smoothing" title="Exponential moving average of every curve (TensorBoard's debiased EMA); the raw curve stays faint behind it">Smoothing
    <input type="range" id="smoothing" min="0" max="0.99" step="0.01" value="0.6" aria-describedby="smoothing-value"></label>
  <output id="smoothing-value" for="smoothing" class="meta">0.60</output>
  <span id="zoom-label" class="meta"></span>
  <button type="button" id="reset-zoom" class="secondary" title="Show every step (or double-click a chart)">Reset zoom</button>
  <div id="run-model" class="model-line meta" aria-label="Model" hidden></div>
</header>
<section id="crash-banner" class="banner error" role="alert" hidden>
  <h2 id="crash-title">This run crashed</h2>
  <p id="crash-detail"></p>
  <details open><summary>End of events.log</summary><pre id="crash-log"></pre></details>
</section>
<div id="notice" class="notice" role="status" hidden></div>
<main>
  <div id="charts" aria-label="Training curves"></div>
  <section id="samples-pane" aria-label="Sampled responses"></section>
</main>
<script nonce="${attr(i.nonce)}" src="${attr(i.scriptUri)}"></script>
</body>
</html>`;
}
