import { CharLength } from '../http/char-length.js';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class CreateCompanyDto {
  @ApiProperty({
    example: '91320594MA1XK7T2QQ',
    minLength: 1,
    maxLength: 64,
    description:
      'Unified Social Credit Code (GB 32100-2015); case, spaces and hyphens are normalised, then the check character must match',
  })
  @IsString()
  @CharLength(1, 64)
  uscc: string;

  @ApiProperty({ example: '示范科技有限公司', minLength: 1, maxLength: 200 })
  @IsString()
  @CharLength(1, 200)
  @Matches(/\S/, { message: '$property must not be blank' })
  name: string;
}

export class UsccParamsDto {
  @ApiProperty({ example: '91320594MA1XK7T2QQ', minLength: 1, maxLength: 64 })
  @IsString()
  @CharLength(1, 64)
  uscc: string;
}

export class CompanyDto {
  @ApiProperty({ example: '91320594MA1XK7T2QQ', description: 'normalised: 18 capitals and digits' }) uscc: string;
  @ApiProperty({ example: '示范科技有限公司' }) name: string;
}
