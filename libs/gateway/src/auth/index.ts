export * from './admin-token.guard';
export * from './gateway-token.registry';
