import { Inject } from '@nestjs/common';

/** Nest tokens under which the composition root (`@tollgate/gateway`) provides what the operator API reads. */
export const GATEWAY_RUNTIME = Symbol('GatewayRuntime');
export const READINESS = Symbol('Readiness');

export const InjectGatewayRuntime = (): ParameterDecorator => Inject(GATEWAY_RUNTIME);
export const InjectReadiness = (): ParameterDecorator => Inject(READINESS);
