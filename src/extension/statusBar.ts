// One status-bar item: the trainer's state, or stage · step · reward · ETA of the active run. It
// names the run it describes and a click opens that run's dashboard; a run that ended (crashed,
// stopped, finished) is shown as ended, never as still running.
import * as vscode from 'vscode';
import type { TrainerMessage } from '../core/protocol/trainer';
import { METRIC } from '../core/protocol/metrics';
import type { TrainerSupervisor } from './supervisor';

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export class TrainerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('acereason.status', vscode.StatusBarAlignment.Left, 50);
  private reward: number | undefined;
  private readonly subs: vscode.Disposable[] = [];

  /** A run whose end we saw: later progress lines for it (already queued) must not bring "running" back. */
  private readonly ended = new Set<string>();

  constructor(private readonly supervisor: TrainerSupervisor) {
    this.item.name = 'AceReason Trainer';
    this.item.command = 'acereason.openDashboard';
    this.subs.push(supervisor.onMessage((m) => this.update(m)));
    this.subs.push(supervisor.onExit((e) => {
      const run = supervisor.lastRun?.runId;
      // A process that exits after its run ended (crashed, stopped) leaves the run's state showing.
      if (!e.unexpected || (run && this.ended.has(run))) return;
      this.set(`$(error) AceReason: trainer ${e.reason}`, `The trainer ${e.reason}${run ? ` during ${run}` : ''} — click for the dashboard`, run);
    }));
  }

  private set(text: string, tooltip?: string, runId?: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip ?? 'AceReason Studio — click to open the dashboard';
    const run = this.supervisor.lastRun;
    this.item.command = runId && run?.runId === runId
      ? { command: 'acereason.openDashboard', title: 'Open Dashboard', arguments: [{ kind: 'run', runsDir: run.runsDir, runId }] }
      : 'acereason.openDashboard';
    this.item.show();
  }

  private update(m: TrainerMessage): void {
    switch (m.type) {
      case 'hello': this.set(`$(beaker) AceReason: ${m.backend} ready`, m.backendNote); break;
      case 'status': {
        const ended = m.status === 'crashed' || m.status === 'stopped' || m.status === 'finished';
        if (ended) this.ended.add(m.runId);
        else this.ended.delete(m.runId);
        const icon = m.status === 'crashed' ? '$(error)' : ended ? '$(beaker)' : '$(sync~spin)';
        const detail = m.detail ? m.detail.split('\n')[0] : '';
        this.set(`${icon} AceReason: ${m.runId} ${m.status}`, `${m.runId}: ${m.status}${detail ? ` — ${detail}` : ''} (click for its dashboard)`, m.runId);
        break;
      }
      case 'metrics': if (m.data[METRIC.scoreMean] !== undefined) this.reward = m.data[METRIC.scoreMean]; break;
      case 'progress': {
        if (this.ended.has(m.runId)) break;
        const r = this.reward !== undefined ? ` · r=${this.reward.toFixed(2)}` : '';
        const eta = formatEta(m.etaSeconds);
        this.set(`$(sync~spin) ${m.stage} · step ${m.step}/${m.totalSteps}${r}${eta ? ` · ETA ${eta}` : ''}`, `${m.runId}${m.phase ? ` — ${m.phase}` : ''} (click for its dashboard)`, m.runId);
        break;
      }
      default: break;
    }
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subs) s.dispose();
  }
}
