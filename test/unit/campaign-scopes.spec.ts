import { HostConfigError, parseHostConfig } from '../../dist/apps/control-plane/host-config';
import { campaignScopes } from '../../dist/apps/control-plane/store/campaign-scopes';

const ETCD = ['--store', 'etcd', '--etcd-endpoints', 'http://127.0.0.1:2379', '--scopes', 'global,shard-00'];
const scopesOf = (args: string[]) => campaignScopes(parseHostConfig([...ETCD, ...args], {}).config);

describe('--campaign-scopes: which nodes campaign for which scopes on etcd', () => {
  it('by default control-plane and all-in-one nodes campaign for every scope and dispatchers for none', () => {
    expect(scopesOf(['--role', 'control-plane'])).toEqual(['global', 'shard-00']);
    expect(scopesOf(['--role', 'all-in-one'])).toEqual(['global', 'shard-00']);
    expect(scopesOf(['--role', 'dispatcher'])).toEqual([]);
  });

  it('the flag (or OMNIRELAY_CAMPAIGN_SCOPES) overrides the role, and none campaigns for nothing', () => {
    expect(scopesOf(['--role', 'dispatcher', '--campaign-scopes', 'shard-00'])).toEqual(['shard-00']);
    expect(scopesOf(['--role', 'control-plane', '--campaign-scopes', 'none'])).toEqual([]);
    expect(campaignScopes(parseHostConfig(['--role', 'dispatcher', ...ETCD], { OMNIRELAY_CAMPAIGN_SCOPES: 'global' }).config)).toEqual(['global']);
  });

  it('refuses a scope that is not one of --scopes', () => {
    expect(() => parseHostConfig([...ETCD, '--role', 'control-plane', '--campaign-scopes', 'global,shard-99'], {})).toThrow(HostConfigError);
    expect(() => parseHostConfig([...ETCD, '--role', 'control-plane', '--campaign-scopes', 'shard-99'], {})).toThrow(/shard-99/);
  });
});
