import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import request from 'supertest';
import { build } from 'esbuild';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO, DEMO_LDIF, eventually, Harness, launchChromium, login, newAlert, pngSize, Recipient, repoRoot, screenshotDir, sendAlert, startSingleNode } from '@herald/testing';

/** Directory text that would run if the board ever put it into the page as markup. */
const XSS_NAME = '<img src=x onerror="window.__xss=1">Mallory';
const XSS_DEPARTMENT = '<script>window.__xss=1</script>Security';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The demo directory plus mallory, whose display name and department are script payloads (base64 in LDIF: they start with "<"). */
function directoryWithMallory(dir: string): string {
  const demo = readFileSync(DEMO_LDIF(), 'utf8');
  const password = /^dn: uid=dave,[\s\S]*?^userPassword: (.*)$/m.exec(demo)![1];
  const mallory = ['dn: uid=mallory,ou=people,dc=example,dc=com', 'objectClass: inetOrgPerson', 'uid: mallory', 'cn: Mallory', 'sn: M', `displayName:: ${b64(XSS_NAME)}`, 'mail: mallory@example.com', `departmentNumber:: ${b64(XSS_DEPARTMENT)}`, 'l: Lyon', 'manager: uid=carol,ou=people,dc=example,dc=com', `userPassword: ${password}`];
  const file = join(dir, 'directory.ldif');
  writeFileSync(file, `${demo}\n${mallory.join('\n')}\n`);
  return file;
}

type Summary = { recipients: number; byState: Record<string, number>; byResponse: { id: string; count: number }[]; unanswered: { userId: string }[]; needHelp: { userId: string }[] };

/**
 * The crisis board (/board) in Chromium, against single-node Herald: a crisis user picks the emergency, recipients
 * (two in the web client, two on raw Socket.IO, one offline) answer, and the board follows to the exact numbers;
 * directory text is never markup; a recipient-only account is refused; the all clear from the board takes the
 * emergency off the recipients' screens.
 */
describe('crisis board in Chromium', () => {
  let h: Harness;
  let dir: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: Recipient[] = [];
  const shots = screenshotDir();
  const api = (path: string) => request(h.route(path));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-board-'));
    h = await startSingleNode({ DIRECTORY_LDIF: directoryWithMallory(dir) });
    browser = await launchChromium();
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string, user: string, ready: string, locale = 'en-GB'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${h.gatewayUrl}${path}`);
    await page.fill('#username', user);
    await page.fill('#password', DEMO.password);
    await page.click('#login button[type=submit]');
    await page.waitForSelector(ready);
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    const path = join(shots, name);
    await page.screenshot({ path });
    assert.deepEqual(pngSize(path), { width: 1280, height: 800 });
  }

  /** What the board shows: every count by its key, and the user ids of each list. */
  const shown = (page: Page) =>
    page.evaluate(() => ({
      counts: Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement>('[data-count]')).map((e) => [e.dataset.count!, Number(e.querySelector('dd')!.textContent)])),
      help: Array.from(document.querySelectorAll<HTMLElement>('#help-table tbody tr')).map((r) => r.dataset.user),
      open: Array.from(document.querySelectorAll<HTMLElement>('#open-table tbody tr')).map((r) => r.dataset.user),
      progress: document.getElementById('progress-text')!.textContent,
      live: document.getElementById('live-summary')!.textContent,
    }));

  /** The board's numbers are the server's, to the unit. */
  function expected(s: Summary) {
    return {
      counts: { ...Object.fromEntries(s.byResponse.map((r) => [`answer-${r.id}`, r.count])), 'answer-none': s.unanswered.length, ...Object.fromEntries(Object.entries(s.byState).map(([k, v]) => [`state-${k}`, v])) },
      help: s.needHelp.map((u) => u.userId),
      open: s.unanswered.map((u) => u.userId),
    };
  }

  test('a crisis user watches an emergency live: answers, need help first, not answered with directory details, then all clear', async () => {
    const grace = await login(h.route, DEMO.crisis);
    const board = await open('/board', DEMO.crisis, '#picker:not([hidden])');
    const errors: string[] = [];
    board.on('pageerror', (e) => errors.push(e.message));
    assert.equal(await board.isVisible('#picker-empty'), true, 'no emergency yet');

    // alice and dave in the web client; bob and mallory on raw sockets; erin offline.
    const alice = await open('/', 'alice', '#status[data-status=connected]');
    const dave = await open('/', 'dave', '#status[data-status=connected]');
    for (const u of ['bob', 'mallory']) sockets.push(await Recipient.connect(h.gatewayUrl, await login(h.route, u)));
    const [bob, mallory] = sockets;
    const sent = await sendAlert(h.route, grace, newAlert({ severity: 'emergency', title: 'Fire in building A', audience: { users: ['alice', 'bob', 'dave', 'erin', 'mallory'], groups: [] } }));
    await alice.waitForSelector('#takeover:not([hidden]) button[data-option=safe]');
    await dave.waitForSelector('#takeover:not([hidden])');
    await eventually(() => bob.alerts.length === 1 && mallory.alerts.length === 1, 5_000, 'bob and mallory to receive it');

    // The crisis user picks it from the list of recent emergencies (re-read while it is on screen: no reload).
    await board.click(`#alert-list li[data-alert="${sent.id}"] a`);
    await board.waitForSelector('#stream-status[data-status=live]');
    assert.equal(new URL(board.url()).hash, `#${sent.id}`, 'the board of one alert has its own URL');
    assert.equal(await board.textContent('#board-title'), 'Fire in building A');
    await board.waitForFunction(() => document.querySelector('[data-count=answer-none] dd')?.textContent === '5');

    // Answers: alice clicks "I am safe" on her screen; bob asks for help with a comment.
    await alice.click('#takeover button[data-option=safe]');
    assert.deepEqual(await bob.respond(sent.occurrenceId, 'help', 'stuck on floor 3'), { ok: true });
    await board.waitForFunction(() => document.querySelector('[data-count=answer-help] dd')?.textContent === '1' && document.querySelector('[data-count=answer-safe] dd')?.textContent === '1');
    const summary = await eventually(async () => {
      const s = (await api('/api/alerts').get(`/api/alerts/${sent.id}/summary`).set('authorization', `Bearer ${grace}`).expect(200)).body as Summary;
      const now = await shown(board);
      return isDeepStrictEqual({ counts: now.counts, help: now.help, open: now.open }, expected(s)) ? s : null;
    }, 5_000, 'the board to show the server summary exactly');
    assert.equal(summary.recipients, 5);
    assert.deepEqual(summary.byResponse.map((r) => [r.id, r.count]), [['safe', 1], ['help', 1]]);
    const now = await shown(board);
    assert.deepEqual(now.help, ['bob'], 'who needs help, first');
    assert.deepEqual(now.open, ['dave', 'erin', 'mallory'], 'who has not answered');
    assert.equal(now.progress, '2 of 5 answered');
    assert.equal(now.live, '2 of 5 answered; 1 need help; 3 not answered.', 'one sentence for screen readers');
    assert.equal(await board.getAttribute('#live-summary', 'aria-live'), 'polite');
    assert.equal(await board.evaluate(() => !!(document.querySelector('#help-table')!.compareDocumentPosition(document.querySelector('#open-table')!) & Node.DOCUMENT_POSITION_FOLLOWING)), true, 'need help comes before not answered');

    // Directory details, whom to call, and the comment; all as text.
    const bobRow = await board.locator('#help-table tr[data-user=bob]').innerText();
    for (const text of ['Bob', 'stuck on floor 3', 'bob@example.com', 'Erin']) assert.match(bobRow, new RegExp(text), `bob's row shows ${text}`);
    const daveRow = await board.locator('#open-table tr[data-user=dave]').innerText();
    for (const text of ['Dave Dubois', 'Sales', 'Lille', 'dave@example.com', 'Carol', 'on screen']) assert.match(daveRow, new RegExp(text), `dave's row shows ${text}`);
    assert.equal(await board.locator('#open-table tr[data-user=mallory] th').textContent(), XSS_NAME, 'a display name holding markup is shown as the text it is');
    assert.match(await board.locator('#open-table tr[data-user=mallory]').innerText(), /<script>window.__xss=1<\/script>Security/);
    assert.equal(await board.locator('#open-table img, #open-table script, #help-table img, #help-table script').count(), 0, 'no element came from directory text');
    assert.equal(await board.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined);
    assert.equal(await board.locator('#open-table th[scope=col]').first().textContent(), 'Name', 'table semantics: column headers');
    await shot(board, 'crisis-board-live.png');

    // Wall screen: large type, remembered.
    await board.check('#wall');
    assert.equal(await board.evaluate(() => document.body.classList.contains('wall')), true);
    await shot(board, 'crisis-board-wall.png');
    await board.uncheck('#wall');

    // All clear, after a confirmation; cancelling first changes nothing.
    await board.click('#all-clear');
    await board.click('#confirm button[value=no]');
    assert.equal(await dave.isVisible('#takeover'), true, 'cancelled: the emergency is still up');
    await board.click('#all-clear');
    assert.match((await board.textContent('#confirm-text'))!, /Fire in building A/);
    await board.click('#confirm button[value=yes]');
    await board.waitForSelector('#board-ended:not([hidden])');
    assert.equal(await board.isVisible('#all-clear'), false);
    await dave.waitForSelector('#takeover', { state: 'hidden' });
    await dave.waitForSelector('.card.all-clear');
    await eventually(() => mallory.recalls.some((r) => r.alertId === sent.id && r.reason === 'all-clear'), 5_000, 'mallory to get the all clear');
    await shot(board, 'crisis-board-all-clear.png');
    await shot(dave, 'crisis-board-recipient-all-clear.png');
    assert.deepEqual(errors, []);
  });

  test('the board and the web client in two tabs of one browser share the session: their refreshes never spend one token twice', async () => {
    const carol = await login(h.route, DEMO.admin);
    const { id } = await sendAlert(h.route, carol, newAlert({ severity: 'critical', title: 'Flood in the basement', audience: { users: ['alice'], groups: [] } }));
    const first = await open('/board', DEMO.crisis, '#picker:not([hidden])');
    // The stored access token is refused from now on, as an expired one would be: both tabs must refresh at once.
    await first.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('herald.session')!);
      localStorage.setItem('herald.session', JSON.stringify({ ...session, token: 'expired.access.token' }));
    });
    const context = first.context();
    const [client, board] = await Promise.all([context.newPage(), context.newPage()]);
    await Promise.all([client.goto(h.gatewayUrl), board.goto(`${h.gatewayUrl}/board#${id}`)]);
    await client.waitForSelector('#status[data-status=connected]');
    await board.waitForSelector('#stream-status[data-status=live]');
    // Had one refresh token been spent twice, the server would have revoked the session, and this one with it.
    const stored = await board.evaluate(() => JSON.parse(localStorage.getItem('herald.session')!).refreshToken as string);
    await api('/api/auth/refresh').post('/api/auth/refresh').send({ refreshToken: stored }).expect(200);
    assert.equal(await board.textContent('#board-title'), 'Flood in the basement', 'the crisis team reads an alert an admin fired');
  });

  test('a stream that cannot connect is retried with back-off until it is live', async () => {
    const carol = await login(h.route, DEMO.admin);
    const { id } = await sendAlert(h.route, carol, newAlert({ severity: 'critical', title: 'Power cut', audience: { users: ['alice'], groups: [] } }));
    const page = await open('/board', DEMO.crisis, '#picker:not([hidden])');
    const attempts: number[] = [];
    // The first two connections are reset, as a proxy restarting or a network blip would.
    await page.route('**/summary/stream', (route) => (attempts.push(Date.now()) <= 2 ? route.abort('connectionreset') : route.continue()));
    const statuses: string[] = [];
    await page.exposeFunction('reportStatus', (s: string) => statuses.push(s));
    await page.evaluate(() => new MutationObserver(() => (window as unknown as { reportStatus(s: string): void }).reportStatus(document.getElementById('stream-status')!.dataset.status!)).observe(document.getElementById('stream-status')!, { attributes: true, attributeFilter: ['data-status'] }));
    await page.evaluate((alertId) => (location.hash = alertId), id);
    await page.waitForSelector('#stream-status[data-status=live]');
    assert.equal(attempts.length, 3, 'two refused connections, then the live one');
    // Waits are drawn from [d/2, d] with d = 500 ms, then 1 s: lower bounds only (less 50 ms for the browser-to-test hop).
    assert.ok(attempts[1] - attempts[0] >= 200, `first retry after ≥ 250 ms (${attempts[1] - attempts[0]} ms)`);
    assert.ok(attempts[2] - attempts[1] >= 450, `second retry after ≥ 500 ms (${attempts[2] - attempts[1]} ms)`);
    assert.ok(statuses.includes('reconnecting'), 'the board says it is reconnecting');
    assert.equal(await page.textContent('[data-count=answer-none] dd'), '1');
  });

  test('a recipient-only account is told the board is not theirs, from the list and from an alert URL', async () => {
    const carol = await login(h.route, DEMO.admin);
    const { id } = await sendAlert(h.route, carol, newAlert({ severity: 'critical', title: 'Network outage', audience: { users: ['alice'], groups: [] } }));
    const fromList = await open('/board', 'dave', '#refusal:not([hidden])');
    assert.match((await fromList.textContent('#refusal'))!, /may not read the crisis board/);
    assert.equal(await fromList.isVisible('#picker'), false);
    const page = await open(`/board#${id}`, 'dave', '#refusal:not([hidden])');
    assert.match((await page.textContent('#refusal'))!, /may not read the crisis board/);
    assert.equal(await page.isVisible('#board'), false);
    await shot(page, 'crisis-board-refused.png');
    const french = await open('/board', 'dave', '#refusal:not([hidden])', 'fr-FR');
    assert.match((await french.textContent('#refusal'))!, /ne peut pas lire le tableau de crise/);
    assert.equal(await french.getAttribute('html', 'lang'), 'fr');
  });

  test('the list and the summary: the crisis team reads every critical/emergency alert, an author only their own; bad queries are 400', async () => {
    const [carol, grace, frank, dave] = await Promise.all([DEMO.admin, DEMO.crisis, DEMO.author, 'dave'].map((u) => login(h.route, u)));
    const byCarol = await sendAlert(h.route, carol, newAlert({ severity: 'emergency', title: 'Evacuate', audience: { users: ['alice'], groups: [] } }));
    const info = await sendAlert(h.route, frank, newAlert({ title: 'Coffee machine fixed', audience: { users: ['alice'], groups: [] } }));
    const list = (t: string, q = '') => api('/api/alerts').get(`/api/alerts${q}`).set('authorization', `Bearer ${t}`);

    const forGrace = (await list(grace, '?severity=critical,emergency').expect(200)).body.alerts as { id: string; createdAt: string; severity: string }[];
    assert.equal(forGrace[0].id, byCarol.id, 'newest first');
    assert.ok(forGrace.every((a, i) => i === 0 || forGrace[i - 1].createdAt >= a.createdAt));
    assert.ok(forGrace.every((a) => a.severity === 'critical' || a.severity === 'emergency'));
    await api('/api/alerts').get(`/api/alerts/${byCarol.id}/summary`).set('authorization', `Bearer ${grace}`).expect(200);
    await api('/api/alerts').get(`/api/alerts/${info.id}/summary`).set('authorization', `Bearer ${grace}`).expect(403);

    const forFrank = (await list(frank).expect(200)).body.alerts as { id: string }[];
    assert.deepEqual(forFrank.map((a) => a.id), [info.id], 'an author lists only what they sent');
    await api('/api/alerts').get(`/api/alerts/${byCarol.id}/summary`).set('authorization', `Bearer ${frank}`).expect(403);
    assert.ok(((await list(carol, '?limit=2').expect(200)).body.alerts as unknown[]).length === 2);
    await list(dave).expect(403);

    assert.match((await list(carol, '?severity=fatal').expect(400)).body.message, /severity/);
    assert.match((await list(carol, '?limit=0').expect(400)).body.message, /limit/);
    assert.match((await list(carol, '?sort=x').expect(400)).body.message, /sort|query/);
  });

  test('optional directory fields (phone) are rendered when present, as text and dialable links only', async () => {
    // The board's renderer, bundled as board.js bundles it, on a page of its own, fed a summary as the API sends it.
    const bundle = await build({
      stdin: { contents: "import { BoardView } from './services/gateway/web/board/board-view'; import { BOARD_STRINGS } from './services/gateway/web/board/strings'; (window as any).render = (s: unknown) => new BoardView(BOARD_STRINGS.en, 'en-GB').render(s as never);", resolveDir: repoRoot(), loader: 'ts' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
    });
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    // The board's own markup, without its script and served without a CSP, so the test bundle may be injected.
    await page.setContent(readFileSync(join(repoRoot(), 'services', 'gateway', 'public', 'board.html'), 'utf8').replace(/<script[^>]*><\/script>|<link[^>]*>/g, ''));
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    await page.evaluate(() => (document.getElementById('board')!.hidden = false));
    const person = (userId: string, phone?: string) => ({ userId, displayName: userId, ...(phone ? { phone } : {}), manager: { displayName: 'Boss', phone: '+33 1 00 00 00 00' } });
    const summary = (withPhone: boolean) => ({
      alertId: 'a',
      recipients: 2,
      byState: { displayed: 1, responded: 1 },
      byResponse: [{ id: 'safe', label: 'I am safe', count: 0 }, { id: 'help', label: 'I need help', count: 1 }],
      needHelp: [{ ...person('amy', withPhone ? '+33 6 12 34 56 78' : undefined), respondedAt: '2026-01-01T00:00:00.000Z', comment: '<b>floor 3</b>' }],
      unanswered: [{ ...person('zed', withPhone ? 'javascript:alert(1)<img src=x onerror=window.__xss=1>' : undefined), state: 'displayed' }],
      allClearAt: null,
    });
    const headers = (table: string) => page.$$eval(`#${table}-table thead th`, (ths) => ths.map((t) => t.textContent));

    await page.evaluate((s) => (window as unknown as { render(s: unknown): void }).render(s), summary(false));
    assert.deepEqual(await headers('open'), ['Name', 'Manager', 'Screen'], 'no phone column while the directory has none');
    await page.evaluate((s) => (window as unknown as { render(s: unknown): void }).render(s), summary(true));
    assert.deepEqual(await headers('open'), ['Name', 'Phone', 'Manager', 'Screen']);
    assert.deepEqual(await headers('help'), ['Name', 'Comment', 'Phone', 'Manager', 'Answered']);
    assert.equal(await page.getAttribute('#help-table tr[data-user=amy] td a[href^="tel:"]', 'href'), 'tel:+33612345678');
    assert.equal(await page.getAttribute('#open-table tr[data-user=zed] td a[href^="tel:"]', 'href'), 'tel:11', 'only dialable characters reach the link');
    assert.match((await page.locator('#help-table tr[data-user=amy]').innerText()), /<b>floor 3<\/b>/);
    assert.equal(await page.locator('#help-table b, #open-table img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined);

    // A long not-answered list draws its first 200 rows (a column counts every row), the rest on request.
    const many = { ...summary(false), recipients: 251, unanswered: Array.from({ length: 250 }, (_, i) => ({ ...person(`u${String(i).padStart(3, '0')}`, i === 249 ? '+1 555' : undefined), state: 'sent' })) };
    await page.evaluate((s) => (window as unknown as { render(s: unknown): void }).render(s), many);
    assert.equal(await page.locator('#open-table tbody tr').count(), 200);
    assert.deepEqual(await headers('open'), ['Name', 'Phone', 'Manager', 'Screen'], 'the phone of row 250 keeps its column');
    assert.equal(await page.textContent('[data-count=answer-none] dd'), '250');
    await page.click('#open-more');
    assert.equal(await page.locator('#open-table tbody tr').count(), 250);
    assert.equal(await page.isVisible('#open-more'), false);
  });
});
