export * from './config.loader';
export * from './duration';
export * from './tollgate-config';
export * from './telemetry-env';
export * from './public-defaults.policy';
export * from './aws-credential';
