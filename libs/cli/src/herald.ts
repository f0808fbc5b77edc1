#!/usr/bin/env node
import { join } from 'node:path';
import { runEmergencyCommand } from './emergency-command';

const USAGE = `usage: herald emergency fire <templateId> [--title TEXT] [--body HTML] [--url URL] [--idempotency-key KEY]
       herald audit verify|purge [...]   (see herald audit)
`;

/**
 * `herald`: the operator's command line. `emergency` is served here; `audit` is the audit service's own CLI (it
 * works on the audit store directly), loaded from the build next to this file so the two stay one command.
 */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'emergency') {
    const { code, out } = await runEmergencyCommand(argv, process.env);
    (code === 0 ? process.stdout : process.stderr).write(out);
    return code;
  }
  if (argv[0] === 'audit') {
    const audit = require(join(__dirname, '..', '..', '..', 'services', 'audit', 'src', 'cli.js')) as { main: (a: string[], out: (l: string) => void, err: (l: string) => void) => Promise<number> };
    return audit.main(argv, (l) => console.log(l), (l) => console.error(l));
  }
  process.stderr.write(USAGE);
  return 2;
}

void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
