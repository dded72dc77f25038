import type { MeshGossipService } from '@omnirelay/mesh-gossip';
import { HOST_USAGE, HostConfigError, parseHostConfig } from '../../dist/apps/control-plane/host-config';
import { dispatcherUrls, fleetMode, fleetProviderTimeoutMs } from '../../dist/apps/control-plane/roles/fleet/fleet-view';

const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
  try {
    parseHostConfig(argv, env);
  } catch (caught) {
    if (caught instanceof HostConfigError) return caught.message;
    throw caught;
  }
  throw new Error('expected a HostConfigError');
};

describe('the host fleet-view flags', () => {
  it('takes --federate or OMNIRELAY_FEDERATE as base URLs, trailing slashes dropped; the flag wins', () => {
    expect(parseHostConfig(['--federate', 'http://10.0.0.7:8081/, https://d2.mesh:8443'], {}).config.federate).toEqual([
      'http://10.0.0.7:8081',
      'https://d2.mesh:8443',
    ]);
    expect(parseHostConfig([], { OMNIRELAY_FEDERATE: 'http://127.0.0.1:9000' }).config.federate).toEqual(['http://127.0.0.1:9000']);
    expect(parseHostConfig(['--federate', 'http://a:1'], { OMNIRELAY_FEDERATE: 'http://b:2' }).config.federate).toEqual(['http://a:1']);
    expect(parseHostConfig([], {}).config).toMatchObject({ federate: [], federateDiscovery: true, federateTimeoutMs: 1000 });
    expect(HOST_USAGE).toContain('--federate');
  });

  it('refuses anything but base URLs, and URLs with credentials, at start-up', () => {
    expect(refusal(['--federate', 'http://a:1,ftp://b:2'])).toMatch(/--federate \(OMNIRELAY_FEDERATE\) must be comma-separated base URLs/);
    expect(refusal(['--federate', 'http://a:1/omnirelay/control'])).toMatch(/must be comma-separated base URLs/);
    const withCredentials = refusal(['--federate', 'http://a:1,http://user:secret@a:1']);
    expect(withCredentials).toMatch(/must be comma-separated base URLs.*entry 2 is not/);
    expect(withCredentials).not.toContain('secret');
    expect(refusal(['--federate-timeout-ms', '0'])).toMatch(/--federate-timeout-ms/);
    expect(refusal(['--federate-discovery=maybe'])).toMatch(/on or off/);
  });

  it('discovers dispatchers only on a control-plane node without --federate; a static list works on any role', () => {
    const mode = (argv: string[]) => fleetMode(parseHostConfig(argv, {}).config);
    expect(mode(['--role', 'control-plane'])).toBe('discovery');
    expect(mode(['--role', 'control-plane', '--federate-discovery', 'off'])).toBe('off');
    expect(mode(['--role', 'control-plane', '--federate', 'http://d:1'])).toBe('static');
    expect(mode(['--role', 'dispatcher'])).toBe('off');
    expect(mode(['--role', 'all-in-one'])).toBe('off');
    expect(mode(['--role', 'all-in-one', '--federate', 'http://d:1'])).toBe('static');
    // The endpoint waits for the remote provider longer than one remote read may take.
    expect(fleetProviderTimeoutMs(parseHostConfig(['--role', 'control-plane', '--federate-timeout-ms', '1500'], {}).config)).toBeGreaterThan(1500);
    expect(fleetProviderTimeoutMs(parseHostConfig(['--role', 'dispatcher'], {}).config)).toBeUndefined();
  });

  it('reads the dispatchers gossip knows first-hand: not itself, not other roles, not those that left, not hearsay; dead ones stay until forgotten', () => {
    const member = (nodeId: string, role: string, state: string, self = false, firstHand = true) => ({ nodeId, role, state, self, firstHand, url: `http://${nodeId}:1` });
    const gossip = {
      members: () => [
        member('cp-1', 'control-plane', 'alive', true),
        member('d-alive', 'dispatcher', 'alive'),
        member('d-suspect', 'dispatcher', 'suspect'),
        member('d-dead', 'dispatcher', 'dead'),
        member('d-left', 'dispatcher', 'left'),
        member('w-1', 'worker', 'alive'),
        member('d-self', 'dispatcher', 'alive', true),
        // Introduced by a third party only: it never spoke for itself here.
        member('d-hearsay', 'dispatcher', 'alive', false, false),
      ],
    } as unknown as MeshGossipService;
    expect(dispatcherUrls(gossip)).toEqual(['http://d-alive:1', 'http://d-suspect:1', 'http://d-dead:1']);
  });
});
