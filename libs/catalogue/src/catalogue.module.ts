import { AuditWriter } from '#audit';
import { Module } from '@nestjs/common';
import { CatalogueService } from './catalogue.service.js';
import { DepartmentsService } from './departments.service.js';
import { HallsService } from './halls.service.js';
import { MattersService } from './matters.service.js';

/** The catalogue: departments, halls, matters, items and their versions. Needs the database and a Clock. */
@Module({
  providers: [DepartmentsService, HallsService, MattersService, CatalogueService, AuditWriter],
  exports: [DepartmentsService, HallsService, MattersService, CatalogueService],
})
export class CatalogueModule {}
