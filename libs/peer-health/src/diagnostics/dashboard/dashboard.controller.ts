import { Controller, Get, Header, Injectable, UseGuards, type CanActivate, type Type } from '@nestjs/common';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard-page';

/** Path of the dashboard under the kit's prefix. */
export const DASHBOARD_ROUTE = 'dashboard';

/** Serves `GET <prefix>/dashboard` (when `forRoot({ dashboard: true })`): one self-contained page. */
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

/** The dashboard controller bound to `pathPrefix` and guarded like the kit's other routes. */
export function createDashboardController(
  pathPrefix: string,
  guards: readonly (Type<CanActivate> | CanActivate)[] = [],
): Type<DashboardController> {
  @Controller(pathPrefix)
  class PrefixedDashboardController extends DashboardController {}
  if (guards.length > 0) UseGuards(...guards)(PrefixedDashboardController);
  Object.defineProperty(PrefixedDashboardController, 'name', { value: DashboardController.name });
  return PrefixedDashboardController;
}
