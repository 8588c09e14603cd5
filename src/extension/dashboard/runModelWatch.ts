// Follows the `model` field of one run's config.json for the dashboard header. The trainer writes
// config.json when the run starts and again once the model is loaded and counted, so the file is
// re-read whenever its size or mtime changes; what it holds is checked field by field
// (readRunModelSummary), never trusted. No vscode import: unit tests drive it with real files.
import fs from 'node:fs';
import { readRunModelSummary, type RunModelSummary } from '../../core/protocol/trainer';

export class RunModelWatch {
  private stamp = '';
  private shown = 'null';
  current: RunModelSummary | undefined;

  constructor(readonly configPath: string) {}

  /** Re-reads config.json if it changed; true when `current` changed. */
  poll(): boolean {
    const st = fs.statSync(this.configPath, { throwIfNoEntry: false });
    const stamp = st ? `${st.size}:${st.mtimeMs}` : '';
    if (stamp === this.stamp) return false;
    let config: unknown;
    try {
      config = st ? JSON.parse(fs.readFileSync(this.configPath, 'utf8')) : undefined;
    } catch {
      return false; // half-written by a non-atomic writer: the next poll reads it again
    }
    this.stamp = stamp;
    const model = readRunModelSummary(config);
    const text = JSON.stringify(model ?? null);
    if (text === this.shown) return false;
    this.shown = text;
    this.current = model;
    return true;
  }
}
