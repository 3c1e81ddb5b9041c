import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyUsedJob } from './api-key-used.job.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeyService } from './api-key.service.js';
import { ApiKeysController } from './api-keys.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthThrottle } from './auth-throttle.js';
import { KeyWatch } from './key-watch.js';

@Module({
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
