import { CreateRecordingTables1767225600000 } from './1767225600000-create-recording-tables';
import { CreateIdentityTables1767312000000 } from './1767312000000-create-identity-tables';

/** Every migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const RECORDING_MIGRATIONS = [CreateRecordingTables1767225600000, CreateIdentityTables1767312000000];
