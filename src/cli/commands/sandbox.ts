// Placeholder until its issue lands; replaced wholesale by the owner of this command.
import { CliError, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'sandbox',
  summary: '(not available yet)',
  usage: 'acereason sandbox: not available yet',
  async run() {
    throw new CliError('not available yet');
  },
};
