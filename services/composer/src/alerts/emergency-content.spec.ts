import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presentationFor } from './emergency-content';

test('an emergency always takes over the screen and offers the default answers when none were given', () => {
  assert.deepEqual(presentationFor({ severity: 'emergency', presentation: 'popup' }), {
    presentation: 'fullscreen',
    responses: [
      { id: 'safe', label: 'I am safe' },
      { id: 'help', label: 'I need help' },
    ],
  });
});

test("an emergency keeps its sender's own answers", () => {
  const responses = [{ id: 'out', label: 'I am outside' }];
  assert.deepEqual(presentationFor({ severity: 'emergency', presentation: 'ticker', responses }), { presentation: 'fullscreen', responses });
});

test('other severities keep their presentation, and answers only when given', () => {
  assert.deepEqual(presentationFor({ severity: 'info', presentation: 'ticker' }), { presentation: 'ticker' });
  const responses = [{ id: 'yes', label: 'Coming' }];
  assert.deepEqual(presentationFor({ severity: 'warning', presentation: 'popup', responses }), { presentation: 'popup', responses });
});
