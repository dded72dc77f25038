import { Injectable, Module } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  PEER_HEALTH_SNAPSHOT_PROVIDERS,
  PeerHealthConfigurationError,
  PeerHealthModule,
  PeerHealthSnapshotProvider,
  type PeerLeaseHealthSnapshot,
} from '@omnirelay/peer-health';
import { startHttpApp } from '../support/http-app';
import { snapshotOf } from '../support/snapshots';

/** Starts a Fastify app of `imports` (not listening) and returns what it threw, if anything. */
async function startupError(imports: unknown[]): Promise<unknown> {
  try {
    const moduleRef = await Test.createTestingModule({ imports: imports as [] }).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.close();
  } catch (error) {
    return error;
  }
  return undefined;
}

@Module({ imports: [PeerHealthModule.forRootAsync({ useFactory: () => ({ heartbeatGracePeriodMs: 5_000 }) })] })
class FeatureThatAlsoCallsForRoot {}

/** Registered by its decorator in its own module and again through forFeature. */
@Injectable()
@PeerHealthSnapshotProvider()
class RequeueingProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    return [snapshotOf('worker-1', { pendingReassignments: 2 })];
  }
}

@Module({ providers: [RequeueingProvider] })
class RequeueingModule {}

describe('PeerHealthModule imports', () => {
  it.each([
    ['forRoot twice with different options', [PeerHealthModule.forRoot(), PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 1_000 })]],
    ['forRoot twice with the same options', [PeerHealthModule.forRoot(), PeerHealthModule.forRoot()]],
    ['forRoot in the root and forRootAsync in a feature module', [PeerHealthModule.forRoot(), FeatureThatAlsoCallsForRoot]],
  ])('%s fails at start-up with the kit error', async (_case, imports) => {
    const error = await startupError(imports);
    expect(error).toBeInstanceOf(PeerHealthConfigurationError);
    expect((error as PeerHealthConfigurationError).option).toBe('forRoot');
    expect((error as Error).message).toMatch(/@omnirelay\/peer-health/);
    expect((error as Error).message).toMatch(/imported 2 times/);
  });

  it('forFeature without forRoot fails at start-up with the kit error', async () => {
    const error = await startupError([PeerHealthModule.forFeature({ providers: [RequeueingProvider] })]);
    expect(error).toBeInstanceOf(PeerHealthConfigurationError);
    expect((error as PeerHealthConfigurationError).option).toBe('forFeature');
    expect((error as Error).message).toMatch(/forRoot\(\)/);
  });

  it('forRoot once with any number of forFeature modules starts', async () => {
    const error = await startupError([
      PeerHealthModule.forRoot(),
      PeerHealthModule.forFeature({ providers: [RequeueingProvider] }),
      PeerHealthModule.forFeature({ providers: [] }),
    ]);
    expect(error).toBeUndefined();
  });

  it('registers a provider class once when both its decorator and forFeature declare it', async () => {
    const running = await startHttpApp({
      imports: [PeerHealthModule.forRoot(), RequeueingModule, PeerHealthModule.forFeature({ providers: [RequeueingProvider] })],
    });
    try {
      const providers = running.app.get<readonly PeerHealthSnapshotProvider[]>(PEER_HEALTH_SNAPSHOT_PROVIDERS);
      expect(providers.map((provider) => provider.constructor.name)).toEqual(['PeerLeaseHealthTracker', 'RequeueingProvider']);
      const body = (await (await running.get('/omnirelay/control/lease-health')).json()) as {
        peers: Array<{ peerId: string; pendingReassignments: number }>;
        summary: { pendingReassignments: number };
      };
      expect(body.peers).toEqual([expect.objectContaining({ peerId: 'worker-1', pendingReassignments: 2 })]);
      expect(body.summary.pendingReassignments).toBe(2);
    } finally {
      await running.close();
    }
  });
});
