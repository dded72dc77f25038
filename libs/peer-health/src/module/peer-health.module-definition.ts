import { ConfigurableModuleBuilder } from '@nestjs/common';
import { createLeaseHealthController } from '../diagnostics/lease-health.controller';
import { DEFAULT_LEASE_HEALTH_PATH_PREFIX } from './peer-health.constants';
import type { PeerHealthModuleExtras, PeerHealthModuleOptions } from './interfaces/peer-health-module-options.interface';
import { checkPathPrefix } from './peer-health-options';

export const {
  ConfigurableModuleClass: ConfigurablePeerHealthModule,
  MODULE_OPTIONS_TOKEN: PEER_HEALTH_MODULE_OPTIONS,
  OPTIONS_TYPE: PEER_HEALTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: PEER_HEALTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<PeerHealthModuleOptions>({ moduleName: 'PeerHealth' })
  .setClassMethodName('forRoot')
  .setExtras<PeerHealthModuleExtras>(
    { isGlobal: true, controller: true, pathPrefix: DEFAULT_LEASE_HEALTH_PATH_PREFIX },
    (definition, extras) => ({
      ...definition,
      global: extras.isGlobal ?? true,
      controllers:
        extras.controller === false
          ? []
          : [createLeaseHealthController(checkPathPrefix(extras.pathPrefix ?? DEFAULT_LEASE_HEALTH_PATH_PREFIX))],
    }),
  )
  .build();
