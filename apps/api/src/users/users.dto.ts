import { ROLES, type Role } from '#database';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '#identity';
import { UserDto } from '../auth/auth.dto.js';
import { CharLength } from '../http/char-length.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

export class CreateUserDto {
  @ApiProperty({ example: 'clerk.centre', pattern: '^[A-Za-z0-9._-]{3,64}$' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{3,64}$/, { message: 'username must be 3-64 letters, digits, dots, underscores or hyphens' })
  username: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    format: 'password',
    description: 'at least a letter and a digit',
  })
  @IsString()
  @CharLength(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({
    description: 'required for an applicant',
    example: '91320594MA1XK7T2QQ',
    pattern: '^[0-9A-Z]{18}$',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Z]{18}$/, { message: 'companyUscc must be 18 characters of digits and capital letters' })
  companyUscc?: string;

  @ApiPropertyOptional({ description: 'required for an approver', example: 'SAMR', minLength: 1, maxLength: 32 })
  @IsOptional()
  @IsString()
  @CharLength(1, 32)
  departmentCode?: string;

  @ApiPropertyOptional({ description: 'required for a clerk', example: 'CENTRE', minLength: 1, maxLength: 32 })
  @IsOptional()
  @IsString()
  @CharLength(1, 32)
  hallCode?: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  nextCursor: string | null;
}
