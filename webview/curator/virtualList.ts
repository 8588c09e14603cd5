// A windowed list with a fixed row height: only the rows in view (plus a small margin) exist in the
// DOM, and their elements are reused while scrolling, so 50,000 rows cost the same as 50.
// An element keeps its list position for as long as that position stays in the window: only rows
// that scrolled out are recycled for rows that scrolled in. (Recycling by slot — element i shows
// position first+i — would make every element show a different row after any scroll, so a click
// that lands across a scroll, or anything holding on to a row element, would hit the wrong prompt.)
export interface VirtualListOptions {
  viewport: HTMLElement;
  rowHeight: number;
  /** Extra rows rendered above and below the viewport so fast scrolling shows no gaps. */
  overscan?: number;
  createRow(): HTMLElement;
  /** Fill `el` for list position `pos`. Called only for rows in the window. */
  renderRow(el: HTMLElement, pos: number): void;
}

export class VirtualList {
  private readonly spacer: HTMLElement;
  /** The element showing each list position in the window (in the DOM). */
  private readonly byPos = new Map<number, HTMLElement>();
  /** Row elements out of the DOM, ready for reuse. */
  private readonly spare: HTMLElement[] = [];
  private count = 0;
  private frame = 0;
  private readonly overscan: number;

  constructor(private readonly opts: VirtualListOptions) {
    this.overscan = opts.overscan ?? 6;
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    opts.viewport.appendChild(this.spacer);
    opts.viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(opts.viewport);
  }

  get length(): number { return this.count; }

  setCount(count: number): void {
    this.count = count;
    this.spacer.style.height = `${count * this.opts.rowHeight}px`;
    this.renderNow();
  }

  /** Re-render the rows in the window (after their data changed). */
  refresh(): void { this.renderNow(); }

  /** Scroll the least distance that brings `pos` fully into view. */
  reveal(pos: number): void {
    const { viewport, rowHeight } = this.opts;
    const top = pos * rowHeight;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + rowHeight > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + rowHeight - viewport.clientHeight;
    this.renderNow();
  }

  /** The list position of a rendered row element, or -1. */
  positionOf(el: Element | null): number {
    const row = el?.closest<HTMLElement>('.vlist-row');
    return row?.dataset.pos !== undefined ? Number(row.dataset.pos) : -1;
  }

  visibleRows(): number { return Math.max(1, Math.floor(this.opts.viewport.clientHeight / this.opts.rowHeight)); }

  /** Rendered row elements (for tests and benchmarks that inspect the DOM). */
  renderedCount(): number { return this.byPos.size; }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.renderNow(); });
  }

  private renderNow(): void {
    const { viewport, rowHeight } = this.opts;
    const first = Math.max(0, Math.floor(viewport.scrollTop / rowHeight) - this.overscan);
    const height = viewport.clientHeight || rowHeight * 20;
    const last = Math.min(this.count, Math.ceil((viewport.scrollTop + height) / rowHeight) + this.overscan);
    // Free the elements of positions that left the window; keep the rest where they are.
    for (const [pos, el] of [...this.byPos]) {
      if (pos < first || pos >= last) { this.byPos.delete(pos); this.spare.push(el); }
    }
    for (let pos = first; pos < last; pos++) {
      let el = this.byPos.get(pos);
      if (!el) {
        el = this.spare.pop() ?? this.newRow();
        this.byPos.set(pos, el);
        el.dataset.pos = String(pos);
        el.style.transform = `translateY(${pos * rowHeight}px)`;
        if (!el.isConnected) viewport.appendChild(el);
      }
      this.opts.renderRow(el, pos);
    }
    // Spare elements leave the DOM, so no stale row (its id, focus or selection) lingers there.
    for (const el of this.spare) if (el.isConnected) el.remove();
  }

  private newRow(): HTMLElement {
    const el = this.opts.createRow();
    el.classList.add('vlist-row');
    el.style.height = `${this.opts.rowHeight}px`;
    return el;
  }
}
