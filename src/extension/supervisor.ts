// The vscode side of trainer supervision: output channel, crash notification with the log tail and a
// "Resume" button, and an event stream other components (status bar, dashboard, runs view) follow.
// A run that crashes ends everywhere at once: it stops being the active run (the Runs view then
// reads its status.json), the user gets its error, and the trainer process exits, because a run
// that threw may have left TensorFlow.js state behind; the next run starts a fresh process.
import * as vscode from 'vscode';
import path from 'node:path';
import type { StartRunRequest, TrainerMessage } from '../core/protocol/trainer';
import { runPaths } from '../core/runs/layout';
import { hasCheckpoint } from '../core/runs/runSummary';
import { TrainerProcess, type TrainerExit } from './trainerProcess';
import { settings } from './settings';

const ENDED = new Set(['stopped', 'finished', 'crashed']);

export class TrainerSupervisor implements vscode.Disposable {
  private proc: TrainerProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly messages = new vscode.EventEmitter<TrainerMessage>();
  private readonly exits = new vscode.EventEmitter<TrainerExit>();
  readonly onMessage = this.messages.event;
  readonly onExit = this.exits.event;
  /** The run the trainer is working on; undefined once it ended (stopped, finished or crashed). */
  activeRun: StartRunRequest | undefined;
  /** The last run started here, kept after it ended (the status bar and dashboard name it). */
  lastRun: StartRunRequest | undefined;
  backend: string | undefined;

  constructor(private readonly extensionUri: vscode.Uri, readonly output: vscode.OutputChannel) {}

  get running(): boolean {
    return !!this.proc?.running;
  }

  /** Starts the trainer process if needed and resolves once it said hello. */
  ensureStarted(): Promise<void> {
    if (this.proc?.running && this.ready) return this.ready;
    const script = path.join(this.extensionUri.fsPath, 'dist', 'trainer.js');
    const proc = new TrainerProcess({ script, env: { ACEREASON_BACKEND: settings().backend } });
    this.proc = proc;
    proc.on('log', (line) => this.output.appendLine(line));
    proc.on('invalid', (line) => this.output.appendLine(`[host] ${line}`));
    proc.on('message', (m) => {
      // A run that ended is no longer the one a crash interrupts, nor one Stop Training can stop.
      const ended = m.type === 'status' && m.runId === this.activeRun?.runId && ENDED.has(m.status) ? this.activeRun : undefined;
      if (ended) this.activeRun = undefined;
      this.messages.fire(m);
      if (ended && m.type === 'status' && m.status === 'crashed') this.onRunCrashed(proc, ended, m.detail ?? undefined);
    });
    proc.on('exit', (exit) => {
      // A process replaced by a newer one (restarted while its exit was being reported) must not
      // reset the newer one's state.
      if (this.proc === proc) this.ready = undefined;
      this.onProcessExit(exit, proc);
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const onMsg = (m: TrainerMessage) => {
        if (m.type === 'hello') {
          proc.off('message', onMsg);
          proc.off('exit', onExit);
          this.backend = m.backend;
          this.output.appendLine(`[host] trainer pid ${m.pid} ready — ${m.backendNote}`);
          resolve();
        }
      };
      const onExit = (exit: TrainerExit) => {
        proc.off('message', onMsg);
        reject(new Error(`the trainer ${exit.reason} while starting`));
      };
      proc.on('message', onMsg);
      proc.on('exit', onExit);
    });
    this.output.appendLine(`[host] starting trainer: ${script}`);
    proc.start();
    return this.ready;
  }

  async startRun(request: StartRunRequest): Promise<void> {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'AceReason: starting the trainer (TensorFlow.js backend selection)…' },
      () => this.ensureStarted(),
    );
    this.activeRun = request;
    this.lastRun = request;
    this.proc!.send({ type: 'start', request });
  }

  /** Asks the active run to stop after its current step; false when no run is training. */
  stopRun(): boolean {
    if (!this.activeRun || !this.running) return false;
    return !!this.proc?.send({ type: 'stop' });
  }

  pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Processes whose run crash the user was already told about: their exit needs no second notification. */
  private readonly reportedCrash = new WeakSet<TrainerProcess>();

  private onRunCrashed(proc: TrainerProcess, run: StartRunRequest, detail: string | undefined): void {
    this.reportedCrash.add(proc);
    const error = (detail ?? 'no error message').split('\n')[0];
    this.output.appendLine(`[host] run ${run.runId} crashed: ${error}`);
    void proc.shutdown(5000);
    const resumable = hasCheckpoint(runPaths(run.runsDir, run.runId).dir);
    const actions = [...(resumable ? ['Resume'] : []), 'Open Dashboard', 'Show Log'];
    void vscode.window.showErrorMessage(`AceReason: run ${run.runId} failed: ${error}`, ...actions).then((choice) => {
      if (choice === 'Show Log') this.output.show(true);
      if (choice === 'Open Dashboard') void vscode.commands.executeCommand('acereason.openDashboard', { kind: 'run', runsDir: run.runsDir, runId: run.runId });
      if (choice === 'Resume') void vscode.commands.executeCommand('acereason.resumeRun', run.runId);
    });
  }

  private onProcessExit(exit: TrainerExit, proc: TrainerProcess): void {
    this.exits.fire(exit);
    if (!exit.unexpected || this.reportedCrash.has(proc)) {
      this.output.appendLine(`[host] trainer exited (${exit.reason})`);
      return;
    }
    const run = this.activeRun;
    this.activeRun = undefined;
    this.output.appendLine(`[host] the trainer ${exit.reason}. Last log lines:`);
    for (const l of exit.logTail) this.output.appendLine(`    ${l}`);
    // A toast shows a few lines at most; the whole tail is in the output channel ("Show Log").
    const tail = exit.logTail.slice(-3).map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l)).join('\n');
    const during = run ? ` during run ${run.runId}` : '';
    const actions = run && hasCheckpoint(runPaths(run.runsDir, run.runId).dir) ? ['Resume', 'Show Log'] : ['Show Log'];
    void vscode.window
      .showErrorMessage(`AceReason: the trainer ${exit.reason}${during}.${tail ? `\nLast log lines:\n${tail}` : ''}`, { modal: false }, ...actions)
      .then((choice) => {
        if (choice === 'Show Log') this.output.show(true);
        if (choice === 'Resume' && run) void vscode.commands.executeCommand('acereason.resumeRun', run.runId);
      });
  }

  async dispose(): Promise<void> {
    this.messages.dispose();
    this.exits.dispose();
    await this.proc?.shutdown(2000);
  }
}
