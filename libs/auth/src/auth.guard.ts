import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Principal } from './principal';
import { bearer, TokenService } from './jwt';

const PUBLIC = 'herald:public';
/** Marks a route that needs no token (login, health). Everything else is authenticated. */
export const Public = () => SetMetadata(PUBLIC, true);

/** Global HTTP guard: every route requires a valid bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly tokens: TokenService, private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string>; principal?: Principal }>();
    req.principal = this.tokens.verify(bearer(req.headers.authorization));
    return true;
  }
}

/** Injects the authenticated principal into a controller method. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest<{ principal: Principal }>().principal);
