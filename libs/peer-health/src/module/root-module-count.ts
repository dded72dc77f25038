import type { ModulesContainer } from '@nestjs/core';
import { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';

/** How many times the application imports `root` (each forRoot/forRootAsync call is one import). */
function importsOf(modules: ModulesContainer, root: object): number {
  let count = 0;
  for (const module of modules.values()) if (module.metatype === root) count++;
  return count;
}

/**
 * One tracker, one endpoint per application: a second forRoot would declare the route twice (a
 * router error that does not say why) or quietly shadow the first one's options.
 */
export function assertImportedOnce(modules: ModulesContainer, root: object): void {
  const count = importsOf(modules, root);
  if (count > 1) {
    throw new PeerHealthConfigurationError(
      'forRoot',
      `@omnirelay/peer-health: PeerHealthModule.forRoot()/forRootAsync() is imported ${count} times in one application; ` +
        'import it once, in the root module (it is global by default), and use PeerHealthModule.forFeature() in feature modules.',
    );
  }
}

/** forFeature only registers providers; without forRoot nothing would ever ask them. */
export function assertRootImported(modules: ModulesContainer, root: object): void {
  if (importsOf(modules, root) === 0) {
    throw new PeerHealthConfigurationError(
      'forFeature',
      '@omnirelay/peer-health: PeerHealthModule.forFeature() is used but PeerHealthModule.forRoot() or forRootAsync() is not ' +
        'imported; import it once, in the root module.',
    );
  }
}
