import { resolve } from 'node:path';

// The resolver that every tier runs with; it is plain CommonJS, loaded as the tiers load it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkResolution } = require('../artifact-resolver.js') as {
  checkResolution: (request: string, resolved: string) => string;
};

describe('tests run on the built kit', () => {
  const root = resolve(__dirname, '../..');

  it('accepts the package name resolved to libs/peer-health/dist', () => {
    const built = `${root}/libs/peer-health/dist/index.js`;
    expect(checkResolution('@omnirelay/peer-health', built)).toBe(built);
    expect(require.resolve('@omnirelay/peer-health')).toBe(built);
  });

  it('fails when the kit resolves to a TypeScript source', () => {
    expect(() => checkResolution('@omnirelay/peer-health', `${root}/libs/peer-health/src/index.ts`)).toThrow(
      /compiled output/,
    );
    expect(() => checkResolution('../../libs/peer-health/src/base/clock', `${root}/libs/peer-health/src/base/clock.ts`)).toThrow(
      /compiled output/,
    );
  });

  it('fails when any lib of the repo resolves to a TypeScript source', () => {
    expect(() => checkResolution('../../libs/mesh-gossip/src', `${root}/libs/mesh-gossip/src/index.ts`)).toThrow(/TypeScript source/);
  });
});
