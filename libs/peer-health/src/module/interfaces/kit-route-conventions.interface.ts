/** How the kit's controllers fit the host's conventions (the module's static extras). */
export interface KitRouteConventions {
  /** `@nestjs/throttler` throttlers that skip the kit's routes (its `default` one for `true`). */
  readonly skipThrottle: boolean | readonly string[];
  /** `@nestjs/swagger` metadata when that package is installed; `false`: the routes are left out of the document. */
  readonly openApi: boolean;
}
