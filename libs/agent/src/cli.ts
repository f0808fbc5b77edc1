#!/usr/bin/env node
import { HeraldAgent } from './agent';
import { AGENT_HELP, AgentConfigError, loadAgentConfig } from './config';
import { nodeNotifier, systemOpener } from './desktop';

/** `herald-agent`: runs in the user's session until stopped (Ctrl+C, logout, SIGTERM). */
function main(): void {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(AGENT_HELP);
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
