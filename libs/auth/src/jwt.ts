import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { UnauthorizedError } from '@herald/contracts';
import { Principal, ROLES } from './principal';

const ClaimsSchema = z.object({ sub: z.string().min(1), name: z.string(), roles: z.array(z.enum(ROLES)), scope: z.array(z.string()).optional() });
const ISSUER = 'herald';

/** Issues and verifies Herald's access tokens (HS256, shared secret between composer and the other services). */
export class TokenService {
  constructor(private readonly secret: string, private readonly ttlSeconds: number) {
    if (secret.length < 32) throw new Error('JWT secret must be at least 32 characters');
  }

  issue(p: Principal): { token: string; expiresIn: number } {
    const token = jwt.sign({ name: p.displayName, roles: p.roles, ...(p.scope ? { scope: p.scope } : {}) }, this.secret, { algorithm: 'HS256', subject: p.userId, expiresIn: this.ttlSeconds, issuer: ISSUER });
    return { token, expiresIn: this.ttlSeconds };
  }

  /** Returns the principal of a valid token; throws UnauthorizedError for a missing, expired, forged or malformed one. */
  verify(token: string | undefined): Principal {
    if (!token) throw new UnauthorizedError('missing bearer token');
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.secret, { algorithms: ['HS256'], issuer: ISSUER });
    } catch (err) {
      throw new UnauthorizedError(err instanceof jwt.TokenExpiredError ? 'token expired' : 'invalid token');
    }
    const claims = ClaimsSchema.safeParse(decoded);
    if (!claims.success) throw new UnauthorizedError('invalid token claims');
    const { sub, name, roles, scope } = claims.data;
    return { userId: sub, displayName: name, roles, ...(scope ? { scope } : {}) };
  }
}

/** Extracts the token from an `Authorization: Bearer <token>` header. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}
