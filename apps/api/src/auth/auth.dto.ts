import { ROLES, type Role } from '#database';
import { CharLength } from '../http/char-length.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin', minLength: 1, maxLength: 64 })
  @IsString()
  @CharLength(1, 64)
  username: string;

  @ApiProperty({ example: 'admin-demo-2026', minLength: 1, maxLength: 128, format: 'password' })
  @IsString()
  @CharLength(1, 128)
  password: string;
}

export class UserDto {
  @ApiProperty({ example: '1' })
  id: string;

  @ApiProperty({ example: 'clerk.centre' })
  username: string;

  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiPropertyOptional({ example: '91320594MA1XK7T2QQ' })
  companyUscc?: string;

  @ApiPropertyOptional({ example: 'SAMR' })
  departmentCode?: string;

  @ApiPropertyOptional({ example: 'CENTRE' })
  hallCode?: string;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'JWT to send as Authorization: Bearer <accessToken>' })
  accessToken: string;

  @ApiProperty({ type: UserDto })
  user: UserDto;
}

export class QueuesPassDto {
  @ApiProperty({ description: 'where the queues page is: open it in a new tab', example: '/admin/queues' })
  path: string;

  @ApiProperty({ description: 'when the pass runs out (UTC)', example: '2026-12-07T03:15:00.000Z' })
  expiresAt: string;
}
