// @omnirelay/peer-health/terminus: readiness for Kubernetes through @nestjs/terminus (an optional peer).
export { PeerHealthIndicator } from './peer-health.indicator';
export type { PeerHealthReadiness } from './peer-health.indicator';
