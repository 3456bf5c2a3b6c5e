import { Inject } from '@nestjs/common';

export const KEY_STATE_STORE = Symbol('KeyStateStore');
export const InjectKeyStateStore = (): ParameterDecorator => Inject(KEY_STATE_STORE);
