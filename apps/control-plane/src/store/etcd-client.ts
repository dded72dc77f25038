import { readFileSync } from 'node:fs';
import { Etcd3, type IOptions } from 'etcd3';
import type { HostConfig } from '../host-config';

/** Every unary etcd call gives up after this long, so an unreachable etcd is an error, not a hang. */
const ETCD_CALL_TIMEOUT_MS = 2000;

/** The etcd client of `--store etcd`, with the TLS material and credentials of the flags. */
export function createEtcdClient(config: HostConfig): Etcd3 {
  const options: IOptions = {
    hosts: [...config.etcdEndpoints],
    dialTimeout: ETCD_CALL_TIMEOUT_MS,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + ETCD_CALL_TIMEOUT_MS }),
    // gRPC backs off reconnecting up to two minutes by default; an etcd that is back should be used within a second.
    grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 1000 },
  };
  const credentials =
    config.etcdCa === undefined
      ? undefined
      : {
          rootCertificate: readFileSync(config.etcdCa),
          ...(config.etcdCert !== undefined && config.etcdKey !== undefined
            ? { certChain: readFileSync(config.etcdCert), privateKey: readFileSync(config.etcdKey) }
            : {}),
        };
  const auth =
    config.etcdUsername !== undefined && config.etcdPassword !== undefined
      ? { username: config.etcdUsername, password: config.etcdPassword }
      : undefined;
  return new Etcd3({ ...options, ...(credentials ? { credentials } : {}), ...(auth ? { auth } : {}) });
}
