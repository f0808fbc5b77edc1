import { Controller, Get, Header } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '@herald/auth';

/** Finds services/gateway/public from either the source tree or the compiled dist/ tree. */
function publicDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++, dir = join(dir, '..')) {
    const candidate = join(dir, 'services', 'gateway', 'public');
    try {
      readFileSync(join(candidate, 'index.html'));
      return candidate;
    } catch {
      /* keep walking up */
    }
  }
  throw new Error('services/gateway/public not found');
}

const PAGE = readFileSync(join(publicDir(), 'index.html'), 'utf8');

/** Serves the recipient web client. The page itself is public; everything it does needs a login. */
@Controller()
export class WebClientController {
  @Public()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; connect-src 'self' ws: wss:; frame-ancestors 'none'")
  @Header('X-Content-Type-Options', 'nosniff')
  index(): string {
    return PAGE;
  }
}
