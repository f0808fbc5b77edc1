#!/usr/bin/env node
import { HeraldAgent, SignInRefused } from './agent';
import { AGENT_HELP, AgentConfigError, loadAgentConfig } from './config';
import { nodeNotifier, systemOpener } from './desktop';
import { CommandRefused, doNotDisturbCommand } from './do-not-disturb-command';

/** `herald-agent dnd ...`: one request, then exit (0 done, 1 refused, 2 usage, 3 unreachable). */
async function dnd(argv: string[]): Promise<void> {
  const firstFlag = argv.findIndex((a) => a.startsWith('--'));
  const [args, flags] = firstFlag < 0 ? [argv, []] : [argv.slice(0, firstFlag), argv.slice(firstFlag)];
  try {
    process.stdout.write(`${await doNotDisturbCommand(loadAgentConfig(flags, process.env), args)}\n`);
  } catch (err) {
    process.stderr.write(`herald-agent: ${(err as Error).message}\n`);
    process.exitCode = err instanceof AgentConfigError ? 2 : err instanceof CommandRefused || err instanceof SignInRefused ? 1 : 3;
  }
}

/** `herald-agent`: runs in the user's session until stopped (Ctrl+C, logout, SIGTERM). */
function main(): void {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(AGENT_HELP);
    return;
  }
  if (process.argv[2] === 'dnd') {
    void dnd(process.argv.slice(3));
    return;
  }
  let config;
  try {
    config = loadAgentConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof AgentConfigError)) throw err;
    process.stderr.write(`herald-agent: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  const log = (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  const agent = new HeraldAgent(config, {
    notifier: nodeNotifier((err) => log('warn', 'desktop notification failed', { error: err.message })),
    opener: systemOpener,
    log,
  });
  agent.start();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      agent.stop();
      process.exit(0);
    });
  }
}

main();
