import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { Browser, Page } from 'playwright-core';
import { DEMO, Harness, launchChromium, login, newAlert, repoRoot, sendAlert, startSingleNode } from '@herald/testing';

/**
 * Known sanitiser bypasses (OWASP filter-evasion cheat sheet, DOMPurify and sanitize-html advisories, mXSS
 * namespace confusion). Each one, if it ran, would set window.__xss, open a dialog or log "XSS".
 */
const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<img src=x onerror=alert(1)//',
  '<img src="x:alert(alt)" onerror="eval(src)" alt=0>',
  '<svg onload="window.__xss=1"></svg>',
  '<svg><script>window.__xss=1</script></svg>',
  '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">XSS</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1">',
  '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=window.__xss=1 src=1>">',
  '<form><math><mtext></form><form><mglyph><style></math><img src onerror=window.__xss=1>',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
  '<!--<img src="--><img src=x onerror=window.__xss=1//">',
  '<<script>script>window.__xss=1<</script>/script>',
  '<script>window.__xss=1</script>',
  '<scr<script>ipt>window.__xss=1</scr</script>ipt>',
  '<a href="javascript:window.__xss=1">link</a>',
  '<a href="java&#x09;script:window.__xss=1">tab</a>',
  '<a href="&#14;javascript:window.__xss=1">ctrl</a>',
  '<a href="  JaVaScRiPt:window.__xss=1">case</a>',
  '<a href="data:text/html,<script>alert(1)</script>">data</a>',
  '<a href="vbscript:msgbox(1)">vb</a>',
  '<iframe src="javascript:parent.__xss=1"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  '<object data="javascript:window.__xss=1"></object>',
  '<embed src="javascript:window.__xss=1">',
  '<form><button formaction="javascript:window.__xss=1">go</button></form>',
  '<details open ontoggle="window.__xss=1"><summary>x</summary></details>',
  '<body onload="window.__xss=1">',
  '<input autofocus onfocus="window.__xss=1">',
  '<video><source onerror="window.__xss=1"></video>',
  '<audio src=x onerror="window.__xss=1"></audio>',
  '<marquee onstart="window.__xss=1">m</marquee>',
  '<p onmouseover="window.__xss=1" style="display:block;width:2000px;height:2000px">hover</p>',
  '<div style="background:url(javascript:window.__xss=1)">bg</div>',
  '<style>@import "javascript:window.__xss=1";</style>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
  '<base href="javascript:window.__xss=1//">',
  '<img src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22 onload=%22window.__xss=1%22/>">',
  '<template><img src=x onerror="window.__xss=1"></template>',
  '<xmp><img src=x onerror="window.__xss=1"></xmp>',
  '<textarea><img src=x onerror="window.__xss=1"></textarea>',
  '<isindex action="javascript:window.__xss=1" type=submit>',
  '<table background="javascript:window.__xss=1"><tr><td>t</td></tr></table>',
  '<a href="https://ok.example" onclick="window.__xss=1">fine link, bad handler</a>',
  '<img src="https://ok.example/x.png" onload="window.__xss=1" onerror="window.__xss=1">',
  '"><script>console.log("XSS")</script>',
  '<p>safe <b>text</b></p><script>alert("XSS")</script>',
];

const SAFE_URL = /^(https:|mailto:|http:|data:image\/(png|gif|jpeg|webp);base64,)/i;

describe('no script from an alert body runs', () => {
  let browser: Browser;
  let h: Harness;

  before(async () => {
    browser = await launchChromium();
    h = await startSingleNode();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  /** Records every sign of execution: dialogs, "XSS" in the console, the global flag. */
  function watch(page: Page): () => Promise<string[]> {
    const signs: string[] = [];
    page.on('dialog', (d) => (signs.push(`dialog: ${d.message()}`), void d.dismiss()));
    page.on('console', (m) => /XSS/.test(m.text()) && signs.push(`console: ${m.text()}`));
    return async () => [...signs, ...((await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)) ? ['window.__xss was set'] : [])];
  }

  /** Whatever rendered must not hold anything that could run later (handlers, script URLs) either. */
  async function assertInert(page: Page, root: string): Promise<void> {
    const found = await page.evaluate((sel) => {
      const bad: string[] = [];
      for (const e of Array.from(document.querySelectorAll(`${sel} *`))) {
        if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE', 'SVG', 'MATH', 'FORM', 'BASE', 'META', 'TEMPLATE'].includes(e.tagName.toUpperCase())) bad.push(`<${e.tagName}>`);
        for (const a of Array.from(e.attributes)) {
          if (/^on/i.test(a.name) || a.name === 'style' || a.name === 'srcdoc' || a.name === 'formaction') bad.push(`${e.tagName}[${a.name}]`);
          if (['href', 'src', 'xlink:href', 'background', 'action', 'data'].includes(a.name)) bad.push(`${e.tagName}[${a.name}=${a.value}]`);
        }
      }
      return bad;
    }, root);
    // href/src are reported above so that they can be checked here against the safe schemes.
    const unsafe = found.filter((f) => {
      const m = /\[(href|src)=(.*)\]$/s.exec(f);
      return !m || !SAFE_URL.test(m[2]);
    });
    assert.deepEqual(unsafe, [], 'rendered markup holds nothing executable');
  }

  test('the render-time sanitiser alone (no server pass, no CSP) neutralises every payload', async () => {
    // The client's own sanitiser, bundled as the web client bundles it, on a page without any CSP.
    const bundle = await build({
      stdin: { contents: "import { sanitize } from './services/gateway/web/sanitize'; (window as any).heraldSanitize = sanitize;", resolveDir: repoRoot(), loader: 'ts' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
    });
    const page = await browser.newPage();
    const signs = watch(page);
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    for (const [i, payload] of PAYLOADS.entries()) {
      await page.evaluate(
        ({ payload, i }) => {
          const box = document.createElement('div');
          box.id = `p${i}`;
          box.append((window as unknown as { heraldSanitize: (h: string) => DocumentFragment }).heraldSanitize(payload));
          document.getElementById('out')!.append(box);
        },
        { payload, i },
      );
    }
    // Give handlers every chance: hover and focus everything, wait for images to fail, click every link.
    await page.mouse.move(10, 10);
    await page.mouse.move(400, 300);
    await page.keyboard.press('Tab');
    await page.waitForTimeout(300);
    await assertInert(page, '#out');
    const safeText = await page.locator('#out').textContent();
    assert.match(safeText!, /safe text/, 'harmless content survives');
    assert.deepEqual(await signs(), []);
  });

  test('end to end: payloads sent as alert bodies render in the signed-in client without running', async () => {
    const admin = await login(h.route, DEMO.admin);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const signs = watch(page);
    await page.goto(h.gatewayUrl);
    await page.fill('#username', 'bob');
    await page.fill('#password', DEMO.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-status=connected]');

    // In three presentations, each body holding a third of the payloads.
    const thirds = [0, 1, 2].map((k) => PAYLOADS.filter((_, i) => i % 3 === k).join('\n'));
    const sent = [
      await sendAlert(h.route, admin, newAlert({ title: 'xss popup', body: thirds[0], audience: { users: ['bob'], groups: [] } })),
      await sendAlert(h.route, admin, newAlert({ title: 'xss ticker', body: thirds[1], presentation: 'ticker', audience: { users: ['bob'], groups: [] } })),
      await sendAlert(h.route, admin, newAlert({ title: 'xss fullscreen', body: thirds[2], severity: 'critical', presentation: 'fullscreen', audience: { users: ['bob'], groups: [] } })),
    ];
    for (const s of sent) await page.locator(`[data-occurrence="${s.occurrenceId}"]`).first().waitFor();
    await page.mouse.move(640, 400);
    await page.waitForTimeout(300);
    await assertInert(page, '#stack');
    await assertInert(page, '#ticker');
    await assertInert(page, '#takeover');
    assert.deepEqual(await signs(), []);
    await context.close();
  });
});
