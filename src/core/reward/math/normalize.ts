// Removes the LaTeX that does not change an answer's value: delimiters, \left/\right, spacing,
// font commands, degree marks, units, "\text{ and }" and thousands separators. What is left is what
// structure.ts splits and latexTokens.ts translates.

export interface NormalizedAnswer {
  readonly text: string;
  /** A % sign was removed: 50\% may be meant as 50 or as 0.5. */
  readonly percent: boolean;
}

const UNIT_WORDS = [
  'units?', 'square units?', 'sq\\.? units?', 'cubic units?', 'cm', 'centimeters?', 'mm', 'millimeters?', 'km', 'kilometers?',
  'm', 'meters?', 'metres?', 'inch(?:es)?', 'in\\.', 'feet', 'foot', 'ft', 'yards?', 'yd', 'miles?', 'mi', 'mph',
  'degrees?', 'deg', 'radians?', 'rad', 'dollars?', 'cents?', 'hours?', 'hrs?', 'minutes?', 'mins?', 'seconds?', 'secs?', 's',
  'days?', 'weeks?', 'months?', 'years?', 'pounds?', 'lbs?', 'ounces?', 'oz', 'grams?', 'g', 'kg', 'kilograms?',
  'liters?', 'litres?', 'gallons?', 'mL', 'ml', 'L', 'people', 'students?', 'ways', 'points?', 'sq', 'square', 'cubic',
  'percent', 'per cent',
];
const UNIT_RE = new RegExp(`^(?:${UNIT_WORDS.join('|')})(?:\\s*(?:\\^\\s*\\{?\\s*[23]\\s*\\}?|²|³))?$`, 'i');
const TRAILING_UNIT_RE = new RegExp(`(?<=[\\d}\\)])\\s+(?:${UNIT_WORDS.filter((w) => w.replace(/[^A-Za-z]/g, '').length > 1).join('|')})(?:\\s*(?:\\^\\s*\\{?\\s*[23]\\s*\\}?|²|³))?\\s*$`, 'i');

/** Unicode that models and datasets type instead of LaTeX. */
const UNICODE: Record<string, string> = {
  'π': '\\pi ', '√': '\\sqrt', '−': '-', '–': '-', '×': '\\times ', '·': '\\cdot ', '⋅': '\\cdot ', '÷': '\\div ', '∞': '\\infty ',
  '²': '^2', '³': '^3', '≤': '\\le ', '≥': '\\ge ', '≠': '\\ne ', '∪': '\\cup ', '∈': '\\in ', '°': '^\\circ',
};
const UNICODE_RE = new RegExp(`[${Object.keys(UNICODE).join('')}]`, 'g');

/** An answer that is a number written as a word ("three", "Twelve"). */
const NUMBER_WORDS = new Map([
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty',
].map((w, i) => [w, String(i)]));

/** Longer answers are not normalised or parsed; they are compared as text (bounded work). */
export const MAX_ANSWER_CHARS = 2000;

export function normalizeAnswer(raw: string): NormalizedAnswer {
  let s = raw.trim();
  if (s.length > MAX_ANSWER_CHARS) return { text: s, percent: false };
  s = s.replace(/^\$+|\$+$/g, '').replace(/^\\\(|\\\)$/g, '').replace(/^\\\[|\\\]$/g, '');
  s = s.replace(/\\\$|\\textdollar(?![A-Za-z])/g, '').replace(/\$/g, '');
  s = s.replace(UNICODE_RE, (c) => UNICODE[c]);
  const word = NUMBER_WORDS.get(s.toLowerCase().replace(/^\\text\{(.*)\}$/, '$1').trim());
  if (word !== undefined) s = word;
  s = s.replace(/\{([-+])\}/g, '$1');
  s = s.replace(/\\(?:boxed|fbox)\s*\{/g, '{');
  s = s.replace(/\\[dtc]frac(?![A-Za-z])/g, '\\frac').replace(/\\[dt]binom(?![A-Za-z])/g, '\\binom');
  s = s.replace(/\\(?:left|right)\s*\./g, '');
  s = s.replace(/\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg)(?![A-Za-z])/g, '');
  s = s.replace(/\\(?:displaystyle|textstyle|scriptstyle|small|normalsize|large)(?![A-Za-z])/g, '');
  s = s.replace(/\\[hv]space\*?\s*\{[^{}]*\}/g, ' ');
  // \! is a negative thin space: it only ever tightens typesetting (16,\!386.20 is 16,386.20).
  s = s.replace(/\\!/g, '');
  // \phantom{…} reserves room and prints nothing.
  s = s.replace(/\\phantom\s*(?:\{[^{}]*\}|[^\s{])/g, '');
  // Thousands separators inside a brace group: \frac{1}{29,322,216}.
  s = s.replace(/\{(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?)\}/g, (_m, n: string) => `{${n.replace(/,/g, '')}}`);
  // "\approx 8.24" and "\frac23 \approx 0.67": the value before the approximation is the answer.
  s = s.replace(/^\s*\\approx\s*/, '').replace(/(?<=\S)\s*\\approx(?![A-Za-z])[\s\S]*$/, '');
  // Set-builder notation: {x | 2 < x < 3} is the condition's solution set.
  s = s.replace(/^\\\{\s*[A-Za-z]\s*(?:\\mid|\||:)\s*([\s\S]+?)\s*\\\}$/, '$1');
  // Thousands separators written with thin spaces or {,}: 1\,000 and 1{,}000 mean 1000.
  for (let k = 0; k < 3; k++) s = s.replace(/(\d)(?:\\,|\\!|\\ |~|\{,\}|\\;)(?=\d{3}(?!\d))/g, '$1');
  // Row breaks (\\) must survive the removal of spacing commands such as \ and \,.
  s = s.split('\\\\').map((part) => part.replace(/\\(?:,|:|;|!|>|quad|qquad)|~/g, ' ').replace(/\\ /g, ' ')).join('\\\\');
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree(?![A-Za-z])/g, '');
  s = s.replace(/\\(?:mathbf|boldsymbol|mathit|mathsf|mathbb|bm|mathcal)\s*\{([^{}]*)\}/g, '$1');
  s = s.replace(/\\(?:mathrm|textrm|textbf|textit|mbox|textnormal|textup|hbox)\s*\{/g, '\\text{');
  s = s.replace(/\\text\s*\{\s*(and|or)\s*\}/gi, ',');
  // A trailing \text{…} after a value is a unit: 5\text{ cm}, 12\text{ inches}^2.
  s = s.replace(/(?<=\S)\s*\\text\{([^{}]*)\}\s*(?:\^\s*\{?\s*[23]\s*\}?)?\s*$/g, (whole, inner: string) =>
    isUnit(inner) || /^\s*[A-Za-z .]+$/.test(inner) ? '' : whole,
  );
  s = s.replace(/\\text\{([^{}]*)\}/g, '$1');
  let percent = false;
  if (/\\%|%/.test(s)) {
    percent = true;
    s = s.replace(/\\%|%/g, '');
  }
  if (/(?<=[\d}\s])\s*(?:percent|per cent|pct)\.?\s*$/i.test(s)) {
    percent = true;
    s = s.replace(/\s*(?:percent|per cent|pct)\.?\s*$/i, '');
  }
  s = s.replace(/\s+/g, ' ').trim();
  s = s.replace(/(?:\\\\|[.;])+$/, '').trim();
  s = s.replace(TRAILING_UNIT_RE, '');
  s = s.replace(/(?:\\\\|[.;])+$/, '').trim();
  s = s.replace(/^=\s*/, '');
  // 16'' (inches) and 5' (feet) after a number are units; a trailing comma is punctuation.
  s = s.replace(/(?<=\d)\s*(?:''|"|″|′|')$/, '').replace(/,+$/, '').trim();
  // "9 and -7", "2, 3, or 4": words joining answers are list separators.
  s = s.replace(/\s*,?\s*\b(?:and|or)\b\s*/g, ',');
  s = s.replace(/^[A-Za-z]\s*\\in(?![A-Za-z])\s*/, '');
  return { text: s, percent };
}

function isUnit(text: string): boolean {
  return UNIT_RE.test(text.trim());
}

const CHOICE_LABEL = /^\(([A-E])\)$/;
const LEADING_CHOICE = /^\(([A-E])\)\s*(?=\S)/;
const TRAILING_CHOICE = /(?:(?<=\S)\s+|(?<=[\d}]))\(([A-E])\)$/;

/** A multiple-choice label alone, "(C)" or "C": its letter; otherwise undefined. */
export function choiceLabel(s: string): string | undefined {
  const t = s.trim();
  return CHOICE_LABEL.exec(t)?.[1] ?? (/^[A-E]$/.test(t) ? t : undefined);
}

/** "(B) 26" and "26 (B)" (a choice label next to the value): the value alone, and the label. */
export function splitChoiceLabel(s: string): { value: string; label?: string } {
  const lead = LEADING_CHOICE.exec(s);
  if (lead) return { value: s.slice(lead[0].length).trim(), label: lead[1] };
  const trail = TRAILING_CHOICE.exec(s);
  if (trail) return { value: s.slice(0, trail.index).trim(), label: trail[1] };
  return { value: s };
}

/** For the quick exact check and the text fallback: no spaces, no braces around single tokens. */
export function canonicalText(s: string): string {
  return s.replace(/\s+/g, '').replace(/\{(\w)\}/g, '$1').replace(/\\(?:left|right)/g, '');
}
