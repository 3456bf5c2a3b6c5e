export * from './test-services.env';
export * from './test-database';
export * from './test-redis-prefix';
export * from './tcp-proxy';
export * from './interception-events';
export * from './recording-queue';
export * from './redis-cluster';
