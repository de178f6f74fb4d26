import { ClockModule } from '#common';
import { AppConfigModule } from '#config';
import { DatabaseModule } from '#database';
import { ReportsModule } from '#reports';
import { SlaModule } from '#sla';
import { Module } from '@nestjs/common';

/** What `npm run reports:rebuild` needs: the report facts and the clocks' worked time. */
@Module({
  imports: [AppConfigModule, ClockModule, DatabaseModule, SlaModule, ReportsModule],
})
export class ReportsCliModule {}
