import { LoggerService } from '@nestjs/common';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

/** Structured JSON logs, one line per event: `{"time","level","service","msg",...fields}`. */
export class JsonLogger implements LoggerService {
  constructor(private readonly service: string, private readonly level: LogLevel = 'info', private readonly out: (line: string) => void = (l) => process.stdout.write(l + '\n')) {}

  write(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    if (LEVELS[level] < LEVELS[this.level]) return;
    this.out(JSON.stringify({ time: new Date().toISOString(), level, service: this.service, msg, ...fields }));
  }

  /** Nest's own start-up chatter (routes mapped, modules loaded) arrives here; it is debug detail for operators. */
  log(message: unknown, context?: string): void {
    this.write('debug', String(message), context ? { context } : {});
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', String(message), { ...(trace ? { trace } : {}), ...(context ? { context } : {}) });
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', String(message), context ? { context } : {});
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', String(message), context ? { context } : {});
  }
  verbose(message: unknown, context?: string): void {
    this.debug(message, context);
  }
}
