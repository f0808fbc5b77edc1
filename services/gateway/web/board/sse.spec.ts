import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from './sse';

test('events cut at any point come out whole, in order; comments and unknown fields are skipped', () => {
  const stream = ': keep-alive\n\nevent: summary\ndata: {"a":1}\n\nid: 7\nevent: error\ndata: {"message":"x"}\n\ndata: plain\n\n';
  for (let cut = 0; cut <= stream.length; cut++) {
    const p = new SseParser();
    const got = [...p.feed(stream.slice(0, cut)), ...p.feed(stream.slice(cut))];
    assert.deepEqual(got, [
      { event: 'summary', data: '{"a":1}' },
      { event: 'error', data: '{"message":"x"}' },
      { event: 'message', data: 'plain' },
    ], `cut at ${cut}`);
  }
});

test('CRLF line ends and multi-line data are understood; an unfinished event waits for its blank line', () => {
  const p = new SseParser();
  assert.deepEqual(p.feed('event: summary\r\ndata: line1\r\ndata:line2\r\n'), []);
  assert.deepEqual(p.feed('\r\n'), [{ event: 'summary', data: 'line1\nline2' }]);
});
