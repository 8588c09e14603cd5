import type { Services } from '../extension';

export function registerCodeLens(_s: Services): void {
  // Implemented by its issue.
}
