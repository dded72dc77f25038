import { Module, type DynamicModule } from '@nestjs/common';
import { PeerHealthModule } from '@omnirelay/peer-health';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import type { HostConfig } from './host-config';
import { PeerSimulationModule } from './simulation/peer-simulation.module';

@Module({})
export class AppModule {
  static register(config: HostConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PrometheusModule.register({ path: '/metrics' }),
        PeerHealthModule.forRoot({ heartbeatGracePeriodMs: config.heartbeatGracePeriodMs }),
        ...(config.simulation ? [PeerSimulationModule] : []),
      ],
    };
  }
}
