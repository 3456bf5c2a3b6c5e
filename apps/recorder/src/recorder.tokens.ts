import { Inject } from '@nestjs/common';

export const RECORDER_OPTIONS = Symbol('RecorderOptions');
export const InjectRecorderOptions = (): ParameterDecorator => Inject(RECORDER_OPTIONS);

export const RECORDER_METRICS = Symbol('RecorderMetrics');
export const InjectRecorderMetrics = (): ParameterDecorator => Inject(RECORDER_METRICS);

export const RECORDER_DATA_SOURCE = Symbol('RecorderDataSource');
export const InjectRecorderDataSource = (): ParameterDecorator => Inject(RECORDER_DATA_SOURCE);

/** The recording queues (every shard) as BullMQ `Queue`s, for their depth; the transport's workers have their own connections. */
export const RECORDING_QUEUES = Symbol('RecordingQueues');
export const InjectRecordingQueues = (): ParameterDecorator => Inject(RECORDING_QUEUES);

export const EVENT_GROUP_COMMITTER = Symbol('EventGroupCommitter');
export const InjectEventGroupCommitter = (): ParameterDecorator => Inject(EVENT_GROUP_COMMITTER);

export const INTERCEPTION_JOB_RECORDER = Symbol('InterceptionJobRecorder');
export const InjectInterceptionJobRecorder = (): ParameterDecorator => Inject(INTERCEPTION_JOB_RECORDER);
