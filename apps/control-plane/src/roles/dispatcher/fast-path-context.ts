import { Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ResourceLeaseQueue } from '@omnirelay/resource-lease';
import { AUTH_TOKEN_TABLE } from '../../security/auth-tokens.constants';
import type { AuthTokenTable } from '../../security/auth-token-table';
import { BearerAuthGuard } from '../../security/bearer-auth.guard';
import type { FastPathHook } from './fast-path-reply';

interface FastifyLikeInstance {
  addHook(name: 'onRequest' | 'preHandler', hook: FastPathHook): unknown;
}

/**
 * Adds `hook` at `stage` of the host's Fastify instance (`onRequest`: before the body is read;
 * `preHandler`: with the body parsed, before Nest's pipeline). Returns false, adding nothing, on
 * another platform (Express): there Nest's pipeline answers every route.
 */
function addFastPathHook(adapterHost: HttpAdapterHost, stage: 'onRequest' | 'preHandler', hook: FastPathHook): boolean {
  const adapter = adapterHost.httpAdapter as { getType?: () => string; getInstance?: () => unknown } | undefined;
  if (adapter?.getType?.() !== 'fastify') return false;
  const instance = adapter.getInstance?.() as FastifyLikeInstance | undefined;
  if (typeof instance?.addHook !== 'function') return false;
  instance.addHook(stage, hook);
  return true;
}

/**
 * What the dispatcher's fast paths share: the queue, the host's bearer guard over it (the one Nest
 * runs, asked through `checkRoute`), and the host's Fastify instance to hook into.
 */
@Injectable()
export class FastPathContext {
  readonly guard: BearerAuthGuard;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    readonly queue: ResourceLeaseQueue,
    @Optional() @Inject(AUTH_TOKEN_TABLE) tokens: AuthTokenTable | null = null,
  ) {
    this.guard = new BearerAuthGuard(tokens, queue);
  }

  /** Adds `hook` at `stage` on Fastify; false, adding nothing, on another platform (see addFastPathHook). */
  addHook(stage: 'onRequest' | 'preHandler', hook: FastPathHook): boolean {
    return addFastPathHook(this.adapterHost, stage, hook);
  }
}
