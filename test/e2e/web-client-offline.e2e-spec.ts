import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import request from 'supertest';
import { Browser } from 'playwright-core';
import { DEMO, deliveriesOf, DistributedHarness, eventually, launchChromium, login, newAlert, pngSize, Proc, screenshotDir, sendAlert, startDistributed, TcpSwitch } from '@herald/testing';

/**
 * Offline and back through another gateway: the browser keeps one address (a TCP switch standing in for the load
 * balancer); while it is cut off, three alerts are sent; it comes back through a different gateway process and shows
 * exactly the two that were not recalled meanwhile, once.
 */
describe('web client offline, then back through another gateway (distributed mode)', () => {
  let h: DistributedHarness;
  let gw2: Proc;
  let lb: TcpSwitch;
  let browser: Browser;

  before(async () => {
    h = await startDistributed();
    gw2 = await h.startAnother('gateway');
    lb = await TcpSwitch.start(h.gatewayUrl);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await lb?.close();
    await h?.close();
  });

  test('of three alerts sent while offline, one recalled meanwhile, the other two are shown exactly once after reconnecting elsewhere', async () => {
    const admin = await login(h.route, DEMO.admin);
    const erin = await login(h.route, 'erin');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Signed in earlier (sign-in itself is covered by the single-node test): the remembered session.
    await context.addInitScript((token) => {
      if (!localStorage.getItem('herald.session')) localStorage.setItem('herald.session', JSON.stringify({ token, username: 'erin', expiresAt: Date.now() + 3_600_000 }));
    }, erin);
    const page = await context.newPage();
    await page.goto(lb.url);
    await page.waitForSelector('#status[data-status=connected]');

    const toErin = (title: string) => newAlert({ title, audience: { users: ['erin'], groups: [] } });
    const before = await sendAlert(h.route, admin, toErin('Before the outage'));
    await page.locator(`#stack [data-occurrence="${before.occurrenceId}"] button.ack`).click();
    await eventually(async () => (await deliveriesOf(h.route, admin, before.id))[0].state === 'acknowledged', 10_000, 'first acknowledged');

    lb.offline();
    await page.waitForSelector('#status[data-status=offline]');
    const missed: Awaited<ReturnType<typeof sendAlert>>[] = [];
    for (const t of ['Missed one', 'Missed two', 'Missed three']) missed.push(await sendAlert(h.route, admin, toErin(t)));
    // Dispatch is asynchronous after the 202: wait for each delivery record before reading it.
    for (const m of missed) {
      const [d] = await eventually(async () => {
        const ds = await deliveriesOf(h.route, admin, m.id);
        return ds.length ? ds : null;
      }, 10_000, 'the delivery record');
      assert.equal(d.sentAt, null, 'nobody could receive it');
    }
    await request(h.route('/api/alerts')).post(`/api/alerts/${missed[1].id}/recall`).set('authorization', `Bearer ${admin}`).expect(202);
    await eventually(async () => (await deliveriesOf(h.route, admin, missed[1].id))[0].state === 'recalled', 10_000, 'the recall recorded');
    const remaining = [missed[0], missed[2]];

    lb.route(gw2.url);
    await page.waitForSelector('#status[data-status=connected]', { timeout: 90_000 });
    const cards = page.locator('#stack section.card');
    await eventually(async () => (await cards.count()) >= 2, 10_000, 'the missed alerts');
    await page.waitForTimeout(1_000); // room for a duplicate to appear, if the client let one through
    const shown = await cards.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.occurrence));
    assert.deepEqual(shown.sort(), remaining.map((m) => m.occurrenceId).sort(), 'exactly the two missed alerts that were not recalled, once each');

    // Another drop, back to the first gateway: it resends the two (still unacknowledged); none shows twice.
    lb.route(h.gatewayUrl);
    await page.waitForSelector('#status[data-status=offline]');
    await page.waitForSelector('#status[data-status=connected]', { timeout: 90_000 });
    await page.waitForTimeout(1_000);
    assert.equal(await cards.count(), 2, 'the resent alerts are recognised, not shown again');
    assert.equal(await page.locator('#inbox-list li').count(), 3, 'the inbox holds each alert once, and never the recalled one');

    // The second gateway served them: its instance is named in the receipts it passed on.
    for (const m of remaining) await eventually(async () => (await deliveriesOf(h.route, admin, m.id))[0].displayedAt, 10_000, 'displayed recorded');
    assert.equal((await deliveriesOf(h.route, admin, missed[1].id))[0].displayedAt, null, 'the recalled alert was never displayed');
    const audit = await request(h.route('/api/audit')).get(`/api/audit?alertId=${remaining[0].id}`).set('authorization', `Bearer ${admin}`).expect(200);
    const displayed = audit.body.entries.find((e: { action: string }) => e.action === 'delivery.displayed');
    assert.match(displayed.details.client, new RegExp(`^web .*via=\\S+:${gw2.child.pid}$`), `receipt came through the second gateway (${displayed.details.client})`);

    const path = join(screenshotDir(), 'erin-after-reconnect.png');
    await page.screenshot({ path });
    assert.deepEqual(pngSize(path), { width: 1280, height: 800 });
    await context.close();
  });
});
