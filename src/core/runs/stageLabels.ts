// Where to write stage names above a chart so that no two overlap and none leaves the plot area (the
// axis values live outside it): each name goes right of its boundary line (left of it near the right
// edge) in the first of `lanes` rows where it clears the previous name; a name that is wider than
// the room it has is shortened with an ellipsis; a name that fits no row is left out (its line is
// still drawn). Pure: the dashboard measures with its canvas, the SVG report estimates widths.

export interface StageLabelInput {
  /** x of the boundary line, in the same unit as the bounds. */
  x: number;
  text: string;
}

export interface PlacedStageLabel {
  text: string;
  /** Left edge of the text box. */
  left: number;
  width: number;
  lane: number;
}

export interface StageLabelOptions {
  left: number;
  right: number;
  lanes: number;
  measure(text: string): number;
  /** Space between a line and its name, and between two names in a row. */
  gap?: number;
}

const ELLIPSIS = '…';

function shorten(text: string, room: number, measure: (t: string) => number): string | undefined {
  if (measure(text) <= room) return text;
  for (let n = text.length - 1; n >= 1; n--) {
    const t = text.slice(0, n) + ELLIPSIS;
    if (measure(t) <= room) return t;
  }
  return undefined;
}

export function layoutStageLabels(marks: readonly StageLabelInput[], o: StageLabelOptions): PlacedStageLabel[] {
  const gap = o.gap ?? 3;
  const laneEnd = new Array<number>(o.lanes).fill(-Infinity);
  const placed: PlacedStageLabel[] = [];
  const sorted = marks.filter((m) => m.x >= o.left - 0.5 && m.x <= o.right + 0.5).sort((a, b) => a.x - b.x);
  for (const m of sorted) {
    for (let lane = 0; lane < o.lanes; lane++) {
      const free = Math.max(o.left, laneEnd[lane] + gap);
      // Right of the line (the usual place), or ending at it (a stage that starts near the right edge).
      const rightFrom = m.x + gap;
      const right = rightFrom >= free ? shorten(m.text, o.right - rightFrom, o.measure) : undefined;
      const leftText = shorten(m.text, m.x - gap - free, o.measure);
      let choice: { text: string; left: number } | undefined;
      if (right !== undefined && (leftText === undefined || right.length >= leftText.length)) choice = { text: right, left: rightFrom };
      else if (leftText !== undefined) choice = { text: leftText, left: m.x - gap - o.measure(leftText) };
      if (!choice) continue;
      const width = o.measure(choice.text);
      placed.push({ text: choice.text, left: choice.left, width, lane });
      laneEnd[lane] = choice.left + width;
      break;
    }
  }
  return placed;
}
