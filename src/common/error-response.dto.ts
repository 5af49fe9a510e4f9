import { ApiProperty } from '@nestjs/swagger';

export class ErrorResponseDto {
  @ApiProperty({ example: 422 }) statusCode: number;
  @ApiProperty({ example: 'Unprocessable Entity' }) error: string;
  @ApiProperty({ example: 'PREREQUISITE_NOT_MET', description: 'Stable machine-readable code' })
  code: string;
  @ApiProperty({ example: 'The trainee lacks a current certificate for EOD-1' }) message: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: {} })
  details: Record<string, unknown>;
}
