import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presentationOf, requiresAnswer, responseOptions } from './presentation';

const safe = [
  { id: 'safe', label: 'I am safe' },
  { id: 'help', label: 'I need help' },
];

test('an emergency always takes over the screen, whatever presentation it carries', () => {
  assert.equal(presentationOf({ severity: 'emergency', presentation: 'ticker' }), 'fullscreen');
  assert.equal(presentationOf({ severity: 'critical', presentation: 'fullscreen' }), 'fullscreen');
  assert.equal(presentationOf({ severity: 'info', presentation: 'fullscreen' }), 'popup');
});

test('only an emergency with answers must be answered; options come from the alert', () => {
  assert.equal(requiresAnswer({ severity: 'emergency', responses: safe }), true);
  assert.equal(requiresAnswer({ severity: 'critical', responses: safe }), false);
  assert.equal(requiresAnswer({ severity: 'emergency' }), false, 'an emergency without options (an old server) can still be acknowledged');
  assert.deepEqual(responseOptions({ responses: safe }), safe);
  assert.deepEqual(responseOptions({}), []);
});
