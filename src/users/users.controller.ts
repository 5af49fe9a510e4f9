import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Allow } from '../access/access.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  CreateUserDto,
  ListUsersQueryDto,
  UpdateUserDto,
  UserDto,
  UserPageDto,
} from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Allow('users.manage')
  @ApiOperation({ summary: 'Create a user account with roles' })
  @ApiCreatedResponse({ type: UserDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(actor, body);
  }

  @Get()
  @Allow('users.read')
  @ApiOperation({ summary: 'List user accounts' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Get(':id')
  @Allow('users.read')
  @ApiOperation({ summary: 'One user account' })
  @ApiOkResponse({ type: UserDto })
  get(@Param('id', UuidPipe) id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @Allow('users.manage')
  @ApiOperation({
    summary: 'Change roles or disable/enable an account',
    description: 'Disabling ends every session of the account at once.',
  })
  @ApiOkResponse({ type: UserDto })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserDto> {
    return this.users.update(actor, id, body);
  }
}
