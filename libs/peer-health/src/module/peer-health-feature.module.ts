import { Module } from '@nestjs/common';

/** Host of the providers registered with `PeerHealthModule.forFeature()`. */
@Module({})
export class PeerHealthFeatureModule {}
