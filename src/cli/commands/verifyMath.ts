// Placeholder until the rewards issue lands; replaced wholesale by its owner.
import { CliError, type CliCommand } from '../command';

export const verifyMath: CliCommand = {
  name: 'verifyMath',
  summary: '(not available yet)',
  usage: '(not available yet)',
  async run() {
    throw new CliError('not available yet');
  },
};
