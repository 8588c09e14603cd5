// One status-bar item: the trainer's state, or stage · step · reward · ETA of the active run.
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

  constructor(supervisor: TrainerSupervisor) {
    this.item.name = 'AceReason Trainer';
    this.item.command = 'acereason.openDashboard';
    this.subs.push(supervisor.onMessage((m) => this.update(m)));
    this.subs.push(supervisor.onExit((e) => this.set(e.unexpected ? `$(error) AceReason: trainer ${e.reason}` : '$(beaker) AceReason: idle', e.unexpected ? 'Trainer crashed — click for the dashboard' : undefined)));
  }

  private set(text: string, tooltip?: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip ?? 'AceReason Studio — click to open the dashboard';
    this.item.show();
  }

  private update(m: TrainerMessage): void {
    switch (m.type) {
      case 'hello': this.set(`$(beaker) AceReason: ${m.backend} ready`, m.backendNote); break;
      case 'status': this.set(`$(beaker) AceReason: ${m.status}${m.detail ? ` (${m.detail})` : ''}`); break;
      case 'metrics': if (m.data[METRIC.scoreMean] !== undefined) this.reward = m.data[METRIC.scoreMean]; break;
      case 'progress': {
        const r = this.reward !== undefined ? ` · r=${this.reward.toFixed(2)}` : '';
        const eta = formatEta(m.etaSeconds);
        this.set(`$(sync~spin) ${m.stage} · step ${m.step}/${m.totalSteps}${r}${eta ? ` · ETA ${eta}` : ''}`, m.phase);
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
