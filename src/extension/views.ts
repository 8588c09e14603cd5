// Views and editors the extension contributes; each registers itself from its own file.
import type { Services } from './services';
import { registerDashboard } from './dashboard/register';
import { registerRunsView } from './runs/register';
import { registerCurator } from './curator/register';
import { registerCodeLens } from './codelens/register';
import { registerVerlLaunch } from './verl/register';

export function registerViews(s: Services): void {
  registerDashboard(s);
  registerRunsView(s);
  registerCurator(s);
  registerCodeLens(s);
  registerVerlLaunch(s);
}
