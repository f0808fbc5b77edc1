import { z } from 'zod';

/** Base of every error the system means to show a caller; `status` is the HTTP status it maps to. */
export class DomainError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class ValidationError extends DomainError {
  constructor(message: string, field?: string) { super(400, 'VALIDATION_FAILED', message, field); }
}
export class UnauthorizedError extends DomainError {
  constructor(message = 'authentication required') { super(401, 'UNAUTHORIZED', message); }
}
export class ForbiddenError extends DomainError {
  constructor(message: string) { super(403, 'FORBIDDEN', message); }
}
export class NotFoundError extends DomainError {
  constructor(message: string) { super(404, 'NOT_FOUND', message); }
}
export class ConflictError extends DomainError {
  constructor(message: string) { super(409, 'CONFLICT', message); }
}
export class UnprocessableError extends DomainError {
  constructor(message: string, field?: string) { super(422, 'UNPROCESSABLE', message, field); }
}
export class TooManyRequestsError extends DomainError {
  /** `retryAfterSeconds`, when known, becomes the Retry-After header, so machines back off for the right time. */
  constructor(message: string, readonly retryAfterSeconds?: number) { super(429, 'TOO_MANY_REQUESTS', message); }
}
export class UnavailableError extends DomainError {
  constructor(message: string) { super(503, 'UNAVAILABLE', message); }
}

/** Validates `input` against `schema`; failures become a ValidationError naming the first bad field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, where = 'body'): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : where;
  throw new ValidationError(`${field}: ${issue.message}`, field);
}

/** Serialisable form of a DomainError, used in RPC replies. */
export const RemoteErrorSchema = z.object({ status: z.number(), code: z.string(), message: z.string(), field: z.string().optional() });
export type RemoteError = z.infer<typeof RemoteErrorSchema>;

export function toRemoteError(err: unknown): RemoteError {
  if (err instanceof DomainError) return { status: err.status, code: err.code, message: err.message, field: err.field };
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

export function fromRemoteError(e: RemoteError): DomainError {
  return new DomainError(e.status, e.code, e.message, e.field);
}
