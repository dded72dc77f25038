import { Module } from '@nestjs/common';
import { PeerSimulationService } from './peer-simulation.service';
import { TransportHealthProvider } from './transport-health.provider';

@Module({ providers: [TransportHealthProvider, PeerSimulationService] })
export class PeerSimulationModule {}
