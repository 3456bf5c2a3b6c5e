/** The BullMQ queue that carries interception events from the gateway to the recorder. */
export const INTERCEPTION_QUEUE = 'tollgate-interceptions';
