import { ApiProperty } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export class ErrorResponseDto {
  @ApiProperty({ example: 422 }) statusCode: number;
  @ApiProperty({ example: 'Unprocessable Entity' }) error: string;
  @ApiProperty({
    enum: ERROR_CODES,
    enumName: 'ErrorCode',
    example: 'PREREQUISITE_NOT_MET',
    description: 'Stable machine-readable code; never changes with the language',
  })
  code: ErrorCode;
  @ApiProperty({
    example: 'The trainee lacks a current certificate for EOD-1',
    description: 'In the caller’s language (Accept-Language: en, az, ru; else English)',
  })
  message: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: {} })
  details: Record<string, unknown>;
}
