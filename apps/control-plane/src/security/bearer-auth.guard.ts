import { ForbiddenException, Inject, Injectable, Optional, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ResourceLeaseQueue } from '@omnirelay/resource-lease';
import type { Principal } from './auth-role';
import { AUTH_TOKEN_TABLE } from './auth-tokens.constants';
import { MAX_TOKEN_LENGTH, type AuthTokenTable } from './auth-token-table';
import { routeAccess, type RouteAccess } from './route-access';

/** What the guard reads of a Fastify request. */
export interface RequestLike {
  readonly method: string;
  readonly url: string;
  readonly routeOptions?: { readonly url?: string };
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly params?: unknown;
  readonly body?: unknown;
}

export interface ReplyLike {
  header(name: string, value: string): unknown;
}

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;

function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'forbidden', message });
}

/** Throws 403 unless the principal's role may use a route of this kind at all (admin may use every one). */
function admitRole(principal: Principal, access: RouteAccess, method: string): void {
  if (principal.role === 'admin' || access.kind === 'public') return;
  if (access.kind === 'roles') {
    if (access.roles.includes(principal.role)) return;
    throw forbidden(`a ${principal.role} token may not ${method} this route (it needs ${access.roles.join(' or ')})`);
  }
  if (principal.role !== 'worker') throw forbidden(`a ${principal.role} token may not ${method} this route (it needs a worker)`);
}

/**
 * The host's global guard: every route needs a bearer token of a role the route accepts (see
 * route-access.ts), and a worker acts only as its own subject and only on leases it holds.
 * Without a tokens table (the loopback demo) everything is open. Tokens never reach a log or a reply.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    @Inject(AUTH_TOKEN_TABLE) private readonly tokens: AuthTokenTable | null,
    @Optional() private readonly queue?: ResourceLeaseQueue,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.tokens === null || context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    return this.check(http.getRequest<RequestLike>(), http.getResponse<ReplyLike>());
  }

  /**
   * The guard's decision for one request, outside Nest's pipeline too (the worker heartbeat hook
   * answers before it): true, a promise of true, or a thrown 401/403 HttpException.
   */
  check(request: RequestLike, reply: ReplyLike): boolean | Promise<boolean> {
    if (this.tokens === null) return true;
    return this.checkRoute(routeAccess(request.method, request.routeOptions?.url ?? request.url.split('?')[0] ?? ''), request, reply);
  }

  /**
   * `check` for a request whose route's rule the caller looked up once, ahead of time (the worker
   * heartbeat hook serves one route): `access` must be `routeAccess` of the request's method and route.
   */
  checkRoute(access: RouteAccess, request: RequestLike, reply: ReplyLike): boolean | Promise<boolean> {
    if (this.tokens === null || access.kind === 'public') return true;
    const principal = this.authenticate(request, reply, this.tokens);
    // Only the lease holder check waits (for the store); every other answer is immediate.
    const holderCheck = this.authorize(principal, access, request);
    return holderCheck ? holderCheck.then(() => true) : true;
  }

  /**
   * The part of the decision that needs neither the body nor the store: who the token is and whether
   * its role may use the route at all. The host's request door asks it before any body is read;
   * the rest (which worker, which lease) is decided by `check` once the body is there. Returns the
   * principal, undefined for a public route or without tokens; throws the 401/403 HttpException.
   */
  admit(access: RouteAccess, request: RequestLike, reply: ReplyLike): Principal | undefined {
    if (this.tokens === null || access.kind === 'public') return undefined;
    const principal = this.authenticate(request, reply, this.tokens);
    admitRole(principal, access, request.method);
    return principal;
  }

  private authenticate(request: RequestLike, reply: ReplyLike, tokens: AuthTokenTable): Principal {
    const header = request.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header) : null;
    const token = match?.[1];
    const principal = token !== undefined && token.length <= MAX_TOKEN_LENGTH ? tokens.find(token) : undefined;
    if (principal) return principal;
    reply.header('WWW-Authenticate', 'Bearer realm="omnirelay"');
    throw new UnauthorizedException({
      statusCode: 401,
      error: 'unauthorized',
      message: token === undefined ? 'a bearer token is required (Authorization: Bearer <token>)' : 'unknown bearer token',
    });
  }

  private authorize(principal: Principal, access: RouteAccess, request: RequestLike): Promise<void> | undefined {
    admitRole(principal, access, request.method);
    if (principal.role === 'admin' || access.kind === 'roles' || access.kind === 'public') return undefined;
    const subject = principal.subject;
    if (access.kind === 'idle-heartbeat') {
      if (field(request.params, 'workerId') !== subject) throw forbidden(`this token may heartbeat only as worker ${String(subject)}`);
      return undefined;
    }
    // A body without a string workerId passes: the dispatcher refuses it with 400.
    const workerId = field(request.body, 'workerId');
    if (typeof workerId === 'string' && workerId !== subject) throw forbidden(`this token may act only as worker ${String(subject)}`);
    if (access.kind === 'lease-held') {
      // A lease id is bound to one worker for its whole life, so this answer cannot change before the handler runs.
      const leaseId = field(request.params, 'leaseId');
      const queue = this.queue;
      if (typeof leaseId !== 'string' || queue === undefined) return undefined;
      return queue.holderOf(leaseId).then((holder) => {
        if (holder !== undefined && holder !== subject) throw forbidden('this lease is held by another worker');
      });
    }
    return undefined;
  }
}
