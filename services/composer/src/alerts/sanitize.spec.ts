import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizeAlertBody } from './sanitize';

describe('sanitizeAlertBody', () => {
  test('removes <script> and its content', () => {
    assert.equal(sanitizeAlertBody('<p>hi<script>alert(1)</script></p>'), '<p>hi</p>');
    assert.equal(sanitizeAlertBody('<SCRIPT src="https://evil.example/x.js"></SCRIPT>ok'), 'ok');
  });

  test('removes event handlers', () => {
    assert.equal(sanitizeAlertBody('<img src="https://x.example/a.png" onerror="alert(1)" alt="a">'), '<img src="https://x.example/a.png" alt="a" />');
    assert.equal(sanitizeAlertBody('<b onmouseover="alert(1)">b</b>'), '<b>b</b>');
    assert.equal(sanitizeAlertBody('<svg onload=alert(1)><circle/></svg>x'), 'x');
  });

  test('removes javascript:, data: and protocol-relative hrefs', () => {
    assert.equal(sanitizeAlertBody('<a href="javascript:alert(1)">x</a>'), '<a target="_blank" rel="noopener noreferrer">x</a>');
    assert.equal(sanitizeAlertBody('<a href="JaVaScRiPt:alert(1)">x</a>'), '<a target="_blank" rel="noopener noreferrer">x</a>');
    assert.equal(sanitizeAlertBody('<a href="java&#x09;script:alert(1)">x</a>'), '<a target="_blank" rel="noopener noreferrer">x</a>');
    assert.equal(sanitizeAlertBody('<a href="data:text/html,<script>alert(1)</script>">x</a>'), '<a target="_blank" rel="noopener noreferrer">x</a>');
    assert.equal(sanitizeAlertBody('<a href="//evil.example">x</a>'), '<a target="_blank" rel="noopener noreferrer">x</a>');
    assert.equal(sanitizeAlertBody('<img src="javascript:alert(1)">'), '<img />');
  });

  test('removes style attributes and <style> elements', () => {
    assert.equal(sanitizeAlertBody('<p style="position:fixed;top:0">x</p><style>p{display:none}</style>'), '<p>x</p>');
  });

  test('removes iframes, objects, forms and unlisted tags (keeping text)', () => {
    assert.equal(sanitizeAlertBody('<iframe src="https://evil.example"></iframe>ok'), 'ok');
    assert.equal(sanitizeAlertBody('<object data="https://evil.example/x.swf"></object><embed src="x">ok'), 'ok');
    assert.equal(sanitizeAlertBody('<form action="https://evil.example"><input name="p"><button>go</button></form>'), 'go');
    assert.equal(sanitizeAlertBody('<div class="x">d</div><span id="y">s</span><h1>big</h1>'), 'dsbig');
  });

  test('keeps the allowed formatting', () => {
    const html = '<p>p</p><b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ul><li>1</li></ul><ol><li>2</li></ol><h3>h3</h3><h4>h4</h4><blockquote>q</blockquote><code>c</code>';
    assert.equal(sanitizeAlertBody(html), html);
    assert.equal(sanitizeAlertBody('a<br>b'), 'a<br />b');
  });

  test('https links keep href and title and open in a new tab with rel=noopener', () => {
    assert.equal(
      sanitizeAlertBody('<a href="https://intranet.example/drill" title="Plan" onclick="x()" class="c">plan</a>'),
      '<a href="https://intranet.example/drill" title="Plan" target="_blank" rel="noopener noreferrer">plan</a>',
    );
    // a caller-supplied target/rel cannot weaken it
    assert.equal(
      sanitizeAlertBody('<a href="https://intranet.example/" target="_self" rel="opener">x</a>'),
      '<a href="https://intranet.example/" target="_blank" rel="noopener noreferrer">x</a>',
    );
    assert.equal(sanitizeAlertBody('<a href="mailto:it@example.com">mail</a>'), '<a href="mailto:it@example.com" target="_blank" rel="noopener noreferrer">mail</a>');
  });

  test('keeps https and data images with alt/width/height; drops http images and other attributes', () => {
    assert.equal(
      sanitizeAlertBody('<img src="https://cdn.example/map.png" alt="map" width="300" height="200" class="x">'),
      '<img src="https://cdn.example/map.png" alt="map" width="300" height="200" />',
    );
    assert.equal(sanitizeAlertBody('<img src="data:image/png;base64,iVBORw0KGgo=" alt="d">'), '<img src="data:image/png;base64,iVBORw0KGgo=" alt="d" />');
    assert.equal(sanitizeAlertBody('<img src="http://cdn.example/map.png" alt="m">'), '<img alt="m" />');
  });

  test('text is escaped, not interpreted', () => {
    assert.equal(sanitizeAlertBody('1 < 2 & "q"'), '1 &lt; 2 &amp; "q"');
  });
});
