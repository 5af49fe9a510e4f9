import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { PERMISSIONS, permissionsOf, type Permission } from '../../access/access-policy.js';
import { ROLES, type Role } from '../../common/roles.js';
import { PageQueryDto } from '../../common/pagination.js';
import { IsAccountEmail } from '../../common/email.js';
import { NotNullIfGiven } from '../../common/validators.js';
import { IsAcceptablePassword, PASSWORD_RULES } from '../../auth/password-policy.js';
import { LANGUAGES, type Lang } from '../../web/i18n.js';
import type { User } from '../user.entity.js';

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'registrar@coe.example' }) email: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) traineeId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) instructorId: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      "A coordinator's organisation (required for the coordinator role): they see and nominate only its people",
  })
  organisationId: string | null;
  @ApiProperty() disabled: boolean;
  @ApiProperty({
    description:
      'Created without a password, and its person has not chosen one yet (the invitation link does that): it cannot sign in until then',
  })
  invitationPending: boolean;
  @ApiProperty({
    enum: Object.keys(PERMISSIONS),
    isArray: true,
    description:
      'What the account may do, from the access policy (the roles decide it): pages show only ' +
      'what these allow; the API still checks each request, and which records a permission ' +
      'reaches (a trainee their own, an instructor their sessions).',
  })
  permissions: Permission[];

  static from(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      roles: user.roles,
      traineeId: user.traineeId,
      instructorId: user.instructorId,
      organisationId: user.organisationId,
      disabled: user.disabled,
      invitationPending: user.passwordHash === null,
      permissions: permissionsOf(user),
    };
  }
}

export class CreateUserDto {
  @ApiProperty({
    example: 'a.mammadov@coe.example',
    description:
      'Unique. Stored normalised (NFKC, lower case); invisible characters, mixed writing systems and look-alike letters are refused',
  })
  @IsAccountEmail()
  email: string;

  @ApiPropertyOptional({
    minLength: 12,
    maxLength: 128,
    description: `${PASSWORD_RULES}. Without it, the person is mailed an invitation to choose their own (a link valid for 7 days), and the account cannot sign in until they do.`,
  })
  @NotNullIfGiven()
  @IsAcceptablePassword({ emailField: 'email' })
  password?: string;

  @ApiPropertyOptional({
    enum: LANGUAGES,
    description:
      'The language of the account’s mail (the invitation first). Without it: the organisation’s country decides, else English. The person may change it (PATCH /api/v1/auth/me/preferences).',
  })
  @NotNullIfGiven()
  @IsIn(LANGUAGES)
  language?: Lang;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['trainee'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all')
  traineeId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all')
  instructorId?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'The organisation a coordinator nominates for: required with the coordinator role (422 COORDINATOR_NEEDS_ORGANISATION without it)',
  })
  @IsOptional()
  @IsUUID('all')
  organisationId?: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @NotNullIfGiven()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional()
  @NotNullIfGiven()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'The organisation a coordinator nominates for; null takes it away (refused while the account is a coordinator: 422 COORDINATOR_NEEDS_ORGANISATION)',
  })
  @IsOptional()
  @IsUUID('all')
  organisationId?: string | null;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'Case-insensitive part of the email' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
