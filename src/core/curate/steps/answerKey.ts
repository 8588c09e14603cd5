// A loose canonical form of a reference answer for comparing two answers for equality as text
// (spacing, \left/\right, \dfrac vs \frac, surrounding $ ignored). Not a verifier.
export function canonicalAnswerKey(answer: string): string {
  return answer
    .replace(/\\left|\\right|\\!|\\,|\\;|\\ /g, '')
    .replace(/\\[dt]frac/g, '\\frac')
    .replace(/^\$+|\$+$/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();
}
