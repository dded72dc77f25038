import { Controller, Get, Header, Injectable, UseGuards, VERSION_NEUTRAL, type CanActivate, type Type } from '@nestjs/common';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard-page';

/** Path of the dashboard under the kit's prefix. */
export const DASHBOARD_ROUTE = 'dashboard';

/** Serves `GET <prefix>/dashboard` (when `forRoot({ dashboard: true })`): one self-contained page, no data. */
@Injectable()
export class DashboardController {
  @Get(DASHBOARD_ROUTE)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  page(): string {
    return DASHBOARD_HTML;
  }
}

/**
 * The dashboard controller bound to `pathPrefix`, version-neutral. `guards` are given only when the
 * host asked for the page itself to be guarded (`guardDashboard`): it carries no data.
 */
export function createDashboardController(
  pathPrefix: string,
  guards: readonly (Type<CanActivate> | CanActivate)[] = [],
): Type<DashboardController> {
  @Controller({ path: pathPrefix, version: VERSION_NEUTRAL })
  class PrefixedDashboardController extends DashboardController {}
  if (guards.length > 0) UseGuards(...guards)(PrefixedDashboardController);
  Object.defineProperty(PrefixedDashboardController, 'name', { value: DashboardController.name });
  return PrefixedDashboardController;
}
