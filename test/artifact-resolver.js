// Jest resolver for every tier: tests must exercise the built kit. Resolving @omnirelay/peer-health
// (or anything under libs/*/) to a TypeScript source fails the run instead of silently testing sources.
'use strict';

const KIT_REQUEST = /^@omnirelay\/peer-health(\/|$)/;
const LIB_PATH = /[\\/]libs[\\/][^\\/]+[\\/]/;
const BUILT_KIT = /[\\/]libs[\\/]peer-health[\\/]dist[\\/].*\.js$/;

function checkResolution(request, resolved) {
  const isKit = KIT_REQUEST.test(request) || /[\\/]libs[\\/]peer-health[\\/]/.test(resolved);
  if (isKit && !BUILT_KIT.test(resolved)) {
    throw new Error(
      `Test resolved the kit from "${resolved}" (request "${request}"). ` +
        'Tests import @omnirelay/peer-health from its compiled output (libs/peer-health/dist); run the build first.',
    );
  }
  if (LIB_PATH.test(resolved) && /\.tsx?$/.test(resolved)) {
    throw new Error(`Test resolved "${request}" to the TypeScript source "${resolved}"; import the built library instead.`);
  }
  return resolved;
}

module.exports = (request, options) => checkResolution(request, options.defaultResolver(request, options));
module.exports.checkResolution = checkResolution;
