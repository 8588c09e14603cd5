import type { Services } from '../extension';

export function registerCurator(_s: Services): void {
  // Implemented by its issue.
}
