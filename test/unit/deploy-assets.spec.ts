import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PEER_HEALTH_METRICS } from '@omnirelay/peer-health';

const root = resolve(__dirname, '../..');
const known = new Set<string>(Object.values(PEER_HEALTH_METRICS));
/** Every omnirelay_* metric name an expression mentions. */
const metricsIn = (text: string): string[] => [...new Set(text.match(/omnirelay_[a-z_]+/g) ?? [])];

describe('deploy assets use only metrics the kit exports', () => {
  it('deploy/prometheus/alerts.yml', () => {
    const used = metricsIn(readFileSync(resolve(root, 'deploy/prometheus/alerts.yml'), 'utf8'));
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter((name) => !known.has(name))).toEqual([]);
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
