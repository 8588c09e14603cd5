// Webviews cannot receive messages while hidden, so live updates wait here and are replayed when the
// panel shows again. Past `limit` waiting messages the backlog is dropped and the owner sends one
// snapshot instead (cheaper than replaying thousands of steps). No vscode import: unit-tested.
export class VisibilityBuffer<T> {
  private pending: T[] = [];
  private overflowed = false;
  /** The page has loaded and said 'ready' (before that it gets a snapshot, not a replay). */
  ready = false;

  constructor(private readonly deliver: (msg: T) => void, private readonly isVisible: () => boolean, private readonly limit = 2000) {}

  post(msg: T): void {
    if (this.ready && this.isVisible()) {
      this.deliver(msg);
      return;
    }
    if (this.overflowed) return;
    this.pending.push(msg);
    if (this.pending.length > this.limit) {
      this.pending = [];
      this.overflowed = true;
    }
  }

  /** Called when the panel becomes visible: replays what waited, or asks for a snapshot. */
  onShow(): 'snapshot' | 'replayed' {
    if (this.overflowed) return 'snapshot';
    const waiting = this.pending;
    this.pending = [];
    // A page that is not ready yet gets a full snapshot when it is; nothing to replay then.
    if (this.ready) for (const msg of waiting) this.deliver(msg);
    return 'replayed';
  }

  /** A snapshot is about to be sent: everything waiting is superseded by it. */
  reset(): void {
    this.pending = [];
    this.overflowed = false;
  }

  get waiting(): number {
    return this.pending.length;
  }
}
