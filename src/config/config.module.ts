import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config.js';
import { validateEnvironment } from './environment.js';

/** Makes the resolved AppConfig injectable everywhere. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        // @nestjs/config validates the raw environment once more inside the container, so a
        // module reading ConfigService sees the same checked values.
        ConfigModule.forRoot({ ignoreEnvFile: true, validate: validateEnvironment, cache: true }),
      ],
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
