import type { Services } from '../extension';

export function registerRunsView(_s: Services): void {
  // Implemented by its issue.
}
