import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { CodeProperty } from '../catalogue/catalogue.dto.js';

const NAME = /^[A-Za-z0-9._-]{3,64}$/;
const SERVICE_ACCOUNT_ID = /^[1-9]\d{0,18}$/;

export class CreateServiceAccountDto {
  @ApiProperty({
    example: 'samr-approval-system',
    pattern: NAME.source,
    description: 'shown as the actor on the timeline of what the system does',
  })
  @IsString()
  @Matches(NAME, { message: 'name must be 3-64 letters, digits, dots, underscores or hyphens' })
  name: string;

  @CodeProperty('SAMR') departmentCode: string;
}

export class ServiceAccountDto {
  @ApiProperty({ example: '9000000000000001' }) id: string;
  @ApiProperty({ example: 'samr-approval-system' }) name: string;
  @ApiProperty({ example: 'SAMR' }) departmentCode: string;
  @ApiProperty({ example: '3f9c2a71d0b84e6a', description: 'the part of the key before its secret' })
  keyId: string;
  @ApiProperty({ example: '2026-12-07T09:00:00.000+08:00' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'when the key was last used, to the minute; null: never' })
  lastUsedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null: the key is accepted' })
  revokedAt: string | null;
}

export class CreatedServiceAccountDto extends ServiceAccountDto {
  @ApiProperty({
    example: 'otk_3f9c2a71d0b84e6a_q8Xw0vR3m1L9cT5yB2nH7kJ4pD6sF0gA1zE8uV3iO5w',
    description: 'the API key, shown this once (only its hash is kept): send it as `Authorization: Bearer <apiKey>`',
  })
  apiKey: string;
}

export class ServiceAccountPageDto {
  @ApiProperty({ type: [ServiceAccountDto] }) items: ServiceAccountDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  nextCursor: string | null;
}

export class ServiceAccountIdParamsDto {
  @ApiProperty({ example: '9000000000000001', pattern: SERVICE_ACCOUNT_ID.source })
  @IsString()
  @Matches(SERVICE_ACCOUNT_ID, { message: 'id must be the id of a service account' })
  id: string;
}
