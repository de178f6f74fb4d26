import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CodeProperty, IsText } from '../catalogue/catalogue.dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

const LICENCE_ID_PATTERN = /^[1-9]\d{0,18}$/;
const USCC_QUERY = /^[0-9A-Z]{18}$/;

export class LicenceDto {
  @ApiProperty({ example: '12' }) id: string;
  @ApiProperty({ example: '91320594MA1XK7T2QQ', description: 'the output number the issuing department gave' })
  number: string;
  @ApiProperty({ example: 'BUSINESS-LICENCE', description: "the matter's output kind; materials name it (免提交)" })
  kind: string;
  @ApiProperty({ example: '营业执照' }) name: string;
  @ApiProperty({ example: '91320594MA1XK7T2QQ' }) holderUscc: string;
  @ApiProperty({ example: '苏州示范科技有限公司' }) holderName: string;
  @ApiProperty({ example: 'SAMR', description: 'the issuing department' }) departmentCode: string;
  @ApiProperty({ example: 'BIZ-LICENCE' }) matterCode: string;
  @ApiProperty({ example: '42', description: 'the request whose completion issued it' }) requestId: string;
  @ApiProperty({ example: 'licence' }) stepKey: string;
  @ApiProperty({ example: '2026-11-26T17:05:00.000+08:00' }) issuedAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'null: valid without end (长期有效)' })
  validUntil: string | null;
  @ApiProperty({
    enum: ['valid', 'revoked', 'expired'],
    description: 'read from its dates when asked: a licence past validUntil is expired without any job',
  })
  status: string;
  @ApiProperty({ example: 'K7QH3MXC9TPA4RWD', description: 'public: GET /licences/verify/{code}' })
  verificationCode: string;
  @ApiProperty({ type: String, nullable: true }) revokedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) revokeReason: string | null;
}

export class LicencePageDto {
  @ApiProperty({ type: [LicenceDto] }) items: LicenceDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  nextCursor: string | null;
}

export class LicenceCheckDto {
  @ApiProperty({ description: 'neither revoked nor past its validity' }) valid: boolean;
  @ApiProperty({ enum: ['valid', 'revoked', 'expired'] }) status: string;
  @ApiProperty({ example: 'BUSINESS-LICENCE' }) kind: string;
  @ApiProperty({ example: '营业执照' }) name: string;
  @ApiProperty({ example: '苏州示范科技有限公司' }) holderName: string;
  @ApiProperty({ example: '2026-11-26T17:05:00.000+08:00' }) issuedAt: string;
  @ApiProperty({ type: String, nullable: true }) validUntil: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedAt: string | null;
}

export class StandInDto {
  @ApiProperty({ example: 'BIZ-LICENCE-COPY', description: 'the checklist material the licence covers' })
  code: string;
  @ApiProperty({ example: '营业执照副本' }) materialName: string;
  @ApiProperty({ type: LicenceDto }) licence: LicenceDto;
}

export class CoverageDto {
  @ApiProperty({ example: 'CHANGE-COMPANY-INFO' }) itemCode: string;
  @ApiProperty({ example: '91320594MA1XK7T2QQ' }) uscc: string;
  @ApiProperty({
    type: [StandInDto],
    description:
      '免提交: the materials the company’s valid licences cover; left out of a submission, they are filled in',
  })
  covered: StandInDto[];
}

const usccQuery = (description: string) =>
  ApiPropertyOptional({ example: '91320594MA1XK7T2QQ', pattern: USCC_QUERY.source, description });

export class LicenceListQueryDto extends PageQueryDto {
  @usccQuery("the holder; an applicant sees only their company's (another is a 404), staff any company's")
  @IsOptional()
  @IsString()
  @Matches(USCC_QUERY, { message: 'uscc must be a USCC of 18 digits and capital letters' })
  uscc?: string;

  @ApiPropertyOptional({ example: 'BUSINESS-LICENCE', maxLength: 32 })
  @IsOptional()
  @IsText(32)
  kind?: string;
}

export class CoverageQueryDto {
  @CodeProperty('CHANGE-COMPANY-INFO') itemCode: string;

  @usccQuery('the company: required of a clerk (代办); an applicant asks for their own')
  @IsOptional()
  @IsString()
  @Matches(USCC_QUERY, { message: 'uscc must be a USCC of 18 digits and capital letters' })
  uscc?: string;
}

export class LicenceIdParamsDto {
  @ApiProperty({ example: '12', pattern: LICENCE_ID_PATTERN.source })
  @IsString()
  @Matches(LICENCE_ID_PATTERN, { message: 'licenceId must be the id of a licence' })
  licenceId: string;
}

export class VerificationCodeParamsDto {
  @ApiProperty({
    example: 'K7QH3MXC9TPA4RWD',
    maxLength: 40,
    description: 'as printed; case, spaces and hyphens aside',
  })
  @IsString()
  @MaxLength(40)
  code: string;
}
