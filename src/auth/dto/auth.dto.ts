import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsAcceptablePassword, PASSWORD_RULES } from '../password-policy.js';
import { UserDto } from '../../users/dto/user.dto.js';

export class LoginDto {
  @ApiProperty({ example: 'admin@coe.example' })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The opaque refresh token from login or the previous refresh' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({
    minLength: 12,
    maxLength: 128,
    description: PASSWORD_RULES,
  })
  @IsAcceptablePassword()
  newPassword: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'Short-lived JWT for the Authorization header' }) accessToken: string;
  @ApiProperty({ description: 'Opaque, single-use token to obtain the next pair' })
  refreshToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 }) expiresIn: number;
  @ApiProperty({ type: UserDto }) user: UserDto;
}

/** The browser's sign-in and renewal answer: the tokens stay in HttpOnly cookies. */
export class WebSessionDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
}
