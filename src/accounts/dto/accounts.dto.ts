import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { IsAcceptablePassword, PASSWORD_RULES } from '../../auth/password-policy.js';
import { NotNullIfGiven } from '../../common/validators.js';
import { LANGUAGES, type Lang } from '../../web/i18n.js';

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'a.mammadov@coe.example', maxLength: 254 })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  email: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({
    description:
      'The token from the mailed link (`#token=` on the set-password page): a password reset or an invitation',
    maxLength: 128,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  token: string;

  @ApiProperty({ minLength: 12, maxLength: 128, description: PASSWORD_RULES })
  @IsAcceptablePassword()
  newPassword: string;
}

/** What an invitation or reset answers: where the link went and until when it works. */
export class MailedLinkDto {
  @ApiProperty({ example: 'a.mammadov@coe.example' }) email: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

export class PreferencesDto {
  @ApiProperty({
    enum: LANGUAGES,
    nullable: true,
    type: String,
    description:
      'The language of the mail the account receives; null: not chosen (the organisation’s country decides, else English)',
  })
  language: Lang | null;

  @ApiProperty({
    description:
      'Reminders (sessions about to start, certificates and qualifications about to expire). Security mail (invitations, password resets) is always sent.',
  })
  reminders: boolean;

  @ApiProperty({ enum: LANGUAGES, description: 'The language mail is written in now' })
  mailLanguage: Lang;
}

export class UpdatePreferencesDto {
  @ApiPropertyOptional({
    enum: LANGUAGES,
    nullable: true,
    type: String,
    description: 'null clears the choice',
  })
  @ValidateIf((_object, value) => value !== undefined && value !== null)
  @IsIn(LANGUAGES)
  language?: Lang | null;

  @ApiPropertyOptional()
  @NotNullIfGiven()
  @IsBoolean()
  reminders?: boolean;
}
