import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, csvRow } from './csv';

describe('CSV cells', () => {
  test('plain values pass through; null and undefined are empty', () => {
    assert.equal(csvCell('carol'), 'carol');
    assert.equal(csvCell(42), '42');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(undefined), '');
  });

  test('quotes, commas and newlines are quoted, inner quotes doubled', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('line1\nline2'), '"line1\nline2"');
    assert.equal(csvCell('cr\rhere'), '"cr\rhere"');
  });

  test('text a spreadsheet would run as a formula is defused with a leading apostrophe', () => {
    assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    assert.equal(csvCell('+1+2'), "'+1+2");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\tcmd'), "'\tcmd");
    assert.equal(csvCell('a=b'), 'a=b', 'only a leading sign is dangerous');
    assert.equal(csvCell(-5), '-5', 'numbers are data, not formulas');
  });

  test('objects become JSON, quoted as needed; rows end with CRLF', () => {
    assert.equal(csvCell({ a: 1, b: 'x' }), '"{""a"":1,""b"":""x""}"');
    assert.equal(csvRow(['a', 'b,c', null]), 'a,"b,c",\r\n');
  });
});
