// A windowed list with a fixed row height: only the rows in view (plus a small margin) exist in the
// DOM, and their elements are reused while scrolling, so 50,000 rows cost the same as 50.
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
  private readonly pool: HTMLElement[] = [];
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
  renderedCount(): number { return this.pool.filter((el) => !el.hidden).length; }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.renderNow(); });
  }

  private renderNow(): void {
    const { viewport, rowHeight } = this.opts;
    const first = Math.max(0, Math.floor(viewport.scrollTop / rowHeight) - this.overscan);
    const height = viewport.clientHeight || rowHeight * 20;
    const last = Math.min(this.count, Math.ceil((viewport.scrollTop + height) / rowHeight) + this.overscan);
    const needed = Math.max(0, last - first);
    while (this.pool.length < needed) {
      const el = this.opts.createRow();
      el.classList.add('vlist-row');
      el.style.height = `${rowHeight}px`;
      viewport.appendChild(el);
      this.pool.push(el);
    }
    for (let i = 0; i < this.pool.length; i++) {
      const el = this.pool[i];
      if (i >= needed) { el.hidden = true; delete el.dataset.pos; continue; }
      const pos = first + i;
      el.hidden = false;
      el.dataset.pos = String(pos);
      el.style.transform = `translateY(${pos * rowHeight}px)`;
      this.opts.renderRow(el, pos);
    }
  }
}
