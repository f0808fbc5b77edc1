import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { chromium, Browser, Page } from 'playwright-core';
import { DeliveryView } from '@herald/contracts';
import { DEMO, eventually, Harness, login, newAlert, repoRoot, startSingleNode } from '@herald/testing';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The recipient web client in real Chromium: sign in, receive a pop-up card, acknowledge it. */
describe('web client in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  const shots = join(repoRoot(), '.test-output', 'screenshots');

  before(async () => {
    mkdirSync(shots, { recursive: true });
    h = await startSingleNode();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  async function signIn(user: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(h.gatewayUrl);
    await page.fill('#username', user);
    await page.fill('#password', DEMO.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#status:has-text("connected")');
    assert.equal(await page.isVisible('#login'), false, 'the sign-in form is gone once connected');
    return page;
  }

  test('a member sees the pop-up, an outsider does not; no script in the body runs; acknowledging is recorded', async () => {
    const wrong = await browser.newPage();
    await wrong.goto(h.gatewayUrl);
    await wrong.fill('#username', 'alice');
    await wrong.fill('#password', 'not-the-password');
    await wrong.click('button[type=submit]');
    await wrong.waitForSelector('#error:has-text("invalid username or password")');

    const alice = await signIn('alice');
    const dave = await signIn('dave');
    const dialogs: string[] = [];
    for (const p of [alice, dave]) p.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));

    const admin = await login(h.route, DEMO.admin);
    const body = '<p>Leave by the <b>nearest exit</b>.</p><img src=x onerror="alert(1)"><a href="javascript:alert(2)">x</a>';
    const created = await request(h.gatewayUrl).post('/api/alerts').set('authorization', `Bearer ${admin}`).send(newAlert({ body, severity: 'critical' })).expect(201);
    await request(h.gatewayUrl).post(`/api/alerts/${created.body.id}/send`).set('authorization', `Bearer ${admin}`).expect(202);

    const card = alice.locator('section.card[role=alertdialog]');
    await card.waitFor({ state: 'visible', timeout: 5_000 });
    assert.equal(await card.locator('h2').textContent(), 'Fire drill at 15:00');
    assert.equal(await card.locator('.body b').textContent(), 'nearest exit');
    const box = await card.boundingBox();
    assert.ok(box && box.width > 200 && box.height > 80, `the card is a visible pop-up (got ${JSON.stringify(box)})`);
    assert.equal(await alice.evaluate(() => document.activeElement?.textContent), 'Acknowledge', 'focus moves to a critical alert');
    await alice.screenshot({ path: join(shots, 'alice-popup.png') });

    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await dave.locator('section.card').count(), 0, 'dave is not in engineering');
    assert.deepEqual(dialogs, [], 'no script from the alert body ran');

    await card.locator('button:has-text("Acknowledge")').click();
    await card.waitFor({ state: 'detached' });
    await eventually(async () => {
      const res = await request(h.gatewayUrl).get(`/api/alerts/${created.body.id}/deliveries`).set('authorization', `Bearer ${admin}`).expect(200);
      const a = res.body.deliveries.find((d: DeliveryView) => d.userId === 'alice');
      return a?.state === 'acknowledged' && a.deliveredAt && a.displayedAt;
    }, 5_000, "alice's acknowledgement to be recorded");

    // Reloading the page (session remembered) does not show the acknowledged alert again.
    await alice.reload();
    await alice.waitForSelector('#status:has-text("connected")');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await alice.locator('section.card').count(), 0);
  });
});
