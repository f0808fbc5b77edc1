#!/usr/bin/env node
import { runEmergencyCommand } from './emergency-command';

/** `herald`: the operator's command line (today: `herald emergency fire <templateId>`). */
void runEmergencyCommand(process.argv.slice(2), process.env).then(({ code, out }) => {
  (code === 0 ? process.stdout : process.stderr).write(out);
  process.exitCode = code;
});
