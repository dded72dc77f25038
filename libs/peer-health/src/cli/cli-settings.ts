import { DEFAULT_LEASE_HEALTH_PATH } from '../base/peer-health.routes';

// The CLI's defaults and exit codes.

export const DEFAULT_URL = 'http://127.0.0.1:8080';
/** Where the kit serves lease health by default (`pathPrefix` + `/lease-health`). */
export const LEASE_HEALTH_PATH = DEFAULT_LEASE_HEALTH_PATH;
export const REQUEST_TIMEOUT_MS = 5_000;
export const DEFAULT_INTERVAL_SECONDS = 2;

export const EXIT_OK = 0;
export const EXIT_PEER_NOT_FOUND = 1;
export const EXIT_UNAVAILABLE = 2;
/** EX_USAGE of sysexits.h. */
export const EXIT_USAGE = 64;
/** 128 + SIGINT, as shells report an interrupted command. */
export const EXIT_INTERRUPTED = 130;
