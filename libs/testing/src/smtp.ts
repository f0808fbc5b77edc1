import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { ParsedMail, simpleParser } from 'mailparser';

/** A message the test SMTP server accepted, parsed back (mailparser) with its envelope. */
export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1, plain SMTP without STARTTLS or AUTH, keeping every
 * accepted message parsed. `failNext(n, code)` makes the next n messages fail with that reply (421 is transient,
 * 550 permanent), to exercise the sender's retries.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  private failures = 0;
  private failCode = 421;

  private constructor(private readonly server: SMTPServer, readonly port: number) {}

  static async start(port = 0): Promise<TestSmtpServer> {
    let self: TestSmtpServer | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            if (self!.failures > 0) {
              self!.failures--;
              const err = Object.assign(new Error('test server: try again later'), { responseCode: self!.failCode });
              return callback(err);
            }
            self!.received.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              parsed,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    self = new TestSmtpServer(server, (server.server.address() as AddressInfo).port);
    return self;
  }

  /** `smtp://127.0.0.1:<port>` for SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Messages addressed to `address`. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  failNext(n: number, code = 421): void {
    this.failures = n;
    this.failCode = code;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
