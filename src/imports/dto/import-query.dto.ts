import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class ImportQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: 'Check everything and report, writing nothing (always answers 200)',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: 'Import the valid rows and list the invalid ones, instead of importing nothing',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  skipInvalid?: 'true' | 'false';
}
