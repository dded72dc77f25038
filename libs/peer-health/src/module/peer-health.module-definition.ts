import { ConfigurableModuleBuilder } from '@nestjs/common';
import { createDashboardController } from '../diagnostics/dashboard/dashboard.controller';
import { createLeaseHealthController } from '../diagnostics/lease-health.controller';
import { DEFAULT_LEASE_HEALTH_PATH_PREFIX, LEASE_HEALTH_ROUTE } from '../base/peer-health.routes';
import { PEER_HEALTH_NOT_MODIFIED_POLICY, PEER_HEALTH_ROUTE_PATH } from '../base/peer-health.constants';
import type { NotModifiedPolicy } from '../diagnostics/conditional-get.hook';
import type { PeerHealthModuleExtras, PeerHealthModuleOptions } from './interfaces/peer-health-module-options.interface';
import { checkPathPrefix, checkRouteConventions } from './peer-health-options';
import { applyRouteConventions } from './openapi/route-conventions';

export const {
  ConfigurableModuleClass: ConfigurablePeerHealthModule,
  MODULE_OPTIONS_TOKEN: PEER_HEALTH_MODULE_OPTIONS,
  OPTIONS_TYPE: PEER_HEALTH_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<PeerHealthModuleOptions>({ moduleName: 'PeerHealth' })
  .setClassMethodName('forRoot')
  .setExtras<PeerHealthModuleExtras>(
    // Every extra is listed (undefined for "none"), so that forRoot() takes each one out of the options.
    {
      isGlobal: true,
      controller: true,
      pathPrefix: DEFAULT_LEASE_HEALTH_PATH_PREFIX,
      guards: undefined,
      notModifiedAuthorizer: undefined,
      dashboard: false,
      guardDashboard: false,
      skipThrottle: false,
      openApi: true,
    },
    (definition, extras) => {
      if (extras.controller === false) return { ...definition, global: extras.isGlobal ?? true, controllers: [] };
      const prefix = checkPathPrefix(extras.pathPrefix ?? DEFAULT_LEASE_HEALTH_PATH_PREFIX);
      const conventions = checkRouteConventions(extras);
      const controllers = [
        createLeaseHealthController(prefix, extras.guards),
        // The page carries no data: outside the guards unless the host asks (its data requests are guarded).
        ...(extras.dashboard === true ? [createDashboardController(prefix, extras.guardDashboard === true ? extras.guards : [])] : []),
      ];
      for (const controller of controllers) applyRouteConventions(controller, conventions);
      return {
        ...definition,
        global: extras.isGlobal ?? true,
        controllers,
        providers: [
          ...(definition.providers ?? []),
          { provide: PEER_HEALTH_ROUTE_PATH, useValue: `${prefix === '/' ? '' : prefix}/${LEASE_HEALTH_ROUTE}` },
          {
            provide: PEER_HEALTH_NOT_MODIFIED_POLICY,
            useValue: { routeGuarded: (extras.guards?.length ?? 0) > 0, authorizer: extras.notModifiedAuthorizer } satisfies NotModifiedPolicy,
          },
        ],
      };
    },
  )
  .build();
