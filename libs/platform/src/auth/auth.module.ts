import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DatabaseModule } from '../database/database.module.js';
import { ApiKeyUsedJob } from './api-key-used.job.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeyService } from './api-key.service.js';
import { ApiKeysController } from './api-keys.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthThrottle } from './auth-throttle.js';
import { KeyWatch } from './key-watch.js';

@Module({
  imports: [DatabaseModule.forFeature([ApiKeyEntity])],
  controllers: [ApiKeysController],
  providers: [
    ApiKeyRepository,
    ApiKeyService,
    AuthThrottle,
    ApiKeyUsedJob,
    KeyWatch,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeyService, KeyWatch],
})
export class AuthModule {}
