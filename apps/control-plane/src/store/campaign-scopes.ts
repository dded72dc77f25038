import type { HostConfig } from '../host-config';

/**
 * The scopes of `--scopes` this node campaigns for on etcd: `--campaign-scopes` when given (`none`:
 * none), else by role: control-plane and all-in-one nodes campaign for every scope, dispatchers for
 * none (they campaign for `dispatch` only), so that the mesh's leaders are the nodes meant to lead it.
 */
export function campaignScopes(config: Pick<HostConfig, 'role' | 'scopes' | 'campaignScopes'>): readonly string[] {
  if (config.campaignScopes !== undefined) return config.campaignScopes.filter((scope) => scope !== 'none');
  return config.role === 'control-plane' || config.role === 'all-in-one' ? config.scopes : [];
}
