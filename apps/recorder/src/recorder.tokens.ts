import { Inject } from '@nestjs/common';

export const RECORDER_OPTIONS = Symbol('RecorderOptions');
export const InjectRecorderOptions = (): ParameterDecorator => Inject(RECORDER_OPTIONS);

export const RECORDER_METRICS = Symbol('RecorderMetrics');
export const InjectRecorderMetrics = (): ParameterDecorator => Inject(RECORDER_METRICS);

export const RECORDER_DATA_SOURCE = Symbol('RecorderDataSource');
export const InjectRecorderDataSource = (): ParameterDecorator => Inject(RECORDER_DATA_SOURCE);

/** The recording queue as a BullMQ `Queue` (its depth); the transport's worker has its own connection. */
export const RECORDING_QUEUE = Symbol('RecordingQueue');
export const InjectRecordingQueue = (): ParameterDecorator => Inject(RECORDING_QUEUE);

export const EVENT_GROUP_COMMITTER = Symbol('EventGroupCommitter');
export const InjectEventGroupCommitter = (): ParameterDecorator => Inject(EVENT_GROUP_COMMITTER);

export const INTERCEPTION_JOB_RECORDER = Symbol('InterceptionJobRecorder');
export const InjectInterceptionJobRecorder = (): ParameterDecorator => Inject(INTERCEPTION_JOB_RECORDER);
