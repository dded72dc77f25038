/** Injection token of the host's `StoreProbe` (provided with `--store etcd` only). */
export const STORE_PROBE = 'OMNIRELAY_STORE_PROBE';
