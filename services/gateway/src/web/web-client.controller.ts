import { Controller, Get, NotFoundException, Res } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Public } from '@herald/auth';

/** The first ancestor of this file's directory holding `relPath` (works from the source tree and from dist/). */
function findUp(relPath: string): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, relPath))) return join(dir, relPath);
  }
  throw new Error(`${relPath} not found above ${__dirname} (run npm run build)`);
}

/** The part of Express's response this controller uses (the project does not depend on @types/express). */
interface Response {
  req: { path: string };
  setHeader(name: string, value: string): void;
  end(body: Buffer): void;
}

interface Asset {
  body: Buffer;
  type: string;
}

/**
 * The shells (services/gateway/public) and the bundled scripts (dist/web/app.js and board.js, built by scripts/build-web.mjs),
 * read once at boot: a handful of small files, served from memory.
 */
function loadAssets(): Map<string, Asset> {
  const pub = (name: string) => readFileSync(findUp(join('services', 'gateway', 'public', name)));
  const web = (name: string) => readFileSync(findUp(join('dist', 'web', name)));
  return new Map<string, Asset>([
    ['index.html', { body: pub('index.html'), type: 'text/html; charset=utf-8' }],
    ['board.html', { body: pub('board.html'), type: 'text/html; charset=utf-8' }],
    ['board.css', { body: pub('board.css'), type: 'text/css; charset=utf-8' }],
    ['app.css', { body: pub('app.css'), type: 'text/css; charset=utf-8' }],
    ['sw.js', { body: pub('sw.js'), type: 'text/javascript; charset=utf-8' }],
    ['manifest.webmanifest', { body: pub('manifest.webmanifest'), type: 'application/manifest+json' }],
    ['icon.svg', { body: pub('icon.svg'), type: 'image/svg+xml' }],
    ['app.js', { body: web('app.js'), type: 'text/javascript; charset=utf-8' }],
    ['app.js.map', { body: web('app.js.map'), type: 'application/json' }],
    ['board.js', { body: web('board.js'), type: 'text/javascript; charset=utf-8' }],
    ['board.js.map', { body: web('board.js.map'), type: 'application/json' }],
  ]);
}

/**
 * Scripts and styles are files of this origin only: no 'unsafe-inline', so markup that slipped into an alert body
 * could not run even if both sanitisers missed it. Images may come from https (alert bodies show them).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the recipient web client (/) and the crisis board (/board). The files are public; everything they do needs a login. */
@Controller()
export class WebClientController {
  private readonly assets = loadAssets();

  @Public()
  @Get()
  index(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  /** The crisis board: live accountability of an emergency (`/board#<alertId>` opens one). */
  @Public()
  @Get(['board', 'board.html'])
  board(@Res() res: Response): void {
    this.send(res, 'board.html');
  }

  @Public()
  @Get(['board.js', 'board.js.map', 'board.css', 'app.js', 'app.js.map', 'app.css', 'sw.js', 'manifest.webmanifest', 'icon.svg'])
  asset(@Res() res: Response): void {
    this.send(res, res.req.path.slice(1));
  }

  private send(res: Response, name: string): void {
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundException();
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // Revalidate every time: a new release must reach every screen at once (the service worker is network-first too).
    res.setHeader('Cache-Control', 'no-cache');
    res.end(asset.body);
  }
}
