export * from './logger';
export * from './redact';
export * from './nest-logger';
