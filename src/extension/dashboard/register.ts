import type { Services } from '../extension';

export function registerDashboard(_s: Services): void {
  // Implemented by its issue.
}
