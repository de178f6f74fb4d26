import { Global, Module } from '@nestjs/common';
import { LiveBus } from './live-bus.js';

/** The live channel (LiveBus) for every module of the process: the change kernel and the relay publish on it. */
@Global()
@Module({ providers: [LiveBus], exports: [LiveBus] })
export class LiveModule {}
