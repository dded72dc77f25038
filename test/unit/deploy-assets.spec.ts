import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PEER_HEALTH_METRICS } from '@omnirelay/peer-health';
import { GOSSIP_MEMBERS_METRIC, GOSSIP_MESSAGE_MEMBERS_METRIC, GOSSIP_MESSAGES_METRIC, GOSSIP_RTT_METRIC } from '@omnirelay/mesh-gossip';
import { LEADERSHIP_CHANGES_METRIC, LEADERSHIP_TERM_METRIC } from '@omnirelay/mesh-leadership';

const root = resolve(__dirname, '../..');
const known = new Set<string>(Object.values(PEER_HEALTH_METRICS));
/** Every omnirelay_* metric name an expression mentions. */
const metricsIn = (text: string): string[] => [...new Set(text.match(/omnirelay_[a-z_]+/g) ?? [])];

const hostMetrics = new Set<string>([
  GOSSIP_MEMBERS_METRIC,
  GOSSIP_MESSAGE_MEMBERS_METRIC,
  GOSSIP_MESSAGES_METRIC,
  GOSSIP_RTT_METRIC,
  LEADERSHIP_CHANGES_METRIC,
  LEADERSHIP_TERM_METRIC,
]);
/** Every mesh_* metric name an expression mentions. */
const meshMetricsIn = (text: string): string[] => [...new Set(text.match(/mesh_[a-z_]+/g) ?? [])];

describe('deploy assets use only metrics the kit exports', () => {
  it('deploy/prometheus/alerts.yml', () => {
    const used = metricsIn(readFileSync(resolve(root, 'deploy/prometheus/alerts.yml'), 'utf8'));
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter((name) => !known.has(name))).toEqual([]);
  });

  it('deploy/prometheus/alerts.yml alerts on leader flapping and gossip failures with the host mesh metrics', () => {
    const text = readFileSync(resolve(root, 'deploy/prometheus/alerts.yml'), 'utf8');
    const used = meshMetricsIn(text);
    expect(used.filter((name) => !hostMetrics.has(name))).toEqual([]);
    expect(used).toEqual(expect.arrayContaining([LEADERSHIP_CHANGES_METRIC, GOSSIP_MESSAGES_METRIC, GOSSIP_MEMBERS_METRIC]));
    expect(text).toMatch(/alert: MeshLeaderFlapping\n\s+#[^\n]*\n(\s+#[^\n]*\n)*\s+expr: [^\n]*mesh_leadership_changes_total/);
    // The promtool unit tests name every mesh alert, so none goes untested.
    const tests = readFileSync(resolve(root, 'deploy/prometheus/alerts.test.yml'), 'utf8');
    const meshAlerts = [...text.matchAll(/alert: (Mesh\w+)/g)].map((match) => match[1]);
    expect(meshAlerts.length).toBeGreaterThanOrEqual(4);
    expect(meshAlerts.filter((name) => !tests.includes(`alertname: ${name}`))).toEqual([]);
  });

  it('deploy/grafana/peer-health.json is a dashboard whose panels query the kit metrics', () => {
    const dashboard = JSON.parse(readFileSync(resolve(root, 'deploy/grafana/peer-health.json'), 'utf8')) as {
      uid: string;
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    expect(dashboard.uid).toBe('omnirelay-peer-health');
    const used = metricsIn(dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)).join('\n'));
    expect(used.filter((name) => !known.has(name))).toEqual([]);
    expect(used).toEqual(expect.arrayContaining([PEER_HEALTH_METRICS.healthy, PEER_HEALTH_METRICS.transitions, PEER_HEALTH_METRICS.watchers]));
  });
});
