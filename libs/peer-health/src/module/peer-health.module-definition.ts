import { ConfigurableModuleBuilder } from '@nestjs/common';
import { createDashboardController } from '../diagnostics/dashboard/dashboard.controller';
import { createLeaseHealthController } from '../diagnostics/lease-health.controller';
import {
  DEFAULT_LEASE_HEALTH_PATH_PREFIX,
  LEASE_HEALTH_ROUTE,
  PEER_HEALTH_NOT_MODIFIED_POLICY,
  PEER_HEALTH_ROUTE_PATH,
} from '../base/peer-health.constants';
import type { NotModifiedPolicy } from '../diagnostics/conditional-get.hook';
import type { PeerHealthModuleExtras, PeerHealthModuleOptions } from './interfaces/peer-health-module-options.interface';
import { checkPathPrefix } from './peer-health-options';

export const {
  ConfigurableModuleClass: ConfigurablePeerHealthModule,
  MODULE_OPTIONS_TOKEN: PEER_HEALTH_MODULE_OPTIONS,
  OPTIONS_TYPE: PEER_HEALTH_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<PeerHealthModuleOptions>({ moduleName: 'PeerHealth' })
  .setClassMethodName('forRoot')
  .setExtras<PeerHealthModuleExtras>(
    { isGlobal: true, controller: true, pathPrefix: DEFAULT_LEASE_HEALTH_PATH_PREFIX, dashboard: false },
    (definition, extras) => {
      if (extras.controller === false) return { ...definition, global: extras.isGlobal ?? true, controllers: [] };
      const prefix = checkPathPrefix(extras.pathPrefix ?? DEFAULT_LEASE_HEALTH_PATH_PREFIX);
      return {
        ...definition,
        global: extras.isGlobal ?? true,
        controllers: [
          createLeaseHealthController(prefix, extras.guards),
          ...(extras.dashboard === true ? [createDashboardController(prefix, extras.guards)] : []),
        ],
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
