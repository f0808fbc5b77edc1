import { after, before } from 'node:test';
import request from 'supertest';
import { DEMO } from './factories';
import { Harness } from './harness';
import { login, Recipient } from './herald-client';

/**
 * One started Herald for the tests of a `describe` block: started before them, with an admin token, sockets
 * that are closed after them, and requests routed to the service owning each path.
 */
export class HarnessSession {
  private started?: Harness;
  admin = '';
  private readonly sockets: Recipient[] = [];

  constructor(start: () => Promise<Harness>) {
    before(async () => {
      this.started = await start();
      this.admin = await login(this.h.route, DEMO.admin);
    });
    after(async () => {
      this.sockets.forEach((s) => s.close());
      await this.started?.close();
    });
  }

  get h(): Harness {
    if (!this.started) throw new Error('harness not started yet');
    return this.started;
  }

  /** A logged-in recipient socket, closed when the block ends. */
  readonly connect = async (user: string): Promise<Recipient> => {
    const r = await Recipient.connect(this.h.gatewayUrl, await login(this.h.route, user));
    this.sockets.push(r);
    return r;
  };

  /** supertest against whichever process serves `path`. */
  readonly api = (path: string) => request(this.h.route(path));
}
