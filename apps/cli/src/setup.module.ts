import { CalendarModule } from '#calendar';
import { CatalogueModule } from '#catalogue';
import { ClockModule } from '#common';
import { AppConfigModule } from '#config';
import { DatabaseModule } from '#database';
import { IdentityModule } from '#identity';
import { Module } from '@nestjs/common';
import { DemoSeed } from './demo-seed.js';

@Module({
  imports: [AppConfigModule, ClockModule, DatabaseModule, IdentityModule, CalendarModule, CatalogueModule],
  providers: [DemoSeed],
})
export class SetupModule {}
