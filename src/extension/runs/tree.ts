// The Runs view: one item per run folder with its status, stage, step and best held-out pass@1.
// Summaries are read incrementally (RunSummaries keeps a metrics reader per run).
import * as vscode from 'vscode';
import { RunSummaries, type RunSummary } from '../../core/runs/runSummary';
import type { DisplayStatus } from '../../core/runs/runStatus';
import { runPaths } from '../../core/runs/layout';
import { describeStageRow, stageRows, type StageRow } from './stageRows';

const ICONS: Record<DisplayStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  stopped: new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow')),
  crashed: new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red')),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
};

export class RunItem extends vscode.TreeItem {
  readonly runId: string;
  readonly runsDir: string;
  readonly dir: string;

  readonly stages: StageRow[];

  constructor(readonly summary: RunSummary, runsDir: string) {
    super(summary.runId, vscode.TreeItemCollapsibleState.None);
    this.stages = stageRows(runPaths(runsDir, summary.runId).config, summary.lastStep);
    if (this.stages.length > 1) this.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
    this.runId = summary.runId;
    this.runsDir = runsDir;
    this.dir = summary.dir;
    this.id = summary.dir;
    const parts: string[] = [summary.status];
    if (summary.stage) parts.push(summary.stage);
    if (summary.lastStep !== undefined) parts.push(`step ${summary.lastStep}`);
    if (summary.best) parts.push(`best pass@1 ${(summary.best.value * 100).toFixed(1)}%`);
    this.description = parts.join(' · ');
    this.iconPath = ICONS[summary.status];
    // contextValue drives the view/item/context menus: "acereasonRun.<status>" plus ".checkpoint".
    this.contextValue = `acereasonRun.${summary.status}${summary.hasCheckpoint ? '.checkpoint' : ''}`;
    const tip = new vscode.MarkdownString(undefined, false);
    tip.appendText(`${summary.runId}\n`);
    tip.appendText(`Status: ${summary.status}${summary.detail ? ` (${summary.detail})` : ''}\n`);
    if (summary.stage) tip.appendText(`Stage: ${summary.stage}\n`);
    if (summary.lastStep !== undefined) tip.appendText(`Last step: ${summary.lastStep}\n`);
    if (summary.lastReward !== undefined) tip.appendText(`Last reward: ${summary.lastReward.toFixed(3)}\n`);
    if (summary.best) tip.appendText(`Best held-out pass@1: ${(summary.best.value * 100).toFixed(1)}% at step ${summary.best.step} (${summary.best.sources.join(', ')})\n`);
    for (const st of this.stages) tip.appendText(`${st.state === 'done' ? '✓' : st.state === 'current' ? '▶' : '·'} ${st.name}: ${describeStageRow(st)}\n`);
    for (const p of summary.problems) tip.appendText(`⚠ ${p}\n`);
    this.tooltip = tip;
    this.command = { command: 'acereason.openDashboard', title: 'Open Dashboard', arguments: [{ kind: 'run', runsDir, runId: summary.runId }] };
  }
}

const STAGE_ICONS: Record<StageRow['state'], vscode.ThemeIcon> = {
  done: new vscode.ThemeIcon('pass'),
  current: new vscode.ThemeIcon('debug-stackframe'),
  pending: new vscode.ThemeIcon('circle-outline'),
};

/** One stage boundary of a run: name, global step range, reached or not. */
export class StageItem extends vscode.TreeItem {
  constructor(readonly run: RunItem, readonly row: StageRow) {
    super(row.name, vscode.TreeItemCollapsibleState.None);
    this.id = `${run.dir}#${row.name}`;
    this.description = describeStageRow(row);
    this.iconPath = STAGE_ICONS[row.state];
    this.contextValue = 'acereasonStage';
    this.tooltip = `${row.name}: ${row.domain} RL, global steps ${row.firstStep}–${row.lastStep} (${row.state})`;
  }
}

type RunsNode = RunItem | StageItem;

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly summaries = new RunSummaries();
  private last: RunItem[] = [];

  constructor(private readonly runsDir: () => string, private readonly activeRunId: () => string | undefined) {}

  refresh(): void {
    this.changed.fire();
  }

  /** The items of the last render (tests and commands look runs up here). */
  get items(): readonly RunItem[] {
    return this.last;
  }

  getTreeItem(item: RunsNode): vscode.TreeItem {
    return item;
  }

  getChildren(parent?: RunsNode): RunsNode[] {
    if (parent instanceof RunItem) return parent.stages.map((r) => new StageItem(parent, r));
    if (parent) return [];
    const dir = this.runsDir();
    this.last = this.summaries.summarizeAll(dir, this.activeRunId()).map((s) => new RunItem(s, dir));
    return this.last;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
