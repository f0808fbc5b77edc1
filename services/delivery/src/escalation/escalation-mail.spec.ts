import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mailBodyHtml, mailBodyText, managerDigest, recipientMail } from './escalation-mail';

const alert = { title: 'Fire\r\nBcc: evil@x <now>', body: '<p>Leave &amp; go <b>now</b>.</p><p><img src="https://t.example/px.gif"><a href="javascript:alert(1)">x</a><a href="https://map">map</a></p>', severity: 'emergency', sentAt: '2026-01-01T10:00:00.000Z', link: 'https://herald.example.com' };

test('a recipient mail: one-line subject, escaped title, sanitised body without images or scripts, the link to answer', () => {
  const m = recipientMail(alert, { displayName: 'Bob <Brown>' });
  assert.equal(m.subject, '[EMERGENCY] Fire Bcc: evil@x <now>: your answer is needed');
  assert.doesNotMatch(m.subject, /[\r\n]/);
  assert.match(m.html, /<p>Bob &lt;Brown&gt;,<\/p>/);
  assert.match(m.html, /<h2>Fire Bcc: evil@x &lt;now&gt;<\/h2>/);
  assert.doesNotMatch(m.html, /<img|javascript:/);
  assert.match(m.html, /<a href="https:\/\/map">map<\/a>/);
  assert.match(m.html, /<a href="https:\/\/herald\.example\.com">Open Herald to answer<\/a>/);
  assert.match(m.text, /^Bob <Brown>,\n/);
  assert.match(m.text, /Leave & go now\./);
  assert.match(m.text, /Open Herald to answer: https:\/\/herald\.example\.com/);
});

test('no link when the public address is unknown', () => {
  const m = recipientMail({ ...alert, link: undefined }, { displayName: 'Bob' });
  assert.doesNotMatch(m.text, /Open Herald/);
  assert.doesNotMatch(m.html, /Open Herald/);
});

test('a manager digest lists each report once, sorted, with how to reach them: mail, phone, department, location', () => {
  const m = managerDigest(alert, { displayName: 'Erin' }, [
    { id: 'zoe', displayName: 'Zoe <Z>', mail: 'zoe@x', phone: '+33 1 99 00 00 25 (ext. <2>)', location: 'Paris' },
    { id: 'bob', displayName: 'Bob', department: 'Sales' },
    { id: 'amy', displayName: 'Amy', phone: '☎ 内線 42\r\nBcc: x', department: 'R&D', location: 'Lyon' },
  ]);
  assert.match(m.subject, /: 3 of your reports have not answered$/);
  assert.match(m.text, /- Amy \(amy\): ☎ 内線 42 Bcc: x, R&D, Lyon\n- Bob \(bob\): Sales\n- Zoe <Z> \(zoe\): zoe@x, \+33 1 99 00 00 25 \(ext\. <2>\), Paris\n/);
  assert.match(m.html, /<li>Amy \(amy\): ☎ 内線 42 Bcc: x, R&amp;D, Lyon<\/li><li>Bob \(bob\): Sales<\/li><li>Zoe &lt;Z&gt; \(zoe\): zoe@x, \+33 1 99 00 00 25 \(ext\. &lt;2&gt;\), Paris<\/li>/);
});

test('body text: blocks become lines, entities are decoded once', () => {
  assert.equal(mailBodyText('<p>a &amp;lt; b</p><ul><li>one</li><li>two</li></ul>x<br>y'), 'a &lt; b\none\ntwo\nx\ny');
  assert.equal(mailBodyHtml('<p onclick="x()">hi<style>p{}</style></p>'), '<p>hi</p>');
});
