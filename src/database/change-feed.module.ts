import { Global, Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed.js';

/** One listening connection per instance, shared by every cache that depends on it. */
@Global()
@Module({ providers: [ChangeFeed], exports: [ChangeFeed] })
export class ChangeFeedModule {}
