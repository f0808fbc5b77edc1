import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import request from 'supertest';
import { Browser, Page } from 'playwright-core';
import { DEMO, deliveriesOf, eventually, Harness, launchChromium, login, newAlert, pngSize, screenshotDir, sendAlert, startSingleNode } from '@herald/testing';

const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

/** The recipient web client in real Chromium: sign-in, the three presentations, acknowledgement, inbox, languages. */
describe('web client in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let admin: string;
  const shots = screenshotDir();

  before(async () => {
    h = await startSingleNode();
    // Sound is part of the takeover; headless Chromium would otherwise wait for a user gesture before playing.
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    admin = await login(h.route, DEMO.admin);
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  async function signIn(user: string, locale = 'en-GB'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
    const page = await context.newPage();
    await page.goto(h.gatewayUrl);
    await page.fill('#username', user);
    await page.fill('#password', DEMO.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-status=connected]');
    assert.equal(await page.isVisible('#login'), false, 'the sign-in form is gone once connected');
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    const path = join(shots, name);
    await page.screenshot({ path });
    assert.deepEqual(pngSize(path), { width: 1280, height: 800 }, `${name} is a full-page screenshot`);
  }

  const toAlice = (o: Record<string, unknown>) => newAlert({ audience: { users: ['alice'], groups: [] }, ...o });

  test('pop-ups stack newest on top, the ticker runs across the top, a full-screen alert takes focus and sound; all acknowledged', async () => {
    const wrong = await browser.newPage();
    await wrong.goto(h.gatewayUrl);
    await wrong.fill('#username', 'alice');
    await wrong.fill('#password', 'not-the-password');
    await wrong.click('button[type=submit]');
    await wrong.waitForSelector('#error:has-text("invalid username or password")');
    await wrong.close();

    const alice = await signIn('alice');
    const dave = await signIn('dave');
    const errors: string[] = [];
    alice.on('pageerror', (e) => errors.push(e.message));

    const older = await sendAlert(h.route, admin, toAlice({ title: 'Older pop-up', body: `<p>See <a href="https://intranet.example/drill">the plan</a></p><p><img src="${PIXEL}" alt="map" width="40" height="40"></p>` }));
    await alice.locator(`#stack [data-occurrence="${older.occurrenceId}"]`).waitFor();
    const newer = await sendAlert(h.route, admin, toAlice({ title: 'Newer pop-up', severity: 'info' }));
    const ticker = await sendAlert(h.route, admin, toAlice({ title: 'Canteen closed today', body: '<p>Use the cafe on floor 2.</p>', severity: 'info', presentation: 'ticker' }));
    const full = await sendAlert(h.route, admin, toAlice({ title: 'Evacuate building B', body: '<p>Leave <b>now</b> by the stairs.</p>', severity: 'critical', presentation: 'fullscreen' }));

    // Full screen: covers the viewport, is a modal alertdialog, has focus and rang.
    const takeover = alice.locator('#takeover');
    await takeover.waitFor({ state: 'visible' });
    assert.equal(await takeover.getAttribute('role'), 'alertdialog');
    assert.equal(await takeover.getAttribute('aria-modal'), 'true');
    assert.equal(await takeover.locator('h2').textContent(), 'Evacuate building B');
    assert.deepEqual(await takeover.boundingBox(), { x: 0, y: 0, width: 1280, height: 800 }, 'the takeover covers the whole viewport');
    assert.equal(await alice.evaluate(() => document.getElementById('takeover')!.contains(document.activeElement)), true, 'focus moved into the takeover');
    await eventually(() => alice.evaluate(() => document.body.dataset.sound), 5_000, 'the alarm tone');
    assert.equal(await alice.evaluate(() => document.body.dataset.sound), 'played');
    await shot(alice, 'alice-fullscreen.png');

    // Keyboard: Tab stays inside the takeover; Enter on the button acknowledges it.
    for (let i = 0; i < 4; i++) {
      await alice.keyboard.press('Tab');
      assert.equal(await alice.evaluate(() => document.getElementById('takeover')!.contains(document.activeElement)), true, 'focus is trapped in the takeover');
    }
    await takeover.locator('button.ack').focus();
    await alice.keyboard.press('Enter');
    await takeover.waitFor({ state: 'hidden' });

    // Pop-ups: two cards, the newest above the older one; the link opens a new tab, the image shows.
    const cards = alice.locator('#stack section.card[role=alertdialog]');
    await eventually(async () => (await cards.count()) === 2, 5_000, 'two cards');
    const newerBox = (await alice.locator(`#stack [data-occurrence="${newer.occurrenceId}"]`).boundingBox())!;
    const olderBox = (await alice.locator(`#stack [data-occurrence="${older.occurrenceId}"]`).boundingBox())!;
    assert.ok(newerBox.y + newerBox.height <= olderBox.y, `newest on top (newer ${JSON.stringify(newerBox)}, older ${JSON.stringify(olderBox)})`);
    assert.ok(olderBox.width > 300 && olderBox.height > 100, 'a readable card');
    const link = alice.locator(`#stack [data-occurrence="${older.occurrenceId}"] a`);
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    const img = alice.locator(`#stack [data-occurrence="${older.occurrenceId}"] img`);
    assert.equal(await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), 1, 'the image loaded');

    // Ticker: a band across the top of the page, text moving.
    const band = alice.locator(`#ticker [data-occurrence="${ticker.occurrenceId}"]`);
    await band.waitFor();
    const bandBox = (await alice.locator('#ticker').boundingBox())!;
    assert.equal(bandBox.y, 0);
    assert.equal(bandBox.width, 1280, 'the ticker spans the page');
    assert.match((await band.textContent())!, /Canteen closed today — Use the cafe on floor 2\./);
    assert.notEqual(await band.locator('.text').evaluate((t) => getComputedStyle(t).animationName), 'none', 'the ticker text scrolls');
    await shot(alice, 'alice-popups-and-ticker.png');

    // Inbox lists all four with their state.
    assert.equal(await alice.locator('#inbox-list li').count(), 4);
    assert.equal(await alice.locator(`#inbox-list li[data-occurrence="${full.occurrenceId}"] .state`).textContent(), 'acknowledged');
    assert.equal(await alice.locator(`#inbox-list li[data-occurrence="${newer.occurrenceId}"] .state`).textContent(), 'seen');

    // Acknowledge the rest: a card by click, the ticker by keyboard, the older card from the inbox.
    await alice.locator(`#stack [data-occurrence="${newer.occurrenceId}"] button.ack`).click();
    await band.locator('button.ack').focus();
    await alice.keyboard.press('Enter');
    await alice.locator(`#inbox-list li[data-occurrence="${older.occurrenceId}"] button.ack`).click();
    await eventually(async () => (await alice.locator('#stack > *, #ticker > *').count()) === 0, 5_000, 'every presentation removed');
    assert.equal(await alice.isVisible('#ticker'), false);

    for (const a of [older, newer, ticker, full]) {
      await eventually(async () => {
        const [d] = await deliveriesOf(h.route, admin, a.id);
        return d.state === 'acknowledged' && d.deliveredAt && d.displayedAt;
      }, 5_000, `acknowledgement of ${a.occurrenceId}`);
    }
    assert.equal(await dave.locator('#stack > *, #ticker > *, #takeover:visible').count(), 0, 'dave got none of them');
    assert.deepEqual(errors, []);

    // The session is remembered across a reload; acknowledged alerts do not come back, the inbox does.
    await alice.reload();
    await alice.waitForSelector('#status[data-status=connected]');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await alice.locator('#stack > *, #ticker > *').count(), 0);
    assert.equal(await alice.isVisible('#takeover'), false);
    assert.equal(await alice.locator('#inbox-list li .state:text-is("acknowledged")').count(), 4);

    // The page as the desktop agent opens it for one alert: that entry is marked and focused.
    await alice.goto(`${h.gatewayUrl}/#alert=${encodeURIComponent(newer.occurrenceId)}`);
    const linked = alice.locator(`#inbox-list li.target[data-occurrence="${newer.occurrenceId}"]`);
    await linked.waitFor();
    assert.equal(await linked.evaluate((e) => e === document.activeElement), true);
  });

  test('"Remind me in 10 min" puts an info card away (recorded, not pending on reload); a critical card has no such button', async () => {
    const page = await signIn('erin');
    const toErin = (o: Record<string, unknown>) => newAlert({ audience: { users: ['erin'], groups: [] }, ...o });
    const info = await sendAlert(h.route, admin, toErin({ title: 'Coffee machine repaired', severity: 'info' }));
    const critical = await sendAlert(h.route, admin, toErin({ title: 'Server room overheating', severity: 'critical' }));
    const infoCard = page.locator(`#stack [data-occurrence="${info.occurrenceId}"]`);
    const criticalCard = page.locator(`#stack [data-occurrence="${critical.occurrenceId}"]`);
    await infoCard.waitFor();
    await criticalCard.waitFor();
    assert.equal(await criticalCard.locator('button.snooze').count(), 0, 'critical alerts cannot be snoozed');
    assert.equal(await infoCard.locator('button.snooze').textContent(), 'Remind me in 10 min');
    await infoCard.locator('button.snooze').click();
    await infoCard.waitFor({ state: 'detached' });
    await eventually(async () => {
      const res = await request(h.route('/api/audit')).get(`/api/audit?alertId=${info.id}`).set('authorization', `Bearer ${admin}`).expect(200);
      return res.body.entries.some((e: { action: string; actor: string }) => e.action === 'delivery.snoozed' && e.actor === 'erin');
    }, 5_000, 'the snooze recorded');
    await page.reload();
    await page.waitForSelector('#status[data-status=connected]');
    await criticalCard.waitFor();
    await page.waitForTimeout(500);
    assert.equal(await infoCard.count(), 0, 'a snoozed alert is not pending until its time is up');
    // Leave erin with nothing pending for the tests after this one.
    await criticalCard.locator('button.ack').click();
    await eventually(async () => (await deliveriesOf(h.route, admin, critical.id))[0].state === 'acknowledged', 5_000, 'critical acknowledged');
    await page.context().close();
  });

  test('a system notification is raised while the tab is hidden, not while it is visible; text is readable', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['notifications'], { origin: h.gatewayUrl });
    // Headless tabs are never hidden and have no notification centre: the page's visibility is steered by a flag,
    // and Notification is wrapped to record what the page asked the OS to show.
    await context.addInitScript(() => {
      const w = window as unknown as { __hidden: boolean; __notified: string[] };
      w.__hidden = false;
      w.__notified = [];
      Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (w.__hidden ? 'hidden' : 'visible') });
      const Real = window.Notification;
      class Recorded extends Real {
        constructor(title: string, opts?: NotificationOptions) {
          super(title, opts);
          w.__notified.push(`${title} | ${opts?.body ?? ''}`);
        }
      }
      Object.defineProperty(window, 'Notification', { value: Recorded });
    });
    const page = await context.newPage();
    await page.goto(h.gatewayUrl);
    await page.fill('#username', 'bob');
    await page.fill('#password', DEMO.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-status=connected]');
    assert.equal(await page.isVisible('#notify'), false, 'no permission prompt once granted');

    const toBob = (title: string) => newAlert({ title, body: '<p>Details <b>inside</b>.</p>', audience: { users: ['bob'], groups: [] } });
    const seen = await sendAlert(h.route, admin, toBob('While looking'));
    await page.locator(`#stack [data-occurrence="${seen.occurrenceId}"]`).waitFor();
    await page.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = true));
    const away = await sendAlert(h.route, admin, toBob('While away'));
    await page.locator(`#stack [data-occurrence="${away.occurrenceId}"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __notified: string[] }).__notified), ['While away | Details inside.']);

    // WCAG AA: text at least 4.5:1 against its background, for the card, its button, the header and the inbox.
    const ratios = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const bg = (e: Element): string => {
        for (let n: Element | null = e; n; n = n.parentElement) {
          const c = getComputedStyle(n).backgroundColor;
          if (c && !/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') return c;
        }
        return 'rgb(255, 255, 255)';
      };
      return ['#stack .card h2', '#stack .card .body', '#stack .card button.ack', 'header strong', '#status', '#inbox-list li strong', '#inbox-list .meta'].map((sel) => {
        const e = document.querySelector(sel)!;
        const [a, b] = [lum(getComputedStyle(e).color), lum(bg(e))].sort((x, y) => y - x);
        return [sel, Math.round(((a + 0.05) / (b + 0.05)) * 10) / 10] as const;
      });
    });
    for (const [sel, ratio] of ratios) assert.ok(ratio >= 4.5, `${sel}: contrast ${ratio}:1`);
    await context.close();
  });

  test('French browsers get French strings; the composer refuses full screen for a non-critical alert, naming the field', async () => {
    const erin = await signIn('erin', 'fr-FR');
    assert.equal(await erin.locator('html').getAttribute('lang'), 'fr');
    assert.equal(await erin.locator('#status').textContent(), 'connecté');
    await sendAlert(h.route, admin, newAlert({ title: 'Exercice incendie', audience: { users: ['erin'], groups: [] } }));
    const ack = erin.locator('#stack section.card button.ack');
    await ack.waitFor();
    assert.equal(await ack.textContent(), 'Confirmer la lecture');
    assert.equal(await erin.locator('#stack .sev').textContent(), 'Avertissement');

    const res = await request(h.gatewayUrl).post('/api/alerts').set('authorization', `Bearer ${admin}`).send(newAlert({ severity: 'warning', presentation: 'fullscreen' })).expect(400);
    assert.match(JSON.stringify(res.body), /presentation/);
  });

  test('"Do not disturb": a pause holds an info card back while a critical one shows; turning it off brings it; quiet hours use the browser zone', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    await page.goto(h.gatewayUrl);
    await page.fill('#username', 'dave');
    await page.fill('#password', DEMO.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-status=connected]');
    const dave = await login(h.route, 'dave');
    const settings = async () => (await request(h.gatewayUrl).get('/api/me/do-not-disturb').set('authorization', `Bearer ${dave}`).expect(200)).body;
    await page.waitForSelector('#dnd-state:has-text("off")');

    await page.click('#dnd summary');
    await page.selectOption('#dnd-until', '60');
    await page.click('#dnd-form button[type=submit]');
    await page.waitForSelector('#dnd-message:has-text("Saved.")');
    assert.match((await page.locator('#dnd-state').textContent()) ?? '', /^on until /);
    const on = await settings();
    assert.equal(on.active, true);
    assert.ok(Math.abs(Date.parse(on.until) - Date.now() - 3_600_000) < 60_000, `about an hour: ${on.until}`);
    await shot(page, 'dave-do-not-disturb.png');

    const toDave = (o: Record<string, unknown>) => newAlert({ audience: { users: ['dave'], groups: [] }, ...o });
    const info = await sendAlert(h.route, admin, toDave({ title: 'Cake in the kitchen', severity: 'info' }));
    const critical = await sendAlert(h.route, admin, toDave({ title: 'Server room flooding', severity: 'critical' }));
    await page.locator(`#stack [data-occurrence="${critical.occurrenceId}"]`).waitFor();
    await eventually(async () => (await deliveriesOf(h.route, admin, info.id)).find((d) => d.userId === 'dave')?.heldUntil === on.until, 5_000, 'the info alert held until the end of the pause');
    assert.equal(await page.locator(`#stack [data-occurrence="${info.occurrenceId}"]`).count(), 0, 'held back');

    await page.selectOption('#dnd-until', '');
    await page.click('#dnd-form button[type=submit]');
    await page.locator(`#stack [data-occurrence="${info.occurrenceId}"]`).waitFor();
    await page.waitForSelector('#dnd-state:has-text("off")');

    await page.check('#dnd-quiet');
    await page.fill('#dnd-from', '19:30');
    await page.fill('#dnd-to', '07:15');
    await page.uncheck('#dnd-days input[value=fri]');
    await page.click('#dnd-form button[type=submit]');
    await page.waitForSelector('#dnd-message:has-text("Saved.")');
    assert.deepEqual((await settings()).quietHours, { days: ['mon', 'tue', 'wed', 'thu'], from: '19:30', to: '07:15', timezone: 'Europe/Paris' });
    await page.reload();
    await page.waitForSelector('#status[data-status=connected]');
    await eventually(() => page.locator('#dnd-quiet').isChecked(), 5_000, 'the saved settings read back into the form');
    assert.equal(await page.inputValue('#dnd-from'), '19:30');
    await request(h.gatewayUrl).put('/api/me/do-not-disturb').set('authorization', `Bearer ${dave}`).send({}).expect(200);
    await context.close();
  });

  test('the page is served with a strict CSP (no inline script) and the PWA files are there', async () => {
    const page = await request(h.gatewayUrl).get('/').expect(200);
    const csp = page.headers['content-security-policy'];
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.doesNotMatch(page.text, /<script>(?!<\/script>)/, 'no inline script in the page');
    const manifest = await request(h.gatewayUrl).get('/manifest.webmanifest').expect(200).expect('content-type', /manifest\+json/);
    assert.equal(JSON.parse(manifest.text).start_url, '/');
    await request(h.gatewayUrl).get('/sw.js').expect(200).expect('content-type', /javascript/);
    await request(h.gatewayUrl).get('/app.js').expect(200).expect('content-type', /javascript/);

    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(h.gatewayUrl);
    const sw = await p.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.scriptURL));
    assert.equal(sw, `${h.gatewayUrl}/sw.js`, 'the service worker is installed');
    const cached = await p.evaluate(() => caches.open('herald-shell-v1').then((c) => c.keys()).then((k) => k.map((r) => new URL(r.url).pathname).sort()));
    assert.deepEqual(cached, ['/', '/app.css', '/app.js', '/icon.svg', '/manifest.webmanifest']);
    await context.close();
  });
});
