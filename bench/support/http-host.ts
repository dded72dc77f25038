// The host the HTTP and event-loop benchmarks measure: one Fastify server (through Nest) serving the
// kit's endpoint, the naive port at /baseline/lease-health, and a bare constant route at /bare, with
// both trackers ingesting the same event stream in the background. Prints "ready <port>".
import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import * as promClient from 'prom-client';
import { NaivePeerTracker } from '../baseline/naive-peer-tracker';
import { apply, mixedEvents, populate, type PeerEventSink } from './workload';

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};

async function main(): Promise<void> {
  const peers = arg('peers', 1000);
  const rate = arg('ingest-rate', 100_000);
  const withBaseline = arg('baseline', 1) === 1;

  @Module({ imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 30_000, telemetry: { enabled: false } })] })
  class BenchModule {}

  const app = await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter(), { logger: ['error'] });
  const tracker = app.get(PeerLeaseHealthTracker);
  const naive = new NaivePeerTracker(30_000, { now: Date.now }, new promClient.Registry());
  const stream = mixedEvents(peers, Math.max(200_000, peers * 4));
  populate(tracker, peers, 0, stream);
  if (withBaseline) populate(naive, peers, 0, stream);
  const sinks: PeerEventSink[] = withBaseline ? [tracker, naive] : [tracker];

  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/baseline/lease-health', (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(naive.fetchBody());
  });
  fastify.get('/bare', (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send('{"ok":true}');
  });
  const eld = monitorEventLoopDelay({ resolution: 5 });
  let ingesting = rate > 0;
  fastify.post('/bench/ingest/:state', (request, reply) => {
    ingesting = (request.params as { state: string }).state === 'on';
    void reply.send({ ingesting });
  });
  fastify.get('/bench/eld', (_request, reply) => {
    const result = { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 };
    eld.reset();
    void reply.send(result);
  });

  // Ingest in 10 ms ticks, each sink fed the same events.
  let cursor = 0;
  const perTick = Math.max(1, Math.round(rate / 100));
  setInterval(() => {
    if (!ingesting) return;
    const from = cursor;
    const to = Math.min(stream.count, from + perTick);
    for (const sink of sinks) apply(sink, stream, from, to);
    cursor = to >= stream.count ? 0 : to;
  }, 10);

  await app.listen(0, '127.0.0.1');
  eld.enable();
  const address: unknown = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null && 'port' in address ? Number(address.port) : 0;
  process.stdout.write(`ready ${port}\n`);
}

void main();
