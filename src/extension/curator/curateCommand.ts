// "AceReason: Curate Dataset": pick a file, a domain (auto-detected default) and optional benchmark
// files, run the curation pipeline in the CLI's job process (the extension host stays free) with a
// cancellable progress notification, open report.json and show the output in the curator.
import * as vscode from 'vscode';
import path from 'node:path';
import fs from 'node:fs';
import { REPORT_FILE, type CurationOptions, type CurationReport } from '../../core/curate';
import { passRatesFile } from '../../core/curate/passRates';
import { acereasonDir, labelsFile } from '../../core/runs/layout';
import { detectDomain, loadsInOneBlock } from '../../core/curate/reviewDataset';
import { JobCancelled, startJob } from '../jobs';
import { cliScript, runJobWithProgress } from '../jobProgress';

export const DATASET_FILTERS = { 'Datasets': ['jsonl', 'ndjson', 'json', 'parquet'] };

export interface CurateDeps {
  context: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  workspaceDir: () => string;
  /** Show the output folder in the curator. */
  showInCurator: (outDir: string) => Promise<void>;
}

/** <workspace>/.acereason/curated/<input name>-<UTC stamp> */
export function curationOutputDir(workspace: string, input: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  const base = path.basename(input).replace(/\.(jsonl|ndjson|json|parquet)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_');
  return path.join(acereasonDir(workspace), 'curated', `${base}-${stamp}`);
}

type CurationDomain = 'math' | 'code';
const DOMAIN_DETAIL: Record<CurationDomain, string> = {
  math: '9-gram decontamination; drops multiple-choice, proofs, multi-part, …',
  code: '14-gram decontamination; drops interactive / special-judge problems and problems without tests',
};

/**
 * The domain pick opens at once, busy, while the file's first rows are read to detect its domain
 * (a JSON array or a Parquet row group can take a while); then it lists both domains, the detected
 * one first. Enter while it is still detecting takes the detected domain as soon as it is known.
 * Resolves undefined when dismissed; rejects when the file cannot be read.
 */
export function pickDomain(file: string, context: vscode.ExtensionContext): Promise<CurationDomain | undefined> {
  type Item = vscode.QuickPickItem & { domain: CurationDomain };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'AceReason: Curate Dataset — domain';
  qp.placeholder = `Detecting the domain of ${path.basename(file)}…`;
  qp.busy = true;
  let detected: CurationDomain | undefined;
  let acceptWhenDetected = false;
  return new Promise<CurationDomain | undefined>((resolve, reject) => {
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      done();
      qp.dispose();
    };
    qp.onDidAccept(() => {
      const choice = qp.selectedItems[0] ?? qp.activeItems[0];
      if (choice) settle(() => resolve(choice.domain));
      else if (!detected) acceptWhenDetected = true;
    });
    qp.onDidHide(() => settle(() => resolve(undefined)));
    qp.show();
    // A Parquet or JSON-array file is read in one block: detect its domain in the job process.
    const detection = loadsInOneBlock(file)
      ? startJob({ kind: 'detectDomain', file }, { cliScript: cliScript(context) }).result.then((r) => (r as { domain: CurationDomain }).domain)
      : detectDomain(file);
    detection.then((d) => {
      if (settled) return;
      detected = d;
      if (acceptWhenDetected) { settle(() => resolve(d)); return; }
      const order: CurationDomain[] = d === 'math' ? ['math', 'code'] : ['code', 'math'];
      qp.items = order.map((domain): Item => ({ label: domain, domain, description: domain === d ? 'detected' : undefined, detail: DOMAIN_DETAIL[domain] }));
      qp.placeholder = `Domain (detected: ${d})`;
      qp.busy = false;
    }, (e: unknown) => settle(() => reject(e)));
  });
}

export async function curateDatasetCommand(deps: CurateDeps, inputArg?: vscode.Uri): Promise<void> {
  const workspace = deps.workspaceDir();
  const input = inputArg ?? (await vscode.window.showOpenDialog({
    title: 'AceReason: Curate Dataset — choose the dataset file', canSelectMany: false, filters: DATASET_FILTERS,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  }))?.[0];
  if (!input) return;

  let domain: CurationDomain | undefined;
  try { domain = await pickDomain(input.fsPath, deps.context); } catch (e) {
    void vscode.window.showErrorMessage(`AceReason: cannot read ${input.fsPath}: ${(e as Error).message}`);
    return;
  }
  if (!domain) return;

  const pickBenchmarks = await vscode.window.showQuickPick(
    [{ label: 'No benchmark files', detail: 'skip n-gram decontamination' }, { label: 'Choose benchmark files…', detail: 'remove prompts that overlap evaluation sets' }],
    { title: 'AceReason: Curate Dataset — decontaminate against benchmarks?' },
  );
  if (!pickBenchmarks) return;
  let benchmarks: string[] = [];
  if (pickBenchmarks.label.startsWith('Choose')) {
    const picked = await vscode.window.showOpenDialog({ title: 'Benchmark files', canSelectMany: true, filters: DATASET_FILTERS });
    if (!picked) return;
    benchmarks = picked.map((u) => u.fsPath);
  }

  const outDir = curationOutputDir(workspace, input.fsPath);
  const labels = labelsFile(workspace);
  const passRates = passRatesFile(workspace);
  deps.output.appendLine(`[curate] ${domain}: ${input.fsPath} → ${outDir}${benchmarks.length ? ` (benchmarks: ${benchmarks.join(', ')})` : ''}`);
  const options: CurationOptions = {
    domain, inputs: [input.fsPath], benchmarks, outDir,
    labelsFile: fs.existsSync(labels) ? labels : undefined,
    passRatesFile: fs.existsSync(passRates) ? passRates : undefined,
  };
  try {
    const result = await runJobWithProgress(deps.context, `Curating ${path.basename(input.fsPath)}`, { kind: 'curate', options: { ...options } }) as { report: CurationReport };
    const r = result.report;
    deps.output.appendLine(`[curate] kept ${r.kept} of ${r.input}; removed ${JSON.stringify(r.removed)}; skipped lines ${r.skipped_lines}`);
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(outDir, REPORT_FILE)), { preview: false, preserveFocus: true });
    await deps.showInCurator(outDir);
    void vscode.window.showInformationMessage(`AceReason: kept ${r.kept} of ${r.input} prompts (${r.removed_total} removed, ${r.skipped_lines} unreadable lines).`);
  } catch (e) {
    if (e instanceof JobCancelled) {
      deps.output.appendLine('[curate] cancelled');
      return;
    }
    deps.output.appendLine(`[curate] failed: ${(e as Error).stack ?? (e as Error).message}`);
    void vscode.window.showErrorMessage(`AceReason: curation failed: ${(e as Error).message}`, 'Show Log').then((c) => c && deps.output.show(true));
  }
}
