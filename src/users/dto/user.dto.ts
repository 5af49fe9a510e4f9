import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { ROLES, type Role } from '../../common/roles.js';
import { PageQueryDto } from '../../common/pagination.js';
import { NotNullIfGiven } from '../../common/validators.js';
import { IsAcceptablePassword } from '../../auth/password-policy.js';
import type { User } from '../user.entity.js';

const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'registrar@coe.example' }) email: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) traineeId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) instructorId: string | null;
  @ApiProperty() disabled: boolean;

  static from(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      roles: user.roles,
      traineeId: user.traineeId,
      instructorId: user.instructorId,
      disabled: user.disabled,
    };
  }
}

export class CreateUserDto {
  @ApiProperty({ example: 'a.mammadov@coe.example' })
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({
    minLength: 12,
    maxLength: 128,
    description: '12 to 128 characters; common passwords are refused',
  })
  @IsAcceptablePassword()
  password: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['trainee'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all')
  traineeId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all')
  instructorId?: string | null;
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
