import type { Socket } from 'socket.io';
import { DomainError } from '@herald/contracts';
import { bearer, TokenService } from './jwt';
import { Principal } from './principal';

/** Socket.IO handshake middleware: a client connects only with a valid token (auth.token or Authorization header). */
export function socketAuth(tokens: TokenService) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    try {
      const fromAuth = typeof socket.handshake.auth?.token === 'string' ? (socket.handshake.auth.token as string) : undefined;
      const principal = tokens.verify(fromAuth ?? bearer(socket.handshake.headers.authorization));
      (socket.data as { principal: Principal }).principal = principal;
      next();
    } catch (err) {
      next(new Error(err instanceof DomainError ? err.message : 'unauthorized'));
    }
  };
}
