import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '@herald/contracts';
import { checkEscalation, checkEscalationWindow } from './escalation-check';

const smtp = { SMTP_URL: 'smtp://mail:25' };
const policy = { afterMinutes: 30, email: true, manager: false };
const refused = (fn: () => void, status: number, field: string) =>
  assert.throws(fn, (err: unknown) => err instanceof DomainError && err.status === status && err.field === field && err.message.startsWith(`${field}: `));

test('no policy, nothing to check', () => {
  checkEscalation({ SMTP_URL: '' }, 'info', undefined);
  checkEscalationWindow(null, 0, '2026-01-01T00:00:00Z');
});

test('without SMTP an escalation is refused (422) when it is written, not when the emergency is under way', () => {
  refused(() => checkEscalation({ SMTP_URL: '' }, 'emergency', policy), 422, 'escalation');
  checkEscalation(smtp, 'emergency', policy);
});

test('only for alerts someone must settle', () => {
  refused(() => checkEscalation(smtp, 'warning', policy), 400, 'escalation');
  checkEscalation(smtp, 'critical', policy);
});

test('escalation comes after the last reminder and before the end of the window', () => {
  refused(() => checkEscalation(smtp, 'emergency', policy, { everyMinutes: 10, maxCount: 3 }), 400, 'escalation.afterMinutes');
  checkEscalation(smtp, 'emergency', policy, { everyMinutes: 10, maxCount: 2 });
  const start = Date.parse('2026-01-01T00:00:00Z');
  refused(() => checkEscalationWindow(policy, start, '2026-01-01T00:30:00Z'), 400, 'escalation.afterMinutes');
  checkEscalationWindow(policy, start, '2026-01-01T00:31:00Z');
});
