import {
  CODE_PATTERN,
  CODE_RULE,
  DEFAULT_NEARBY_LIMIT,
  DEFAULT_NEARBY_RADIUS_KM,
  MAX_NEARBY_LIMIT,
  MAX_NEARBY_RADIUS_KM,
  MIN_NEARBY_RADIUS_KM,
  NEARBY_RADIUS_RULE,
} from '#catalogue';
import { HALL_LEVELS, type HallLevel, type OpeningHours, WEEKDAYS } from '#database';
import { CharLength } from '../http/char-length.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CodeProperty, codeMessage, IsCode, NOT_BLANK, notBlank, TextProperty } from './catalogue.dto.js';

/** A range of opening hours as written: HH:MM-HH:MM (order and overlaps are checked by the controller). */
const HOURS_RANGE = /^\d{2}:\d{2}-\d{2}:\d{2}$/;
const MAX_RANGES_A_DAY = 6;
export const MAX_HALL_ITEMS = 200;
const finite = { allowNaN: false, allowInfinity: false };

function dayHours() {
  return (target: object, key: string) => {
    ApiPropertyOptional({
      type: 'array',
      items: { type: 'string', pattern: HOURS_RANGE.source },
      maxItems: MAX_RANGES_A_DAY,
      example: ['09:00-12:00', '13:00-17:00'],
      description: 'HH:MM-HH:MM ranges in order; a day left out is closed',
    })(target, key);
    IsOptional()(target, key);
    IsArray({ message: '$property must be a list of HH:MM-HH:MM ranges' })(target, key);
    ArrayMaxSize(MAX_RANGES_A_DAY)(target, key);
    IsString({ each: true, message: 'each of $property must be a range written HH:MM-HH:MM' })(target, key);
    Matches(HOURS_RANGE, { each: true, message: 'each of $property must be a range written HH:MM-HH:MM' })(target, key);
  };
}

/** A week of opening hours, read against the zone calendar (closed on holidays, open on 调休 workdays). */
export class OpeningHoursDto {
  @dayHours() mon?: string[];
  @dayHours() tue?: string[];
  @dayHours() wed?: string[];
  @dayHours() thu?: string[];
  @dayHours() fri?: string[];
  @dayHours() sat?: string[];
  @dayHours() sun?: string[];
}

/** The hours as a plain object of the days given (the DTO is a class instance). */
export const plainOpeningHours = (dto: OpeningHoursDto | undefined): OpeningHours | undefined =>
  dto && Object.fromEntries(WEEKDAYS.filter((d) => dto[d] !== undefined).map((d) => [d, [...dto[d]!]]));

/** Where a hall is and what it takes in: the fields of the 15-minute service circle. */
class HallPlaceDto {
  @ApiPropertyOptional({ example: '苏州工业园区现代大道999号', minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @CharLength(1, 200)
  @Matches(NOT_BLANK, notBlank)
  address?: string;

  @ApiPropertyOptional({ example: 31.3241, minimum: -90, maximum: 90, description: 'WGS-84 latitude; with lng' })
  @IsOptional()
  @IsNumber(finite, { message: 'lat must be a number of degrees' })
  @Min(-90)
  @Max(90)
  lat?: number;

  @ApiPropertyOptional({ example: 120.7153, minimum: -180, maximum: 180, description: 'WGS-84 longitude; with lat' })
  @IsOptional()
  @IsNumber(finite, { message: 'lng must be a number of degrees' })
  @Min(-180)
  @Max(180)
  lng?: number;

  @ApiPropertyOptional({
    type: OpeningHoursDto,
    description: 'weekly hours; absent: the zone’s (Mon–Fri 09:00-12:00, 13:00-17:00)',
  })
  @IsOptional()
  @IsObject({ message: 'openingHours must be an object of days (mon … sun)' })
  @ValidateNested()
  @Type(() => OpeningHoursDto)
  openingHours?: OpeningHoursDto;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: CODE_PATTERN.source },
    maxItems: MAX_HALL_ITEMS,
    example: ['OPEN-BUSINESS'],
    description: 'the items the hall takes in (收件), by code; the list replaces the old one',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_HALL_ITEMS)
  @IsString({ each: true })
  @Matches(CODE_PATTERN, { each: true, message: `each of $property must be ${CODE_RULE}` })
  itemCodes?: string[];
}

export class CreateHallDto extends HallPlaceDto {
  @CodeProperty('EAST') code: string;

  @TextProperty('东区便民服务分中心', 100) name: string;

  @ApiProperty({ enum: HALL_LEVELS, description: '1+5+N: one centre, branches under it, points under either' })
  @IsIn(HALL_LEVELS, { message: `level must be one of ${HALL_LEVELS.join(', ')}` })
  level: HallLevel;

  @ApiPropertyOptional({
    example: 'CENTRE',
    pattern: CODE_PATTERN.source,
    description: 'none for a centre; a centre for a branch; a branch or a centre for a point',
  })
  @IsOptional()
  @IsCode()
  parentCode?: string;
}

/** An admin's change to a hall (PATCH): the fields given replace the old; lat and lng together. */
export class UpdateHallDto extends HallPlaceDto {
  @ApiPropertyOptional({ example: '东区便民服务分中心', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @CharLength(1, 100)
  @Matches(NOT_BLANK, notBlank)
  name?: string;
}

export class HallDto {
  @ApiProperty({ example: 'EAST' }) code: string;
  @ApiProperty({ example: '东区便民服务分中心' }) name: string;
  @ApiProperty({ enum: HALL_LEVELS }) level: HallLevel;
  @ApiPropertyOptional({ example: 'CENTRE' }) parentCode?: string;
  @ApiPropertyOptional({ example: '苏州工业园区现代大道999号' }) address?: string;
  @ApiPropertyOptional({ example: 31.3241 }) lat?: number;
  @ApiPropertyOptional({ example: 120.7153 }) lng?: number;
  @ApiPropertyOptional({ type: OpeningHoursDto, description: 'absent: the zone’s hours' })
  openingHours?: OpeningHoursDto;
  @ApiPropertyOptional({
    type: [String],
    example: ['OPEN-BUSINESS'],
    description: 'the items the hall takes in; absent: none',
  })
  itemCodes?: string[];
}

/** `GET /halls/nearby`: a point, an item, a radius. */
export class NearbyQueryDto {
  @ApiProperty({ example: 31.3, minimum: -90, maximum: 90, description: 'WGS-84 latitude of the point' })
  @Type(() => Number)
  @IsNumber(finite, { message: 'lat must be a number of degrees' })
  @Min(-90)
  @Max(90)
  lat: number;

  @ApiProperty({ example: 120.7, minimum: -180, maximum: 180, description: 'WGS-84 longitude of the point' })
  @Type(() => Number)
  @IsNumber(finite, { message: 'lng must be a number of degrees' })
  @Min(-180)
  @Max(180)
  lng: number;

  @ApiPropertyOptional({
    example: 'OPEN-BUSINESS',
    pattern: CODE_PATTERN.source,
    description: 'only the places that take this item in; all places when absent',
  })
  @IsOptional()
  @IsString()
  @Matches(CODE_PATTERN, codeMessage)
  itemCode?: string;

  @ApiPropertyOptional({
    minimum: MIN_NEARBY_RADIUS_KM,
    maximum: MAX_NEARBY_RADIUS_KM,
    default: DEFAULT_NEARBY_RADIUS_KM,
    description: 'kilometres around the point',
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber(finite, { message: 'radiusKm must be a number of kilometres' })
  @Min(MIN_NEARBY_RADIUS_KM, { message: NEARBY_RADIUS_RULE })
  @Max(MAX_NEARBY_RADIUS_KM, { message: NEARBY_RADIUS_RULE })
  radiusKm: number = DEFAULT_NEARBY_RADIUS_KM;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_NEARBY_LIMIT, default: DEFAULT_NEARBY_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_NEARBY_LIMIT)
  limit: number = DEFAULT_NEARBY_LIMIT;
}

export class NearbyHallDto {
  @ApiProperty({ example: 'EAST' }) code: string;
  @ApiProperty({ example: '东区便民服务分中心' }) name: string;
  @ApiProperty({ enum: HALL_LEVELS }) level: HallLevel;
  @ApiPropertyOptional({ example: 'CENTRE' }) parentCode?: string;
  @ApiPropertyOptional({ example: '苏州工业园区现代大道999号' }) address?: string;
  @ApiProperty({ example: 31.3241 }) lat: number;
  @ApiProperty({ example: 120.7153 }) lng: number;
  @ApiProperty({
    type: 'integer',
    example: 850,
    minimum: 0,
    maximum: MAX_NEARBY_RADIUS_KM * 1000,
    description: 'on the sphere, to the metre (within the radius asked for)',
  })
  distanceMeters: number;
  @ApiProperty({ description: 'open at this moment by its hours on the zone calendar (holidays closed, 调休 open)' })
  openNow: boolean;
  @ApiPropertyOptional({ type: OpeningHoursDto, description: 'absent: the zone’s hours' })
  openingHours?: OpeningHoursDto;
}

export class NearbyHallsDto {
  @ApiProperty({ example: '2026-05-11T10:00:00.000+08:00', description: 'the moment openNow was read at' })
  asOf: string;
  @ApiProperty({ example: 5 }) radiusKm: number;
  @ApiProperty({ type: [NearbyHallDto], description: 'nearest first' }) items: NearbyHallDto[];
  @ApiProperty({ description: 'more places were within the radius than limit' }) truncated: boolean;
}

export class HallPageDto {
  @ApiProperty({ type: [HallDto] }) items: HallDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  nextCursor: string | null;
}
