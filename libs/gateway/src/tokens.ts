import { Inject } from '@nestjs/common';

export const CONFIG = Symbol('TollgateConfig');
export const InjectConfig = (): ParameterDecorator => Inject(CONFIG);

export const LOGGER = Symbol('Logger');
export const InjectLogger = (): ParameterDecorator => Inject(LOGGER);

export const METRICS_REGISTRY = Symbol('MetricsRegistry');
export const InjectMetricsRegistry = (): ParameterDecorator => Inject(METRICS_REGISTRY);

export const EVENT_SINK = Symbol('InterceptionEventSink');
export const InjectEventSink = (): ParameterDecorator => Inject(EVENT_SINK);

export const KEY_STATE_STORE = Symbol('KeyStateStore');
export const InjectKeyStateStore = (): ParameterDecorator => Inject(KEY_STATE_STORE);
