import { ConfigError, Env, loadEnv } from '@herald/config';
import { bootHerald, RunningHerald, ServiceDefinition } from './boot';
import { createInfra } from './infra';

/** Adapters a lone service uses unless told otherwise: the distributed ones. */
export const DISTRIBUTED_DEFAULTS: Partial<Record<keyof Env, string>> = { HERALD_BUS: 'rabbitmq', HERALD_STORE: 'mongodb', HERALD_DIRECTORY: 'ldap' };

/**
 * Entry point shared by every `main.ts`: validates the environment, boots, and shuts down cleanly on SIGTERM/SIGINT.
 * A configuration error prints one readable message and exits with code 78 (EX_CONFIG).
 */
export async function runProcess(name: string, services: ServiceDefinition[], defaults: Partial<Record<keyof Env, string>>, onReady?: (h: RunningHerald) => void): Promise<void> {
  let running: RunningHerald | undefined;
  try {
    const env = loadEnv(process.env, defaults);
    running = await bootHerald(name, services, await createInfra(env, name));
    onReady?.(running);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`herald ${name}: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const stop = async () => {
    await running?.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
