import 'reflect-metadata';
import { runProcess } from '@herald/runtime';
import { ALL_SERVICES } from './services';

/** Single-node mode: every service in this process, in-process bus, SQLite under ./data, demo LDIF directory. */
void runProcess('herald', ALL_SERVICES, { HERALD_BUS: 'memory', HERALD_STORE: 'sqlite', HERALD_DIRECTORY: 'ldif', HERALD_AUTHOR_SCOPES: 'herald-authors=engineering' }, (h) => {
  process.stdout.write(
    [
      '',
      `Herald is running (single-node mode) at ${h.url}`,
      `  Recipient web client: ${h.url}/        API: ${h.url}/api`,
      '  Demo directory (deploy/demo-directory.ldif), every password is "herald":',
      '    carol  — admin (may send)      alice, bob — developers ⊂ engineering ⊂ all-staff',
      '    erin   — operations ⊂ engineering      dave — all-staff only',
      '    frank  — author (may send to engineering)   grace — crisis (critical alerts)   heidi — auditor (read-only)',
      `  Try: curl -s -XPOST ${h.url}/api/auth/login -H 'content-type: application/json' -d '{"username":"carol","password":"herald"}'`,
      '',
    ].join('\n') + '\n',
  );
});
