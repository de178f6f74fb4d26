import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { RequestIdParamsDto } from '../requests/requests.dto.js';

const FILE_ID_PATTERN = /^[1-9]\d{0,18}$/;

export class FileDto {
  @ApiProperty({ example: '42' }) id: string;
  @ApiProperty({
    example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    description: 'SHA-256 of the bytes, hex',
  })
  sha256: string;
  @ApiProperty({ example: 182734, description: 'bytes' }) size: number;
  @ApiProperty({
    enum: ['application/pdf', 'image/jpeg', 'image/png', 'application/ofd'],
    description: 'sniffed from the bytes, never taken from the name or the client',
  })
  contentType: string;
  @ApiProperty({ example: '公司章程.pdf', description: 'the name given, without any path or control characters' })
  name: string;
  @ApiProperty({ example: '91320594MA1XK7T2QQ', description: 'the company the file belongs to' }) companyUscc: string;
  @ApiProperty({ example: '2026-11-29T08:00:00.000Z' }) createdAt: string;
}

export class AttachedFileDto extends FileDto {
  @ApiProperty({ example: 'ARTICLES', description: 'the material of the request this file is' }) materialCode: string;
}

export class UploadQueryDto {
  @ApiPropertyOptional({
    example: '91320594MA1XK7T2QQ',
    pattern: '^[0-9A-Z]{18}$',
    description: '代办: the company a clerk uploads for (required of a clerk; an applicant uploads for their own)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Z]{18}$/, { message: 'companyUscc must be a USCC of 18 digits and capital letters' })
  companyUscc?: string;
}

export class FileIdParamsDto {
  @ApiProperty({ example: '42', pattern: FILE_ID_PATTERN.source })
  @IsString()
  @Matches(FILE_ID_PATTERN, { message: 'fileId must be the id of an uploaded file' })
  fileId: string;
}

export class RequestFileParamsDto extends RequestIdParamsDto {
  @ApiProperty({ example: '42', pattern: FILE_ID_PATTERN.source })
  @IsString()
  @Matches(FILE_ID_PATTERN, { message: 'fileId must be the id of an uploaded file' })
  fileId: string;
}
