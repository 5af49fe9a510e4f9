import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { StrictValidationPipe } from '../../common/validation.js';
import { PRINTABLE_TEXT, Trim } from '../../common/validators.js';

const MAX_REASON = 500;

/** The registrar's reason for a change to someone's seat or place in line: it goes on the record. */
export class WaitlistReasonDto {
  @ApiProperty({
    maxLength: MAX_REASON,
    example: 'Nominated by the national authority as a priority',
    description: 'Why: recorded as the reason of the audit event',
  })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_REASON)
  @Matches(PRINTABLE_TEXT, { message: 'reason must not contain control characters' })
  reason: string;
}

export class MoveInLineDto extends WaitlistReasonDto {
  @ApiProperty({
    minimum: 1,
    example: 1,
    description:
      'The new place in the waiting line, 1 (next in line) to the number waiting; everyone between shifts by one',
  })
  @IsInt()
  @Min(1)
  position: number;
}

export class WithdrawDto {
  @ApiPropertyOptional({
    maxLength: MAX_REASON,
    example: 'The operator withdrew the nomination',
    description: 'Why (optional): recorded as the reason of the audit event',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_REASON)
  @Matches(PRINTABLE_TEXT, { message: 'reason must not contain control characters' })
  reason?: string;
}

/**
 * For a route whose body is optional (withdraw: clients written before the reason existed send
 * none): an absent body reads as `{}`, anything else is validated as the DTO, strictly. The
 * parameter is typed as a union so the global pipe, which refuses an absent body, lets it by.
 */
@Injectable()
export class OptionalBodyPipe implements PipeTransform {
  private readonly strict = new StrictValidationPipe();

  constructor(private readonly dto: new () => object) {}

  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return this.strict.transform(value === undefined || value === null ? {} : value, {
      ...metadata,
      metatype: this.dto,
    });
  }
}
