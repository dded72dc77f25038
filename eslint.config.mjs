// @ts-check
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Libraries of this repo, for the dependency rule of the design. */
const otherLibs = ['mesh-gossip', 'mesh-leadership', 'resource-lease'];

/** A pattern that forbids importing the named libs, by package name or by relative path. */
function libPattern(libs, why) {
  return { regex: `(^@omnirelay/(${libs.join('|')})($|/))|((^|/)(libs/)?(${libs.join('|')})(/|$))`, message: why };
}

/** The no-restricted-imports rule with these patterns (flat config replaces, never merges, a rule). */
function restrictImports(...patterns) {
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const kitOnlyItself = libPattern(
  [...otherLibs, 'peer-health'],
  'The kit (libs/peer-health) imports no other lib of this repo, and itself only by relative path.',
);

/**
 * The kit's folders depend one way: base → tracker → telemetry, providers → diagnostics → module.
 * Each folder may import only the folders before it; the CLI only base (it must start without Nest), and
 * the producer subpath (loaded in worker threads) base and the tracker's dependency-free input checks.
 */
const kitLayers = [['base'], ['tracker'], ['telemetry', 'providers'], ['diagnostics'], ['module']];
const kitFolders = kitLayers.flat();

/** The tracker's face to the folders above it: the tracker class, its read model and its interfaces. */
const trackerFace = {
  regex: '^(\\.\\./)+tracker/(?!(peer-lease-health\\.tracker|tracker-read-model)$|interfaces/)',
  message: 'Above tracker/, import only the tracker class, tracker/tracker-read-model or tracker/interfaces/.',
};

function folderRule(folder, allowed, ...more) {
  const forbidden = [...kitFolders, 'cli', 'producer'].filter((other) => other !== folder && !allowed.includes(other));
  return {
    files: [`libs/peer-health/src/${folder}/**/*.ts`],
    rules: restrictImports(kitOnlyItself, {
      regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
      message: `libs/peer-health/src/${folder} may import ${allowed.length ? `only ${allowed.join(', ')}` : 'no other folder of the kit'} (the kit's one-way folder order).`,
    }, ...more),
  };
}

function kitLayerRules() {
  const layered = kitLayers.flatMap((layer, level) =>
    layer.map((folder) => {
      const allowed = kitLayers.slice(0, level).flat();
      return allowed.includes('tracker') ? folderRule(folder, allowed, trackerFace) : folderRule(folder, allowed);
    }),
  );
  // The producer subpath loads in worker threads without Nest: base, and the tracker's input checks (see the hygiene spec).
  return [...layered, folderRule('cli', ['base']), folderRule('producer', ['base', 'tracker'])];
}

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**'] },
  {
    // Build scripts and jest plumbing, plain JavaScript on Node.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...eslint.configs.recommended,
    languageOptions: {
      globals: { ...globals.node },
    },
  },
  {
    files: ['**/*.ts'],
    extends: [eslint.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Nest's option types are classes filled from object literals by design (NestApplicationOptions...).
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    files: ['libs/peer-health/**/*.ts'],
    rules: restrictImports(kitOnlyItself),
  },
  ...kitLayerRules(),
  {
    files: ['libs/mesh-gossip/**/*.ts', 'libs/mesh-leadership/**/*.ts'],
    rules: restrictImports(
      libPattern(['resource-lease'], 'Gossip and leadership never import the dispatcher (libs/resource-lease).'),
    ),
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests reach into results with optional chaining and build deliberately bad input.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unsafe-type-assertion': 'off',
    },
  },
);
