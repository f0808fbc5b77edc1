import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, TooManyRequestsError } from '@herald/contracts';
import { JsonLogger } from './logger';

/** Maps domain errors to their HTTP status with a JSON body naming the field; unexpected errors become a logged 500. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw err;
    const req = host.switchToHttp().getRequest<{ headers: Record<string, string>; method: string; url: string }>();
    const res = host.switchToHttp().getResponse<{ status(n: number): { json(b: unknown): void }; setHeader(name: string, value: string): void }>();
    const correlationId = req.headers['x-correlation-id'] ?? randomUUID();
    if (err instanceof DomainError) {
      if (err instanceof TooManyRequestsError && err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
      res.status(err.status).json({ statusCode: err.status, error: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), correlationId });
      return;
    }
    if (err instanceof HttpException) {
      const body = err.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? err.message);
      res.status(err.getStatus()).json({ statusCode: err.getStatus(), error: err.name, message, correlationId });
      return;
    }
    if ((err as { type?: string })?.type === 'entity.parse.failed') {
      res.status(400).json({ statusCode: 400, error: 'VALIDATION_FAILED', message: 'body: malformed JSON', field: 'body', correlationId });
      return;
    }
    if ((err as { type?: string })?.type === 'entity.too.large') {
      const { limit } = err as { limit?: number };
      res.status(413).json({ statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: `body: larger than ${limit ?? 'the limit of'} bytes`, field: 'body', correlationId });
      return;
    }
    this.logger.write('error', 'unhandled error', { correlationId, method: req.method, url: req.url, error: (err as Error)?.message, stack: (err as Error)?.stack });
    res.status(500).json({ statusCode: 500, error: 'INTERNAL', message: 'internal error', correlationId });
  }
}
