export * from './gateway.app';
export * from './gateway-runtime';
