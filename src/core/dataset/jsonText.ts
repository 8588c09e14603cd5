// Parses one JSON text (a JSONL line, a JSON file) into plain values without ever throwing:
//  - nesting deeper than MAX_JSON_DEPTH is refused before parsing: JSON.parse copes, but every later
//    step that walks a value (mapping, zod, JSON.stringify on write) recurses and would overflow;
//  - integers beyond 2^53 are kept exact as strings (an id 12345678901234567890 must not become
//    12345678901234567000 and then be renamed as a duplicate); other numbers are plain numbers.
import { isInteger, isSafeNumber, parse as parseLossless } from 'lossless-json';

export const MAX_JSON_DEPTH = 100;

export type JsonParse = { ok: true; value: unknown } | { ok: false; error: string };

/** The deepest nesting of arrays/objects in a JSON text, found iteratively (strings skipped). */
export function jsonDepth(text: string, stopAbove = Infinity): { depth: number; at: number } {
  let depth = 0;
  let max = 0;
  let at = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        at = i;
        if (max > stopAbove) break;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return { depth: max, at };
}

const LONG_DIGITS = /\d{16,}/;

function parseNumber(text: string): unknown {
  return isInteger(text) && !isSafeNumber(text) ? text : Number(text);
}

export function parseJsonText(text: string): JsonParse {
  const { depth, at } = jsonDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) return { ok: false, error: `nested deeper than ${MAX_JSON_DEPTH} levels (at character ${at + 1}); not read` };
  try {
    // The lossless parser only where a number might not fit a double (it is slower than JSON.parse).
    return { ok: true, value: LONG_DIGITS.test(text) ? parseLossless(text, null, parseNumber) : JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${((e as Error)?.message ?? String(e)).replace(/\s*\n\s*/g, ' ')}` };
  }
}
