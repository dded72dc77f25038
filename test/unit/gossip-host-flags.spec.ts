import { randomBytes } from 'node:crypto';
import { HOST_USAGE, HostConfigError, parseHostConfig } from '../../dist/apps/control-plane/host-config';

const key = (bytes = 32) => randomBytes(bytes).toString('base64');
const error = (argv: string[], env: NodeJS.ProcessEnv = {}): HostConfigError => {
  try {
    parseHostConfig(argv, env);
  } catch (caught) {
    if (caught instanceof HostConfigError) return caught;
    throw caught;
  }
  throw new Error('expected a HostConfigError');
};

describe('the host gossip flags', () => {
  it('takes a key from --gossip-key or OMNIRELAY_GOSSIP_KEY, and a keyring from --gossip-keys', () => {
    const [k1, k2] = [key(), key()];
    expect(parseHostConfig(['--gossip-key', k1], {}).config).toMatchObject({ gossipKey: k1, gossipKeys: [] });
    expect(parseHostConfig([], { OMNIRELAY_GOSSIP_KEY: k1 }).config.gossipKey).toBe(k1);
    expect(parseHostConfig(['--gossip-keys', `${k1},${k2}`], {}).config.gossipKeys).toEqual([k1, k2]);
    expect(parseHostConfig([], {}).config).toMatchObject({ gossipKey: undefined, gossipKeys: [], gossipAllow: [], gossipMaxMembers: 4096 });
  });

  it('refuses a key of another length, naming the flag and the length but never the key', () => {
    const short = key(16);
    const refused = error(['--gossip-key', short]);
    expect(refused.message).toMatch(/--gossip-key \(OMNIRELAY_GOSSIP_KEY\) must be base64 of 32 bytes, got 16 bytes/);
    expect(refused.message).not.toContain(short);
    const fromEnv = error([], { OMNIRELAY_GOSSIP_KEY: key(33) });
    expect(fromEnv.message).toMatch(/got 33 bytes/);
    const inRing = error(['--gossip-keys', `${key()},${short}`]);
    expect(inRing.message).toMatch(/key 2 must be base64 of 32 bytes/);
    expect(inRing.message).not.toContain(short);
    expect(error(['--gossip-key', 'not base64 at all!']).message).not.toContain('not base64 at all!');
    expect(error(['--gossip-key', key(), '--gossip-keys', key()]).message).toMatch(/not both/);
  });

  it('checks --gossip-allow at start-up: malformed entries and link-local or metadata addresses are refused', () => {
    expect(parseHostConfig(['--gossip-allow', '10.0.0.0/8,node-1.mesh,*.mesh.internal'], {}).config.gossipAllow).toEqual([
      '10.0.0.0/8',
      'node-1.mesh',
      '*.mesh.internal',
    ]);
    expect(error(['--gossip-allow', '169.254.169.254']).message).toMatch(/never allowed/);
    expect(error(['--gossip-allow', '10.0.0.0/40']).message).toMatch(/not a CIDR/);
    expect(error(['--gossip-max-members', '0']).message).toMatch(/from 1 to/);
  });

  it('lists the flags in --help', () => {
    for (const flag of ['--gossip-key', '--gossip-keys', '--gossip-allow', '--gossip-max-members', 'OMNIRELAY_GOSSIP_KEY']) {
      expect(HOST_USAGE).toContain(flag);
    }
  });
});
