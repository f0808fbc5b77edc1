import { test } from 'node:test';
import assert from 'node:assert/strict';
import { htmlToText } from './text';

test('htmlToText: markup removed, blocks separated, entities decoded, long bodies cut', () => {
  assert.equal(htmlToText('<p>Leave by the <b>nearest exit</b>.</p><ul><li>Stairs&nbsp;A</li><li>R&amp;D &#x2192; car park &#39;P2&#39;</li></ul>'), "Leave by the nearest exit. Stairs A R&D → car park 'P2'");
  assert.equal(htmlToText('<script>x()</script><style>p{}</style>ok &bogus; &#0;'), 'ok &bogus;');
  assert.equal(htmlToText('a'.repeat(400), 10), `${'a'.repeat(9)}…`);
});
