export * from './gateway.app';
export * from './gateway-runtime';
export * from './recording';
export * from './config';
