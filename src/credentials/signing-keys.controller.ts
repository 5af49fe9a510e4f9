import { Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { SigningKeyDto, SigningKeyPageDto } from './dto/signing-key.dto.js';
import { SigningKeysService } from './signing-keys.service.js';

@ApiTags('signing keys')
@Controller('api/v1/signing-keys')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get()
  @Allow('signingKeys.read')
  @ApiOperation({
    summary: 'Every credential signing key, newest first',
    description:
      'Retired keys stay listed: credentials they signed keep verifying (vc+jwt by `kid` in the JWKS, Data Integrity by `did`).',
  })
  @ApiOkResponse({ type: SigningKeyPageDto })
  async list(): Promise<SigningKeyPageDto> {
    const keys = await this.keys.keyInfos();
    return { items: keys.map((k) => SigningKeyDto.from(k)), nextCursor: null };
  }

  @Post('rotate')
  @Allow('signingKeys.rotate')
  @ApiOperation({
    summary: 'Rotate the credential signing key',
    description:
      'A new Ed25519 key (a new `kid` and a new did:key) signs from now on; the previous one is retired but stays published, so everything it signed keeps verifying. Other instances switch within 30 seconds.',
  })
  @ApiCreatedResponse({ type: SigningKeyDto })
  async rotate(@CurrentActor() actor: Actor): Promise<SigningKeyDto> {
    const { kid } = await this.keys.rotate(actor);
    const key = await this.keys.findKey((k) => k.kid === kid);
    return SigningKeyDto.from(key!);
  }
}
