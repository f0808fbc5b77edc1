import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ForbiddenError } from '@herald/contracts';
import { Principal } from '@herald/auth';
import { HttpExceptionFilter, JsonLogger } from '@herald/observability';
import { AuditTrail } from './audit-trail';

/**
 * Every authorisation refusal is an audit event: role checks live in the service layer and throw ForbiddenError,
 * and this filter (in front of the HTTP error mapping) records each one as `auth.denied` — whichever service and
 * feature refused, so no new endpoint can forget to. The response is not held up by the audit publish.
 */
@Catch()
export class RefusalAuditFilter implements ExceptionFilter {
  constructor(private readonly audit: AuditTrail, private readonly inner: HttpExceptionFilter, private readonly logger: JsonLogger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    if (err instanceof ForbiddenError && host.getType() === 'http') {
      const req = host.switchToHttp().getRequest<{ principal?: Principal; method: string; originalUrl?: string; url: string; ip?: string }>();
      const actor = req.principal?.userId ?? 'anonymous';
      const path = (req.originalUrl ?? req.url).split('?')[0];
      this.audit
        .record([{ id: randomUUID(), actor, action: 'auth.denied', subject: `route:${req.method} ${path}`.slice(0, 300), details: { reason: err.message, roles: req.principal?.roles ?? [], client: req.ip } }])
        .catch((e: Error) => this.logger.write('error', 'could not audit a refusal', { error: e.message, actor, path }));
    }
    this.inner.catch(err, host);
  }
}
