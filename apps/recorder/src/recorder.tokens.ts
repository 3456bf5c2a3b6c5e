import { Inject } from '@nestjs/common';

export const RECORDER_CONFIG = Symbol('RecorderConfig');
export const InjectRecorderConfig = (): ParameterDecorator => Inject(RECORDER_CONFIG);

export const RECORDER_LOGGER = Symbol('RecorderLogger');
export const InjectRecorderLogger = (): ParameterDecorator => Inject(RECORDER_LOGGER);

export const RECORDER_METRICS_REGISTRY = Symbol('RecorderMetricsRegistry');
export const InjectRecorderMetricsRegistry = (): ParameterDecorator => Inject(RECORDER_METRICS_REGISTRY);

export const RECORDER_DATA_SOURCE = Symbol('RecorderDataSource');
export const InjectRecorderDataSource = (): ParameterDecorator => Inject(RECORDER_DATA_SOURCE);
